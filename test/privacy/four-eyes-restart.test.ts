// Issue 13, four-eyes export across a restart: requests waiting for a second user are kept in the
// store, so closing Vigil and starting it again on the same data folder loses none. After the
// restart a request is still listed, its requester still cannot approve it, another user approves
// it and it is produced with both names in its signed manifest; a request refused after the restart
// cannot be approved later; two approvers at once: one wins, the other gets a clear 409.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { rmSync } from 'node:fs';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { signIn, startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';
import { AuthService } from '../../src/access/index.ts';
import { validateConfig } from '../../src/core/index.ts';
import { verifyExportDir } from '../../src/export/index.ts';

let sim: Simulator;
let v: TestVigil;
let dataDir = '';
const json = (r: Response): Promise<any> => r.json();
const config = () => ({ cameras: [{ id: 'cam1', name: 'Cam 1', url: sim.urls[0] }], recording: { segmentSeconds: 2 }, privacy: { fourEyesExport: true } });

/** Signs a user in on the running Vigil; returns a fetch keeping their cookie. */
async function as(username: string, password: string): Promise<(p: string, init?: { method?: string; json?: unknown }) => Promise<Response>> {
  const cookie = await signIn(v.url, username, password);
  return (p, init = {}) => fetch(v.url + p, {
    method: init.method ?? 'GET', headers: init.json === undefined ? { cookie } : { cookie, 'content-type': 'application/json' }, body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
}

/** Closes this Vigil (keeping its data folder) and starts a new one on the same folder. */
async function restart(): Promise<void> {
  await v.close();
  v = await startTestVigil(config(), 'admin-password-1', { dataDir });
}

async function settled(fetchAs: Awaited<ReturnType<typeof as>>, id: string): Promise<any> {
  let job: any;
  for (let i = 0; i < 300; i++) {
    job = (await json(await fetchAs(`/api/exports/${id}`))).export;
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  return job;
}

before(async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  v = await startTestVigil(config());
  dataDir = v.dataDir;
  const auth = new AuthService(v.store, validateConfig({}).auth);
  await auth.createUser('sam', 'supervisor-password-1', 'supervisor', 'test');
  await auth.createUser('sue', 'supervisor-password-2', 'supervisor', 'test');
  for (let i = 0; i < 200 && (await v.store.listSegments('cam1', 0, Date.now() + 1000)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
});
after(async () => {
  await v?.close();
  await sim?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('requests survive a restart: still pending, the requester still cannot approve, another user approves and both names are signed; a refusal is final; two approvers at once: one 409', async () => {
  const sam = await as('sam', 'supervisor-password-1');
  const ask = async (reason: string): Promise<string> => {
    const to = Date.now() - 500, from = to - 3000;
    const res = await sam('/api/exports', { method: 'POST', json: { cameras: ['cam1'], from: String(from), to: String(to), reason } });
    assert.equal(res.status, 202, await res.clone().text());
    const job = (await json(res)).export;
    assert.equal(job.state, 'awaiting_approval');
    return job.id;
  };
  const approveMe = await ask('case 51: approve after the restart');
  const refuseMe = await ask('case 52: refuse after the restart');
  const raceMe = await ask('case 53: two approvers at once');

  await restart();

  const admin = await as('admin', 'admin-password-1');
  const samAgain = await as('sam', 'supervisor-password-1');
  const pending = (await json(await admin('/api/export-requests'))).requests as { id: string; reason: string; requestedByName: string; state: string }[];
  assert.deepEqual(pending.map((r) => r.id).sort(), [approveMe, refuseMe, raceMe].sort(), 'every request is still waiting');
  assert.equal(pending.find((r) => r.id === approveMe)?.reason, 'case 51: approve after the restart');
  assert.equal(pending.find((r) => r.id === approveMe)?.requestedByName, 'sam');
  const mine = (await json(await samAgain('/api/exports'))).exports as { id: string; state: string }[];
  assert.deepEqual(mine.map((j) => j.state), ['awaiting_approval', 'awaiting_approval', 'awaiting_approval'], 'the requester still sees them');

  // The requester may approve exports in general (a supervisor), but never their own.
  const own = await samAgain(`/api/exports/${approveMe}/approve`, { method: 'POST' });
  assert.equal(own.status, 403);
  assert.match((await json(own)).error.message, /four eyes/);
  const ownRefusal = await samAgain(`/api/exports/${refuseMe}/refuse`, { method: 'POST', json: { reason: 'changed my mind' } });
  assert.equal(ownRefusal.status, 403, 'nor refuse it');

  const ok = await admin(`/api/exports/${approveMe}/approve`, { method: 'POST' });
  assert.equal(ok.status, 200, await ok.clone().text());
  const done = await settled(samAgain, approveMe);
  assert.equal(done.state, 'done', done.error);
  assert.equal(done.decidedByName, 'admin');
  const manifest = await json(await samAgain(`/api/exports/${approveMe}/files/manifest.json`));
  assert.equal(manifest.requestedByName, 'sam');
  assert.equal(manifest.approvedByName, 'admin');
  assert.equal(manifest.reason, 'case 51: approve after the restart');
  assert.ok(manifest.files.length >= 1, 'recordings were exported');
  assert.equal((await verifyExportDir(path.join(dataDir, 'exports', approveMe))).ok, true, 'the manifest with both names is signed');

  const no = await admin(`/api/exports/${refuseMe}/refuse`, { method: 'POST', json: { reason: 'no case number on file' } });
  assert.equal(no.status, 200);
  const late = await admin(`/api/exports/${refuseMe}/approve`, { method: 'POST' });
  assert.equal(late.status, 409, 'a refused request cannot be approved later');
  assert.match((await json(late)).error.message, /already refused by admin/);

  const sue = await as('sue', 'supervisor-password-2');
  const [a, b] = await Promise.all([admin(`/api/exports/${raceMe}/approve`, { method: 'POST' }), sue(`/api/exports/${raceMe}/approve`, { method: 'POST' })]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409], 'one approver wins, the other is told');
  const loser = a.status === 409 ? a : b;
  assert.match((await json(loser)).error.message, /already approved by (admin|sue)/);
  const audit = await v.store.listAudit(0, 100_000);
  assert.equal(audit.filter((e) => e.action === 'export.approve' && e.details.exportId === raceMe).length, 1, 'one approval audited');
  assert.equal(audit.filter((e) => e.action === 'export.refuse' && e.details.exportId === refuseMe).length, 1);
  assert.equal((await settled(samAgain, raceMe)).state, 'done');

  // And after one more restart the requester still finds the finished export, and the refusal.
  await restart();
  const samLater = await as('sam', 'supervisor-password-1');
  const later = (await json(await samLater('/api/exports'))).exports as { id: string; state: string; decidedByName: string | null; files: unknown[] }[];
  const byId = new Map(later.map((j) => [j.id, j]));
  assert.equal(byId.get(approveMe)?.state, 'done');
  assert.ok((byId.get(approveMe)?.files.length ?? 0) >= 1);
  assert.equal(byId.get(refuseMe)?.state, 'refused');
  assert.equal(byId.get(refuseMe)?.decidedByName, 'admin');
  const tar = await samLater(`/api/exports/${approveMe}/download`);
  assert.equal(tar.status, 200, 'downloadable after the restart');
  assert.ok((await tar.arrayBuffer()).byteLength > 1024);
});
