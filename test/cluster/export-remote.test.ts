// Export through the api of a camera recorded on another node (issue 15, one control room): the
// api fetches each segment file from the node that holds it, with a token signed for that one
// segment and valid a minute, and makes, signs and audits the export itself. The node's segment
// route is attacked: no token, a forged one, one for another segment, an expired one, a session
// cookie instead of a token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { startClusterRig, until, ADMIN_PASSWORD, type ClusterRig, type VigilProc } from '../helpers/cluster-rig.ts';
import { SecretBox } from '../../src/access/index.ts';
import { signSegmentToken, SEGMENT_TOKEN_HEADER } from '../../src/cluster/index.ts';
import { verifyExportDir } from '../../src/export/index.ts';
import { segmentFile } from '../../src/playback/index.ts';

let rig: ClusterRig;
before(async () => {
  rig = await startClusterRig({ cameras: 1, ttlSeconds: 4, segmentSeconds: 2 });
});
after(async () => {
  await rig?.stop();
});

async function signIn(api: VigilProc): Promise<string> {
  const res = await fetch(`${api.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

test('an export through the api of a camera recorded on another node: fetched from it segment by segment with signed tokens, signed and verifiable', async () => {
  const api = await rig.startApi();
  const node = await rig.startNode('node-a');
  await until('node-a records cam1', () => rig.view.assignments().get('cam1') === 'node-a', 30_000);
  await until('8 s of cam1 indexed', async () => {
    const s = await rig.store.listSegments('cam1', Date.now() - 60_000, Date.now(), 100);
    return s.filter((x) => x.endMs - x.startMs >= 1900).length >= 4;
  }, 40_000, 500);
  const segs = (await rig.store.listSegments('cam1', Date.now() - 60_000, Date.now(), 100)).filter((x) => x.endMs - x.startMs >= 1900);
  assert.ok(segs.every((s) => s.nodeId === 'node-a'), 'recorded by node-a, not by the api');
  const from = segs[0].startMs;
  const to = segs[3].endMs;
  const cookie = await signIn(api);
  const headers = { cookie, 'content-type': 'application/json', origin: api.url };
  const res = await fetch(`${api.url}/api/exports`, { method: 'POST', headers, body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason: 'Case 15-4: export of a camera recorded on another node' }) });
  assert.equal(res.status, 202, await res.clone().text());
  const { export: job } = (await res.json()) as { export: { id: string } };
  let view: { state: string; error?: string; files: { name: string; startMs: number; endMs: number }[] } = { state: 'running', files: [] };
  await until('the export is done', async () => {
    view = ((await (await fetch(`${api.url}/api/exports/${job.id}`, { headers: { cookie } })).json()) as { export: typeof view }).export;
    return view.state !== 'running';
  }, 60_000, 250);
  assert.equal(view.state, 'done', view.error);
  assert.equal(view.files.length, 1, JSON.stringify(view.files));
  assert.ok(view.files[0].endMs - view.files[0].startMs > 6000, `the file spans the four segments: ${JSON.stringify(view.files[0])}`);

  // The download (from the api's own disk) extracts to a directory that verifies.
  const tar = await fetch(`${api.url}/api/exports/${job.id}/download`, { headers: { cookie } });
  assert.equal(tar.status, 200);
  const tmp = path.join(rig.dir, 'export-check');
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'x.tar'), Buffer.from(await tar.arrayBuffer()));
  const untar = spawnSync('tar', ['-xf', path.join(tmp, 'x.tar'), '-C', tmp], { encoding: 'utf8' });
  assert.equal(untar.status, 0, untar.stderr);
  const v = await verifyExportDir(path.join(tmp, `vigil-export-${job.id}`));
  assert.ok(v.ok, JSON.stringify(v.problems));
  const mp4 = readFileSync(path.join(tmp, `vigil-export-${job.id}`, view.files[0].name));
  assert.equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp');
  const audit = await rig.store.listAudit(0, 100_000);
  assert.ok(audit.some((e) => e.action === 'export.create' && (e.details as { exportId?: string }).exportId === job.id), 'audited by the api');

  // The node's segment route, as an attacker would try it.
  const seg = segs[1];
  const url = `${node.url}/api/cluster/segments/cam1/${seg.startMs}`;
  const key = SecretBox.fromKeyFile(path.join(rig.dir, 'secret.key')).derive('segment fetch v1');
  const get = (h: Record<string, string>) => fetch(url, { headers: h });
  assert.equal((await get({})).status, 403, 'no token');
  assert.equal((await get({ cookie })).status, 403, 'an operator\'s session is not a token');
  assert.equal((await get({ [SEGMENT_TOKEN_HEADER]: signSegmentToken(randomBytes(32), 'cam1', seg.startMs, Date.now()) })).status, 403, 'signed with another key');
  assert.equal((await get({ [SEGMENT_TOKEN_HEADER]: signSegmentToken(key, 'cam1', segs[2].startMs, Date.now()) })).status, 403, 'a token for another segment');
  assert.equal((await get({ [SEGMENT_TOKEN_HEADER]: signSegmentToken(key, 'cam1', seg.startMs, Date.now() - 61_000) })).status, 403, 'expired');
  const stretched = `v1.${Date.now() + 3_600_000}.${createHmac('sha256', randomBytes(32)).update('x').digest('base64url')}`;
  assert.equal((await get({ [SEGMENT_TOKEN_HEADER]: stretched })).status, 403, 'an expiry moved forward without the key');
  const ok = await get({ [SEGMENT_TOKEN_HEADER]: signSegmentToken(key, 'cam1', seg.startMs, Date.now()) });
  assert.equal(ok.status, 200);
  const onDisk = readFileSync(segmentFile(path.join(node.dataDir, 'recordings'), seg));
  assert.ok(Buffer.from(await ok.arrayBuffer()).equals(onDisk), 'the file bit for bit');
  const denied = (await rig.store.listAudit(0, 100_000)).filter((e) => e.action === 'access.denied' && (e.details as { route?: string }).route === '/api/cluster/segments/:id/:start');
  assert.ok(denied.length >= 5, `refusals audited: ${denied.length}`);

  // The node's own events went through its outbox (a journal on its disk) and the api's ingest.
  const powerCut = Date.now();
  rig.sim.powerOff(['cam1']);
  await until('camera.offline of cam1 stored at the centre', async () => (await rig.store.listEvents({ fromMs: powerCut, toMs: Date.now() + 1000, cameraId: 'cam1', kind: 'camera.offline' })).length > 0, 30_000, 250);
  assert.ok(existsSync(path.join(node.dataDir, 'outbox', 'outbox.cursor')), 'delivered through the node\'s outbox');
});
