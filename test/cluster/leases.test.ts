// Camera leases across real processes on a real NATS JetStream and PostgreSQL: every camera held
// by exactly one node, a kill -9'd node's cameras taken over within the TTL, capacity respected,
// and a second process with a live node's identity refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startNats, type TestNats } from '../helpers/nats.ts';
import { pino } from 'pino';
import { openStore, type Store } from '../../src/store/index.ts';
import { ClusterView } from '../../src/cluster/index.ts';

let pgs: TestPostgres;
let nats: TestNats;
let store: Store;
const children: ChildProcess[] = [];
before(async () => {
  [pgs, nats] = await Promise.all([startPostgres(), startNats()]);
  store = await openStore({ kind: 'postgres', url: pgs.url });
});
after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await store?.close();
  await Promise.all([pgs?.stop(), nats?.stop()]);
});

interface Child {
  proc: ChildProcess;
  /** cameras it records now, by its own start/stop lines */
  recording: Set<string>;
  lines: Record<string, unknown>[];
  ready: Promise<Record<string, unknown>>;
}

function node(id: string, capacity: number, cameras: string[]): Child {
  const proc = spawn(process.execPath, ['test/cluster/lease-child.ts'], {
    env: { ...process.env, NATS_URL: nats.url, PG_URL: pgs.url, NODE_ID: id, CAPACITY: String(capacity), CAMERAS: cameras.join(','), TTL_MS: '3000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
  const c: Child = { proc, recording: new Set(), lines: [], ready: null! };
  c.ready = new Promise((resolve) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const o = JSON.parse(l) as { ev: string; camera?: string };
      c.lines.push(o);
      if (o.ev === 'start') c.recording.add(o.camera!);
      if (o.ev === 'stop') c.recording.delete(o.camera!);
      if (o.ev === 'ready' || o.ev === 'error') resolve(o);
    });
  });
  return c;
}

async function until(what: string, ok: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - t0;
}

const cams = Array.from({ length: 9 }, (_, i) => `cam${i + 1}`);

test('three nodes share nine cameras, none twice; kill -9 of one moves its cameras within the TTL; a same-id process is refused', async () => {
  const nodes = [node('n1', 5, cams), node('n2', 5, cams), node('n3', 5, cams)];
  for (const n of nodes) assert.equal((await n.ready).ev, 'ready');
  const owners = () => cams.map((c) => nodes.filter((n) => n.proc.exitCode === null && n.proc.signalCode === null && n.recording.has(c)).length);
  await until('every camera recorded once', () => owners().every((k) => k === 1), 15_000);
  for (const n of nodes) assert.ok(n.recording.size <= 5, 'capacity');

  // the same identity as a live node: refused, and the live node keeps its cameras
  const twin = node('n2', 5, cams);
  const said = await twin.ready;
  assert.equal(said.ev, 'error');
  assert.equal(said.code, 'NODE_ID_IN_USE');
  await new Promise((r) => twin.proc.once('exit', r));
  assert.equal(twin.recording.size, 0);

  // fences in PostgreSQL name the holder of every camera
  for (const c of cams) {
    const f = await store.getCameraFence(c);
    const holder = nodes.find((n) => n.recording.has(c))!;
    assert.equal(f?.nodeId, ['n1', 'n2', 'n3'][nodes.indexOf(holder)]);
  }

  const victim = nodes[0];
  const moved = [...victim.recording];
  assert.ok(moved.length > 0);
  victim.proc.kill('SIGKILL');
  await new Promise((r) => victim.proc.once('exit', r));
  const tookMs = await until('the killed node\'s cameras recorded elsewhere', () => owners().every((k) => k === 1), 30_000);
  assert.ok(tookMs < 30_000);
  for (const n of nodes.slice(1)) assert.ok(n.recording.size <= 5);
  for (const c of moved) assert.notEqual((await store.getCameraFence(c))?.nodeId, 'n1');

  // the killed node comes back under its id: it waits its old entry out, then joins; cameras may
  // be handed to it (it is the least loaded), but never is one recorded by two nodes
  const back = node('n1', 5, cams);
  nodes.push(back);
  assert.equal((await back.ready).ev, 'ready');
  const t0 = performance.now();
  while (performance.now() - t0 < 4000) {
    assert.ok(owners().every((k) => k <= 1), `after the return: ${owners()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await until('every camera recorded once again', () => owners().every((k) => k === 1), 10_000);
});

test('a node never takes more than its capacity and says so; a camera that fits nowhere stays unassigned', async () => {
  const more = Array.from({ length: 5 }, (_, i) => `cap${i}`);
  const a = node('cap-a', 2, more);
  const b = node('cap-b', 2, more);
  await Promise.all([a.ready, b.ready]);
  await until('four cameras taken', () => a.recording.size + b.recording.size === 4, 15_000);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(a.recording.size, 2);
  assert.equal(b.recording.size, 2);
  // ... and says so in the registry the nodes page reads
  const view = await ClusterView.open({ natsUrl: nats.url, ttlMs: 3000, logger: pino({ level: "silent" }) });
  try {
    await until('the nodes report the camera they could not take', () => view.listNodes().filter((n) => n.id.startsWith('cap-')).every((n) => n.alive && n.held === 2 && n.overCapacity === 1 && n.unassigned === 1), 5000);
  } finally {
    await view.close();
  }
  a.proc.kill('SIGTERM');
  b.proc.kill('SIGTERM');
  await Promise.all([new Promise((r) => a.proc.once('exit', r)), new Promise((r) => b.proc.once('exit', r))]);
});
