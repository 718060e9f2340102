// Issue 13, redaction by default through the API: an export of a pedestrian camera comes out with
// faces pixelated and the manifest saying what was hidden and how; the archive keeps the camera's
// original bytes; leaving faces and plates in needs export.approve and a reason (audited, in the
// signed manifest). The pixels themselves: export-redaction.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { signIn, startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';
import { AuthService } from '../../src/access/index.ts';
import { validateConfig } from '../../src/core/index.ts';
import { verifyExportDir } from '../../src/export/index.ts';

let sim: Simulator;
let v: TestVigil;
const cookies: Record<string, string> = {};
const json = (r: Response): Promise<any> => r.json();
const as = (who: string, p: string, body?: unknown) => fetch(v.url + p, { method: body === undefined ? 'GET' : 'POST', headers: { cookie: cookies[who], 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

before(async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['vtest'] });
  v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Square', url: sim.urls[0] }], recording: { segmentSeconds: 2 } });
  const auth = new AuthService(v.store, validateConfig({}).auth);
  await auth.createUser('otto', 'operator-password-1', 'operator', 'test');
  await auth.createUser('sue', 'supervisor-password-1', 'supervisor', 'test');
  for (const [u, p] of [['otto', 'operator-password-1'], ['sue', 'supervisor-password-1']]) cookies[u] = await signIn(v.url, u, p);
  for (let i = 0; i < 300 && (await v.store.listSegments('cam1', 0, Date.now() + 1000)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
});
after(async () => {
  await v?.stop();
  await sim?.close();
});

/** SHA-256 of the archived files of these (finished) segments. */
function archiveHashes(segs: readonly { path: string }[]): string[] {
  return segs.map((s) => createHash('sha256').update(readFileSync(path.join(v.dataDir, 'recordings', s.path))).digest('hex'));
}

async function finished(who: string, id: string): Promise<any> {
  let job: any;
  for (let i = 0; i < 600; i++) {
    job = (await json(await as(who, `/api/exports/${id}`))).export;
    if (job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return job;
}

test('by default an export has faces and plates redacted; the manifest says how; the archive keeps the original', async () => {
  const segs = await v.store.listSegments('cam1', 0, Date.now() + 1000);
  const from = segs[0].startMs, to = segs[1].endMs;
  const before = archiveHashes(segs.slice(0, 2));
  const res = await as('otto', '/api/exports', { cameras: ['cam1'], from: String(from), to: String(to), reason: 'case 41: subject access request' });
  assert.equal(res.status, 202);
  const job = await finished('otto', (await json(res)).export.id);
  assert.equal(job.state, 'done', job.error);
  assert.equal(job.redactionLifted, false);
  const manifest = await json(await as('otto', `/api/exports/${job.id}/files/manifest.json`));
  const applied: string[] = manifest.redactions.flatMap((r: { applied: string[] }) => r.applied);
  const faces = applied.find((a) => a.startsWith('faces:'));
  assert.ok(faces, `the manifest says faces were redacted: ${JSON.stringify(applied)}`);
  const [, hit, all] = /\((\d+) of (\d+) frames\)/.exec(faces)!.map(Number);
  assert.ok(hit > all / 2, `pedestrians on most frames: faces hidden on ${hit} of ${all}`);
  assert.ok(applied.some((a) => a.startsWith('licence plates:')));
  assert.ok(applied.some((a) => /archive keeps the camera's original/.test(a)));
  assert.equal(manifest.redactionLift, undefined);
  assert.equal((await verifyExportDir(path.join(v.dataDir, 'exports', job.id))).ok, true);
  // The archive is untouched: the exported segments keep their bytes, and differ from what left.
  assert.deepEqual(archiveHashes(segs.slice(0, 2)), before);
  assert.ok(!manifest.files.some((f: { sha256: string }) => before.includes(f.sha256)));
});

test('lifting redaction: refused without export.approve or without a reason; with both, audited and in the signed manifest', async () => {
  const segs = await v.store.listSegments('cam1', 0, Date.now() + 1000);
  const body = (reason: string) => ({ cameras: ['cam1'], from: String(segs[0].startMs), to: String(segs[0].endMs), reason: 'case 42', liftRedaction: { reason } });
  const op = await as('otto', '/api/exports', body('court order 7'));
  assert.equal(op.status, 403, 'an operator may not leave faces in');
  const bare = await as('sue', '/api/exports', body('  '));
  assert.equal(bare.status, 400);
  assert.match((await json(bare)).error.message, /liftRedaction\/reason/);
  const ok = await as('sue', '/api/exports', body('court order 7: the judge needs the faces'));
  assert.equal(ok.status, 202);
  const job = await finished('sue', (await json(ok)).export.id);
  assert.equal(job.state, 'done', job.error);
  assert.equal(job.redactionLifted, true);
  const manifest = await json(await as('sue', `/api/exports/${job.id}/files/manifest.json`));
  assert.deepEqual({ ...manifest.redactionLift, by: undefined }, { by: undefined, byName: 'sue', reason: 'court order 7: the judge needs the faces' });
  const applied: string[] = manifest.redactions.flatMap((r: { applied: string[] }) => r.applied);
  assert.ok(applied.some((a) => /NOT redacted: lifted by sue/.test(a)), JSON.stringify(applied));
  assert.ok(!applied.some((a) => a.startsWith('faces:')));
  const audit = await v.store.listAudit(0, 10_000);
  assert.ok(audit.some((e) => e.action === 'export.redaction_lift' && e.details?.exportId === job.id && e.details?.reason === 'court order 7: the judge needs the faces'));
  assert.ok(!audit.some((e) => e.action === 'export.create' && e.details?.reason === 'case 42' && e.actor !== (manifest.redactionLift.by)), 'the refused requests left no export behind');
});
