// `vigil export verify DIR` checks an export offline; `vigil export create` writes one from this
// node's recordings (audited like an export through the API, actor "cli").
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { ConfigError, loadConfig, validateConfig, type Config } from '../core/index.ts';

const HELP = `vigil export verify DIR [--public-key FILE]
    Checks an export offline: the Ed25519 signature over manifest.json and the SHA-256 and size of
    every file. Names every altered, missing or extra file. With --public-key (the server's
    export-ed25519.pub), also checks that this server signed it. Exit 0 when intact, 1 otherwise.

vigil export create --camera ID [--camera ID ...] --from TIME --to TIME --out DIR --reason TEXT [--lift-redaction REASON] [--config FILE]
    Exports recordings (TIME: ISO 8601 or ms since epoch) into DIR/<export id>/ with a signed
    manifest. The reason is required and goes into the audit log and the manifest. The cameras'
    privacy masks are painted in, and faces and licence plates pixelated (privacy.redactExports,
    on by default) unless --lift-redaction gives a reason (audited, in the manifest).`;

function configFrom(values: { config?: string }): Config {
  return values.config ? loadConfig(values.config) : validateConfig(process.env.VIGIL_DATA_DIR ? { dataDir: process.env.VIGIL_DATA_DIR } : {});
}

function parseTimeArg(text: string | undefined, name: string): number {
  if (!text) throw new ConfigError([`--${name}: expected a time (ISO 8601 or ms since epoch)`]);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new ConfigError([`--${name}: cannot read ${JSON.stringify(text)} as a time`]);
  return ms;
}

export async function cmdExport(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '-h' || sub === '--help' || rest.includes('-h') || rest.includes('--help')) {
    console.log(HELP);
    return sub ? 0 : 2;
  }
  if (sub === 'verify') return verify(rest);
  if (sub === 'create') return create(rest);
  console.error(`vigil export: unknown subcommand "${sub}"\n\n${HELP}`);
  return 2;
}

async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'public-key': { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new ConfigError(['expected exactly one export directory']);
  const { verifyExportDir } = await import('../export/index.ts');
  const trusted = values['public-key'] ? createPublicKey(readFileSync(values['public-key'])) : undefined;
  const r = await verifyExportDir(positionals[0], { trustedPublicKey: trusted });
  if (r.ok) {
    const m = r.manifest!;
    console.log(`export intact: ${r.checkedFiles} files, signature valid (key ${m.serverKeyId}${trusted ? ', the trusted key' : ''})`);
    console.log(`cameras ${m.cameras.join(', ')}; ${m.from} to ${m.to}; by ${m.createdBy} at ${m.createdAt}; reason: ${m.reason}`);
    return 0;
  }
  console.log(`export NOT intact (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}):`);
  for (const p of r.problems) console.log(`  ${p.kind.toUpperCase()}  ${p.file}: ${p.message}`);
  return 1;
}

async function create(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { camera: { type: 'string', multiple: true }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, reason: { type: 'string' }, 'lift-redaction': { type: 'string' }, config: { type: 'string' } },
    strict: true,
  });
  if (!values.camera?.length) throw new ConfigError(['--camera: name at least one camera']);
  if (!values.out) throw new ConfigError(['--out: expected a directory']);
  const cfg = configFrom(values);
  const { resolvePaths } = await import('../core/index.ts');
  const { openConfiguredStore } = await import('../app/index.ts');
  const { ExportService } = await import('../export/index.ts');
  const { PrivacyService, redactExportFile } = await import('../privacy/index.ts');
  const lift = values['lift-redaction'];
  if (lift !== undefined && !lift.trim()) throw new ConfigError(['--lift-redaction: say why faces and plates may stay unredacted']);
  const paths = resolvePaths(cfg);
  const store = await openConfiguredStore(cfg);
  const privacy = new PrivacyService({ store });
  // The detector loads only when a file is to be redacted.
  let detector: import('../analytics/index.ts').Detector | null = null;
  const find = cfg.privacy.redactExports
    ? async () => {
      const { createSharedDetector } = await import('../analytics/index.ts');
      detector ??= await createSharedDetector();
      const d = detector;
      return async (rgb: Uint8Array, width: number, height: number) => (await d.detect([{ rgb, width, height, region: [0, 0, 1, 1] }]))[0] ?? [];
    }
    : null;
  try {
    for (const c of values.camera) if (!(await store.getCamera(c))) throw new ConfigError([`--camera: no camera ${JSON.stringify(c)}`]);
    const service = new ExportService({ store, recordingsDir: paths.recordingsDir, keysDir: paths.keysDir, checkpointFile: paths.checkpointFile, exportsDir: path.resolve(values.out) });
    const job = await service.start({
      cameras: values.camera, fromMs: parseTimeArg(values.from, 'from'), toMs: parseTimeArg(values.to, 'to'), reason: values.reason ?? '', actor: 'cli',
      redactionLift: lift ? { by: 'cli', byName: 'cli', reason: lift.trim() } : undefined,
      // Every mask, permanent and liftable: the command line has no lift of its own.
      transform: async (cameraId, filePath, ctx) => redactExportFile({ filePath, polygons: (await privacy.viewFor(cameraId, 'cli', false)).polygons, find, lift: ctx.redactionLift }),
    });
    let shown = -1;
    const timer = setInterval(() => {
      const p = Math.floor((service.get(job.id)?.progress ?? 0) * 100);
      if (p !== shown) process.stderr.write(`\rexporting… ${(shown = p)} %`);
    }, 200);
    const done = await service.wait(job.id).finally(() => clearInterval(timer));
    process.stderr.write('\n');
    if (done.state !== 'done') {
      console.error(`vigil export: failed: ${done.error}`);
      return 1;
    }
    console.log(`export ${done.id}: ${done.files.length} files in ${path.join(path.resolve(values.out), done.id)}`);
    for (const f of done.files) console.log(`  ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256}`);
    return 0;
  } finally {
    await (detector as { close(): Promise<void> } | null)?.close();
    await store.close();
  }
}
