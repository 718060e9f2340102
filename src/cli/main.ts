#!/usr/bin/env node
// The `vigil` command.
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { loadConfig, validateConfig, renderConfigDoc, ConfigError, VigilError, type Config } from '../core/index.ts';
import { createLogger } from '../app/index.ts';

const HELP = `vigil — open, accountable video surveillance

Usage:
  vigil start --config FILE        run Vigil with a YAML or JSON config file
  vigil node --config FILE         a cluster node: records and analyses the cameras it leases
  vigil api --config FILE          a cluster api: serves the control room over every node
                                   (both need the config's cluster section; docs/cluster.md)
  vigil demo [--cameras N]         a demo city: N simulated cameras (default 6), recorded and live
  vigil simulate --cameras N [--port P] [--host H]
                                   serve N simulated RTSP cameras (rtsp://H:P/cam1 ...)
  vigil user add --username U [--role admin|operator|viewer] [--config FILE]
                                   add a user; the password is read from VIGIL_NEW_PASSWORD
                                   or generated and printed once
  vigil audit verify [--config FILE]
                                   recompute the audit hash chain; names the first broken entry
  vigil config-doc [--out FILE]    print the configuration reference (Markdown)
  vigil export verify DIR | export create --camera ID --from T --to T --out DIR --reason TEXT

Environment: VIGIL_DATA_DIR (state, default ./data), VIGIL_PORT (HTTP port, default 8080),
VIGIL_ADMIN_PASSWORD (demo admin password; generated and printed once when unset).
Options: -h, --help on any command.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    console.log(HELP);
    return cmd ? 0 : 2;
  }
  switch (cmd) {
    case 'start':
      return cmdStart(rest);
    case 'node':
    case 'api':
      return cmdStart(rest, cmd);
    case 'demo':
      return (await import('./demo-command.ts')).cmdDemo(rest, HELP);
    case 'simulate':
      return cmdSimulate(rest);
    case 'user':
      return cmdUser(rest);
    case 'audit':
      return cmdAudit(rest);
    case 'analyze': return (await import('./analyze-command.ts')).cmdAnalyze(rest);
    case 'export': return (await import('./export-command.ts')).cmdExport(rest);
    case 'config-doc':
      return cmdConfigDoc(rest);
    default:
      console.error(`vigil: unknown command "${cmd}"\n\n${HELP}`);
      return 2;
  }
}

function wantsHelp(args: string[]): boolean {
  return args.includes('-h') || args.includes('--help');
}

async function cmdStart(args: string[], role?: 'node' | 'api'): Promise<number> {
  const name = role ?? 'start';
  if (wantsHelp(args)) return (console.log(`vigil ${name} --config FILE\n\nRuns Vigil with the given YAML/JSON config (see docs/config.md${role ? ' and docs/cluster.md' : ''}).`), 0);
  const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) throw new ConfigError(['--config: expected a file path']);
  const cfg = loadConfig(values.config);
  if (role && !cfg.cluster) throw new ConfigError([`cluster: expected a cluster section (nodeId, natsUrl, secretKeyFile) for vigil ${role}, got nothing`]);
  const { runUntilSignal } = await import('./run.ts');
  return runUntilSignal(cfg, { adminPassword: process.env.VIGIL_ADMIN_PASSWORD || undefined, role: role ?? (cfg.cluster ? 'both' : undefined) });
}

async function cmdSimulate(args: string[]): Promise<number> {
  if (wantsHelp(args)) return (console.log('vigil simulate --cameras N [--port P] [--host H]\n\nServes N simulated RTSP cameras replaying pre-encoded H.264 in real time.'), 0);
  const { runSimulatorCli } = await import('../simulator/index.ts');
  await runSimulatorCli(args);
  return 0;
}

function configFrom(values: { config?: string }): Config {
  return values.config ? loadConfig(values.config) : validateConfig(process.env.VIGIL_DATA_DIR ? { dataDir: process.env.VIGIL_DATA_DIR } : {});
}

async function cmdUser(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add' || wantsHelp(rest)) {
    console.log('vigil user add --username U [--role admin|supervisor|operator|viewer|auditor] [--config FILE]\n\nThe password comes from VIGIL_NEW_PASSWORD (at least 12 characters, not a common password, not containing the user name), or is generated and printed once.');
    return sub === 'add' || wantsHelp(args) ? 0 : 2;
  }
  const { values } = parseArgs({ args: rest, options: { username: { type: 'string' }, role: { type: 'string', default: 'viewer' }, config: { type: 'string' } }, strict: true });
  if (!values.username) throw new ConfigError(['--username: expected a user name']);
  const { ROLES, AuthService, generatePassword } = await import('../access/index.ts');
  const role = values.role as (typeof ROLES)[number];
  if (!ROLES.includes(role)) throw new ConfigError([`--role: expected one of ${ROLES.join(', ')}, got ${JSON.stringify(values.role)}`]);
  const cfg = configFrom(values);
  const { openConfiguredStore } = await import('../app/index.ts');
  const store = await openConfiguredStore(cfg);
  try {
    const given = process.env.VIGIL_NEW_PASSWORD;
    const password = given || generatePassword();
    const user = await new AuthService(store, cfg.auth).createUser(values.username, password, role, 'cli');
    console.log(`added user ${user.username} (${user.role}, id ${user.id})`);
    if (!given) console.log(`password: ${password}`);
  } finally {
    await store.close();
  }
  return 0;
}

async function cmdAudit(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') {
    console.log('vigil audit verify [--config FILE] [--checkpoints FILE ...] [--public-key FILE] [--extract FILE]\n\n(run vigil audit verify --help)');
    return wantsHelp(args) ? 0 : 2;
  }
  const { cmdAuditVerify } = await import('./audit-command.ts');
  return cmdAuditVerify(rest, configFrom);
}

function cmdConfigDoc(args: string[]): number {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const doc = renderConfigDoc();
  if (values.out) writeFileSync(values.out, doc);
  else process.stdout.write(doc);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err) => {
    if (err instanceof VigilError) console.error(`vigil: ${err.message}`);
    else if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`vigil: ${(err as Error).message}\n(run vigil --help)`);
    else {
      createLogger('error').fatal({ err }, 'unexpected failure');
      console.error(`vigil: ${(err as Error).stack ?? err}`);
    }
    process.exitCode = process.exitCode || 1;
    // A start that failed half way (a refused cluster identity, say) may leave connections open.
    setTimeout(() => process.exit(), 200).unref();
  },
);
