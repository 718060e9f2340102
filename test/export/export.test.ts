// Evidence export on real recordings (with a gap): through the API as a background job with
// progress, files playable in ffprobe, manifest signed with the server key (0600), `vigil export
// verify` passing and then naming a flipped byte, a deleted file, an extra file and an edited
// manifest; reason required; viewer refused; export and download audited; tar download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRecordedVigil, type RecordedVigil } from '../playback/recorded-vigil.ts';
import { verifyExportDir, tarHeader } from '../../src/export/index.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let r: RecordedVigil;
let tmp: string;
let exportDir: string;

before(async () => {
  if (spawnSync('ffprobe', ['-version']).status !== 0) throw new Error('ffprobe missing: apt-get install ffmpeg');
  tmp = mkdtempSync(path.join(tmpdir(), 'vigil-export-'));
  r = await startRecordedVigil();
});
after(async () => {
  await r?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['src/cli/main.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

function probe(file: string): { frames: number; errors: string } {
  const res = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'json', file], { encoding: 'utf8' });
  return { frames: Number(JSON.parse(res.stdout).streams[0].nb_read_frames), errors: res.stderr.trim() };
}

test('an export without a reason is refused; a viewer may not export', async () => {
  const from = r.segments[0].startMs;
  const to = r.segments.at(-1)!.endMs;
  const res = await r.v.http('/api/exports', { method: 'POST', json: { cameras: ['cam1'], from: String(from), to: String(to), reason: '   ' } });
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as any).error.message, /reason/);
  const { AuthService } = await import('../../src/access/index.ts');
  const { validateConfig } = await import('../../src/core/index.ts');
  await new AuthService(r.v.store, validateConfig({}).auth).createUser('vic', 'viewer-password-2', 'viewer', 'test');
  const login = await fetch(`${r.v.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vic', password: 'viewer-password-2' }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const refused = await fetch(`${r.v.url}/api/exports`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason: 'curious' }) });
  assert.equal(refused.status, 403);
  const audit = await r.v.store.listAudit(0, 10_000);
  assert.equal(audit.filter((e) => e.action === 'export.create').length, 0, 'nothing exported, nothing audited as exported');
});

test('export job: progress to done, one MP4 per span playable in ffprobe, signed manifest, audited with the reason', async () => {
  const segs = r.segments;
  const from = segs[0].startMs;
  const to = segs.at(-1)!.endMs;
  const reason = 'Case 2026-117: collision at the north gate, requested by the traffic court';
  const res = await r.v.http('/api/exports', { method: 'POST', json: { cameras: ['cam1'], from: new Date(from).toISOString(), to: new Date(to).toISOString(), reason } });
  assert.equal(res.status, 202);
  const { export: job } = (await res.json()) as any;
  assert.ok(['running', 'done'].includes(job.state));
  const seen: number[] = [];
  let view: any;
  for (const end = Date.now() + 20_000; ; ) {
    view = ((await (await r.v.http(`/api/exports/${job.id}`)).json()) as any).export;
    seen.push(view.progress);
    if (view.state !== 'running' || Date.now() > end) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.equal(view.state, 'done', view.error);
  assert.equal(view.progress, 1);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], 'progress never goes back');
  assert.equal(view.files.length, 2, `one file per span on either side of the gap: ${JSON.stringify(view.files)}`);

  exportDir = path.join(r.v.dataDir, 'exports', job.id);
  for (const f of view.files) {
    const p = probe(path.join(exportDir, f.name));
    assert.equal(p.errors, '', `${f.name} reads cleanly`);
    assert.ok(Math.abs(p.frames - ((f.endMs - f.startMs) / 1000) * 25) <= 3, `${f.name}: ${p.frames} frames for ${f.endMs - f.startMs} ms`);
  }
  const manifest = JSON.parse(readFileSync(path.join(exportDir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.reason, reason);
  assert.equal(manifest.fromMs, from);
  assert.deepEqual(manifest.cameras, ['cam1']);
  assert.ok(manifest.gaps.some((g: any) => g.startMs > from && g.endMs < to), 'the gap is noted');
  const keyFile = path.join(r.v.dataDir, 'keys', 'export-ed25519.key');
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);

  const audit = await r.v.store.listAudit(0, 10_000);
  const created = audit.find((e) => e.action === 'export.create' && e.details.exportId === job.id)!;
  assert.equal(created.cameraId, 'cam1');
  assert.equal(created.details.reason, reason);
  assert.equal(created.details.from, from);
  assert.ok(audit.some((e) => e.action === 'export.done' && e.details.exportId === job.id));
});

test('vigil export verify: passes, then names a flipped byte, a deleted file, an extra file and an edited manifest', async () => {
  assert.ok(exportDir && existsSync(exportDir), 'the previous test made an export');
  const ok = await cli(['export', 'verify', exportDir, '--public-key', path.join(r.v.dataDir, 'keys', 'export-ed25519.pub')]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /export intact: 2 files, signature valid/);

  const manifest = JSON.parse(readFileSync(path.join(exportDir, 'manifest.json'), 'utf8'));
  const [a, b] = manifest.files.map((f: any) => f.name);

  const flipped = path.join(tmp, 'flipped');
  cpSync(exportDir, flipped, { recursive: true });
  const buf = readFileSync(path.join(flipped, a));
  buf[Math.floor(buf.length / 2)] ^= 0x01;
  writeFileSync(path.join(flipped, a), buf);
  const r1 = await cli(['export', 'verify', flipped]);
  assert.equal(r1.code, 1);
  assert.match(r1.out, new RegExp(`ALTERED\\s+${a.replace(/\./g, '\\.')}`));

  const deleted = path.join(tmp, 'deleted');
  cpSync(exportDir, deleted, { recursive: true });
  unlinkSync(path.join(deleted, b));
  writeFileSync(path.join(deleted, 'planted.mp4'), 'not evidence');
  const r2 = await cli(['export', 'verify', deleted]);
  assert.equal(r2.code, 1);
  assert.match(r2.out, new RegExp(`MISSING\\s+${b.replace(/\./g, '\\.')}`));
  assert.match(r2.out, /EXTRA\s+planted\.mp4/);

  const edited = path.join(tmp, 'edited');
  cpSync(exportDir, edited, { recursive: true });
  const text = readFileSync(path.join(edited, 'manifest.json'), 'utf8');
  writeFileSync(path.join(edited, 'manifest.json'), text.replace(/"reason": "[^"]*"/, '"reason": "routine check"'));
  const r3 = await cli(['export', 'verify', edited]);
  assert.equal(r3.code, 1);
  assert.match(r3.out, /SIGNATURE\s+manifest\.json/);

  // Re-signed with another key: the signature holds, but not by the trusted server key.
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const other = generateKeyPairSync('ed25519');
  const forged = path.join(tmp, 'forged');
  cpSync(exportDir, forged, { recursive: true });
  const m = JSON.parse(readFileSync(path.join(forged, 'manifest.json'), 'utf8'));
  const { keyIdOf } = await import('../../src/export/index.ts');
  m.publicKey = other.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  m.serverKeyId = keyIdOf(other.publicKey);
  const bytes = Buffer.from(JSON.stringify(m, null, 2) + '\n');
  writeFileSync(path.join(forged, 'manifest.json'), bytes);
  writeFileSync(path.join(forged, 'manifest.sig'), sign(null, bytes, other.privateKey).toString('base64'));
  assert.equal((await verifyExportDir(forged)).ok, true, 'self-consistent without a pinned key');
  const r4 = await cli(['export', 'verify', forged, '--public-key', path.join(r.v.dataDir, 'keys', 'export-ed25519.pub')]);
  assert.equal(r4.code, 1);
  assert.match(r4.out, /UNTRUSTED-KEY/);
});

test('download as tar (extracts to a directory that verifies) and file by file; downloads audited', async () => {
  const id = path.basename(exportDir);
  const res = await r.v.http(`/api/exports/${id}/download`);
  assert.equal(res.status, 200);
  const tarFile = path.join(tmp, 'export.tar');
  writeFileSync(tarFile, Buffer.from(await res.arrayBuffer()));
  const outDir = path.join(tmp, 'untarred');
  spawnSync('mkdir', ['-p', outDir]);
  const untar = spawnSync('tar', ['-xf', tarFile, '-C', outDir], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
  const v = await verifyExportDir(path.join(outDir, `vigil-export-${id}`));
  assert.ok(v.ok, JSON.stringify(v.problems));
  const manifest = await (await r.v.http(`/api/exports/${id}/files/manifest.json`)).json();
  assert.equal((manifest as any).exportId, id);
  assert.equal((await r.v.http(`/api/exports/${id}/files/..%2Fvigil.db`)).status, 404);
  const audit = await r.v.store.listAudit(0, 10_000);
  assert.ok(audit.filter((e) => e.action === 'export.download' && e.details.exportId === id).length >= 2);
  assert.equal(tarHeader('x', 1, 0).length, 512);
});
