// Issue 13, four-eyes export: with privacy.fourEyesExport on, an export is only requested; another
// user with export.approve approves (then it is produced, both names in the signed manifest) or
// refuses it with a reason; the requester can do neither; every step is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { OPERATOR, signIn, startTestVigilWithOperator, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';
import { verifyExportDir } from '../../src/export/index.ts';

let sim: Simulator;
let v: TestVigil;
let op = '';
const json = (r: Response): Promise<any> => r.json();
const asOp = (p: string, init: RequestInit = {}) => fetch(v.url + p, { ...init, headers: { cookie: op, 'content-type': 'application/json' } });

before(async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  v = await startTestVigilWithOperator({ cameras: [{ id: 'cam1', name: 'Cam 1', url: sim.urls[0] }], recording: { segmentSeconds: 2 }, privacy: { fourEyesExport: true } });
  op = await signIn(v.url, OPERATOR.username, OPERATOR.password);
  for (let i = 0; i < 200 && (await v.store.listSegments('cam1', 0, Date.now() + 1000)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
});
after(async () => {
  await v?.stop();
  await sim?.close();
});

async function request(reason: string): Promise<string> {
  const to = Date.now(), from = to - 4000;
  const res = await asOp('/api/exports', { method: 'POST', body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason }) });
  assert.equal(res.status, 202);
  const job = (await json(res)).export;
  assert.equal(job.state, 'awaiting_approval', 'nothing is produced on request');
  return job.id;
}

test('a second user approves: the export is produced, both names in the signed manifest; the requester cannot approve', async () => {
  const id = await request('case 7');
  const own = await asOp(`/api/exports/${id}/approve`, { method: 'POST' });
  assert.equal(own.status, 403, 'an operator has no export.approve');
  // An admin who requests cannot approve their own either.
  const adminJob = (await json(await v.http('/api/exports', { method: 'POST', json: { cameras: ['cam1'], from: String(Date.now() - 4000), to: String(Date.now()), reason: 'mine' } }))).export;
  const self = await v.http(`/api/exports/${adminJob.id}/approve`, { method: 'POST' });
  assert.equal(self.status, 403);
  assert.match((await json(self)).error.message, /four eyes/);

  const list = (await json(await v.http('/api/export-requests'))).requests;
  assert.ok(list.some((j: { id: string }) => j.id === id));
  const ok = await v.http(`/api/exports/${id}/approve`, { method: 'POST' });
  assert.equal(ok.status, 200);
  let job: any;
  for (let i = 0; i < 200; i++) {
    job = (await json(await asOp(`/api/exports/${id}`))).export;
    if (job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.state, 'done', job.error);
  assert.equal(job.decidedByName, 'admin');
  // the requester's own list: their request with the decision; the admin's list holds only the admin's own
  const mine = (await json(await asOp('/api/exports'))).exports;
  assert.deepEqual(mine.map((j: { id: string; decidedByName: string | null }) => [j.id, j.decidedByName]), [[id, 'admin']]);
  const adminsOwn = (await json(await v.http('/api/exports'))).exports;
  assert.ok(adminsOwn.every((j: { createdBy: string }) => j.createdBy !== mine[0].createdBy), 'no one else\'s exports');
  const manifest = await json(await asOp(`/api/exports/${id}/files/manifest.json`));
  assert.equal(manifest.requestedByName, 'otto');
  assert.equal(manifest.approvedByName, 'admin');
  const dir = path.join(v.dataDir, 'exports', id);
  assert.equal((await verifyExportDir(dir)).ok, true, 'the manifest with both names is signed');
  assert.equal((await v.http(`/api/exports/${id}/approve`, { method: 'POST' })).status, 409, 'approved once');
  const audit = await v.store.listAudit(0, 10_000);
  assert.ok(audit.some((e) => e.action === 'export.approve' && e.details?.exportId === id));
});

test('a refusal needs a reason, is audited, and produces nothing', async () => {
  const id = await request('case 8');
  const bare = await v.http(`/api/exports/${id}/refuse`, { method: 'POST', json: { reason: ' ' } });
  assert.equal(bare.status, 400);
  const no = await v.http(`/api/exports/${id}/refuse`, { method: 'POST', json: { reason: 'no case number on file' } });
  assert.equal(no.status, 200);
  assert.equal((await json(no)).export.state, 'refused');
  assert.equal((await asOp(`/api/exports/${id}/download`)).status, 404);
  const audit = await v.store.listAudit(0, 10_000);
  assert.equal(audit.find((e) => e.action === 'export.refuse')?.details?.reason, 'no case number on file');
});

test('four eyes and redaction: the requester cannot lift it; the approver may, with a reason, and it is in the manifest', async () => {
  const to = Date.now(), from = to - 4000;
  const ask = await asOp('/api/exports', { method: 'POST', body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason: 'case 9', liftRedaction: { reason: 'I want faces' } }) });
  assert.equal(ask.status, 403, 'an operator may not lift redaction');
  const own = await v.http('/api/exports', { method: 'POST', json: { cameras: ['cam1'], from: String(from), to: String(to), reason: 'case 9', liftRedaction: { reason: 'faces needed' } } });
  assert.equal(own.status, 400, 'with four eyes only the approver lifts');
  assert.match((await json(own)).error.message, /approver lifts/);
  const id = await request('case 9: insurance claim, faces of the drivers needed');
  const pending = (await json(await v.http('/api/export-requests'))).requests.find((j: { id: string }) => j.id === id);
  assert.equal(pending.reason, 'case 9: insurance claim, faces of the drivers needed', 'the approver sees why');
  assert.equal(pending.requestedByName, 'otto');
  const bare = await v.http(`/api/exports/${id}/approve`, { method: 'POST', json: { liftRedaction: { reason: ' ' } } });
  assert.equal(bare.status, 400);
  assert.equal((await json(await v.http(`/api/exports/${id}`))).export.state, 'awaiting_approval', 'a refused lift approves nothing');
  const ok = await v.http(`/api/exports/${id}/approve`, { method: 'POST', json: { liftRedaction: { reason: 'insurer\'s court order 12' } } });
  assert.equal(ok.status, 200);
  let job: any;
  for (let i = 0; i < 300; i++) {
    job = (await json(await asOp(`/api/exports/${id}`))).export;
    if (job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.state, 'done', job.error);
  const manifest = await json(await asOp(`/api/exports/${id}/files/manifest.json`));
  assert.equal(manifest.redactionLift.byName, 'admin');
  assert.equal(manifest.redactionLift.reason, 'insurer\'s court order 12');
  assert.equal(manifest.approvedByName, 'admin');
  const audit = await v.store.listAudit(0, 10_000);
  assert.ok(audit.some((e) => e.action === 'export.redaction_lift' && e.details?.exportId === id));
});
