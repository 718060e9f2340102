// The city in miniature: PostgreSQL, NATS JetStream, an api and three recording nodes, each its
// own process with its own data folder. A node is killed with SIGKILL: its cameras must be
// recorded by the others within 30 s, and no camera may ever be recorded by two nodes at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startClusterRig, until, ADMIN_PASSWORD, type ClusterRig } from '../helpers/cluster-rig.ts';

let rig: ClusterRig;
before(async () => {
  rig = await startClusterRig({ cameras: 6, ttlSeconds: 6, segmentSeconds: 2 });
});
after(async () => {
  await rig?.stop();
});

test('three nodes and an api: cameras shared out, a killed node\'s cameras move within 30 s, none recorded twice', async () => {
  await rig.startApi();
  for (const id of ['node-a', 'node-b', 'node-c']) await rig.startNode(id);
  const assigned = () => rig.view.assignments();
  await until('every camera leased by a live node', () => rig.cameras.every((c) => assigned().has(c)), 40_000);
  // each camera is indexed by the node that leases it
  const t0 = Date.now();
  await until('each camera has a segment from its node', async () => {
    const latest = await rig.latestSegments();
    return rig.cameras.every((c) => latest.some((s) => s.cameraId === c && s.nodeId === assigned().get(c)));
  }, 40_000);
  // the first node up takes every camera; the others get theirs as it hands them over
  await until('cameras spread over the nodes', () => new Set(assigned().values()).size === 3, 40_000);
  const perNode = new Map<string, number>();
  for (const n of assigned().values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  assert.ok(Math.max(...perNode.values()) <= 3, `no node far above its share: ${[...perNode]}`);
  const listed = rig.view.listNodes();
  assert.deepEqual(listed.map((n) => [n.id, n.role, n.alive]), [['api', 'api', true], ['node-a', 'node', true], ['node-b', 'node', true], ['node-c', 'node', true]]);

  // one control room: through the api, the nodes page's data, live view and playback of a camera
  // that a node records (the api itself records nothing)
  const api = rig.procs.get('api')!;
  const login = await fetch(`${api.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  type NodesBody = { self: string; nodes: { id: string; alive: boolean; held: number; capacity: number; health: { cameras?: number } }[] };
  const nodesPage = async () => {
    const res = await fetch(`${api.url}/api/cluster/nodes`, { headers: { cookie } });
    assert.equal(res.status, 200);
    return (await res.json()) as NodesBody;
  };
  assert.equal((await nodesPage()).self, 'api');
  // Each node rewrites its registry entry every TTL/4: while a camera is being handed over the
  // page may count it at neither node for a moment (seen once under load: 5 of 6).
  await until('the nodes page counts every camera once', async () => (await nodesPage()).nodes.filter((n) => n.alive && n.id.startsWith('node-')).reduce((a, n) => a + n.held, 0) === 6, 10_000);
  assert.equal((await fetch(`${api.url}/api/cluster/nodes`)).status, 401);
  // every node reports its cameras' health every 10 s: the api (which records none) shows them online
  await until('each camera reported online by the node recording it', async () => {
    const h = (await (await fetch(`${api.url}/api/cluster/camera-health`, { headers: { cookie } })).json()) as { cameras: { cameraId: string; nodeId: string; state: string; fps: number | null }[] };
    return rig.cameras.every((c) => h.cameras.some((r) => r.cameraId === c && r.nodeId === assigned().get(c) && r.state === 'online' && (r.fps ?? 0) > 0));
  }, 40_000);
  // the api reads the reports every 10 s: within that, its camera list shows them (it used to say
  // "disabled" for every camera it did not record itself)
  await until('the api shows the state of cameras other nodes record', async () => {
    const listed = (await (await fetch(`${api.url}/api/cameras`, { headers: { cookie } })).json()) as { cameras: { id: string; status: { state: string; fps: number | null } }[] };
    return listed.cameras.length === rig.cameras.length && listed.cameras.every((c) => c.status.state === 'online' && (c.status.fps ?? 0) > 0);
  }, 15_000);
  assert.equal((await fetch(`${api.url}/api/cluster/camera-health?limit=0`, { headers: { cookie } })).status, 400);
  // each camera's health history: the node's first report of it is a sample (the next on a change of state)
  type History = { cameraId: string; samples: { at: number; nodeId: string; state: string; lostFrames: number | null }[] };
  const history = async (cam: string) => (await (await fetch(`${api.url}/api/cluster/camera-health/${cam}/history?from=0&to=${Date.now()}`, { headers: { cookie } })).json()) as History;
  await until('a history sample of each camera online', async () => {
    for (const c of rig.cameras) if (!(await history(c)).samples.some((x) => x.state === 'online' && x.nodeId === assigned().get(c) && x.lostFrames !== null)) return false;
    return true;
  }, 20_000);
  const backwards = await fetch(`${api.url}/api/cluster/camera-health/${rig.cameras[0]}/history?from=10&to=5`, { headers: { cookie } });
  assert.equal(backwards.status, 400);
  assert.match(((await backwards.json()) as { error: { message: string } }).error.message, /querystring\/to/);
  assert.equal((await fetch(`${api.url}/api/cluster/camera-health/${rig.cameras[0]}/history?from=0&to=5`)).status, 401);
  const cam = rig.cameras[0];
  const holder = rig.procs.get(assigned().get(cam)!)!;
  const firstLive = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/api/cameras/${cam}/live`, { headers: { cookie, origin: api.url } });
    const t = setTimeout(() => (ws.close(), reject(new Error('no live init through the api within 15 s'))), 15_000);
    ws.on('message', (d, binary) => {
      if (!binary && JSON.parse(String(d)).type === 'init') {
        clearTimeout(t);
        ws.close();
        resolve(String(d));
      }
    });
    ws.on('error', reject);
  });
  assert.match(firstLive, /video\/mp4/);
  const now = Date.now();
  const play = await fetch(`${api.url}/api/cameras/${cam}/playback?from=${now - 60_000}&to=${now}`, { headers: { cookie } });
  assert.equal(play.status, 200, await play.clone().text().catch(() => ''));
  assert.equal(play.headers.get('x-vigil-node'), new URL(holder.url).host, 'served by the node whose disk holds it');
  const body = Buffer.from(await play.arrayBuffer());
  assert.equal(body.subarray(4, 8).toString('latin1'), 'ftyp');
  // the node audited the view and the playback under the viewer's name
  const audit = await rig.store.listAudit(0, 100_000);
  const admin = await rig.store.getUserByName('admin');
  for (const action of ['live.start', 'recording.play']) assert.ok(audit.some((e) => e.action === action && e.cameraId === cam && e.actor === admin!.id), `${action} audited`);

  // kill the node with the most cameras
  const counts = new Map<string, number>();
  for (const n of assigned().values()) counts.set(n, (counts.get(n) ?? 0) + 1);
  const victim = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const moved = rig.cameras.filter((c) => assigned().get(c) === victim);
  const killedAt = Date.now();
  await rig.kill(victim);
  const tookMs = await until('the killed node\'s cameras recorded by another node', async () => {
    const latest = await rig.latestSegments();
    return moved.every((c) => latest.some((s) => s.cameraId === c && s.nodeId !== victim && s.startMs >= killedAt));
  }, 30_000);
  assert.ok(tookMs <= 30_000, `failover took ${tookMs} ms`);
  for (const c of moved) assert.notEqual(assigned().get(c), victim);
  assert.equal(await rig.doubleRecorded(), 0, 'no two nodes recorded one camera at the same time');

  // the killed node comes back under its id (after its old entry expires): takes nothing
  // already recorded, records nothing twice
  await rig.startNode(victim);
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(await rig.doubleRecorded(), 0, 'none after the return either');
  for (const c of moved) assert.notEqual(assigned().get(c), victim);
  assert.ok(Date.now() - t0 > 0);
});

test('a second process with a live node\'s identity refuses to start', async () => {
  await assert.rejects(rig.startNode('node-b'), /exited \(1\)/);
  const log = (await import('node:fs')).readFileSync(rig.procs.get('node-b')?.logFile ?? `${rig.dir}/node-b.log`, 'utf8');
  assert.match(log, /NODE_ID_IN_USE|in use by a live process/);
});
