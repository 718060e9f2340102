// A node's link to NATS going dead without a word (a stalled relay on loopback: nothing
// forwarded, nothing closed) for longer than the lease TTL, then coming back, three times.
// An edge node records its pinned camera through every stall: the heartbeats that piled up while
// the client reconnected must not be read, once sent together, as another process taking the
// node's identity (which stopped every camera, and left the cut's recordings unindexed: the
// edge-recording test's failure). A plain node self-fences during a stall and, nobody having
// taken its camera, takes it back when the link returns.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startNats, type TestNats } from '../helpers/nats.ts';
import { startStallProxy, type StallProxy } from '../helpers/stall-proxy.ts';
import { ClusterNode } from '../../src/cluster/index.ts';

let nats: TestNats;
let proxy: StallProxy;
const nodes: ClusterNode[] = [];
before(async () => {
  nats = await startNats();
  proxy = await startStallProxy(nats.port);
});
after(async () => {
  proxy?.resume();
  for (const n of nodes) await n.close().catch(() => undefined);
  await proxy?.close();
  await nats?.stop();
});

const TTL_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startNode(id: string, cameras: string[], pinned: string[]) {
  const log: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void log.push(JSON.parse(s)) });
  const recording = new Set<string>();
  const stops: string[] = [];
  const node = new ClusterNode({
    nodeId: id, natsUrl: proxy.url('nats'), role: 'node', url: null, capacity: 5, ttlMs: TTL_MS, version: 'test', logger, pinned,
    listCameras: async () => cameras,
    setFence: async () => true,
    startCamera: async (c) => void recording.add(c),
    stopCamera: (c) => {
      recording.delete(c);
      stops.push(c);
    },
  });
  nodes.push(node);
  return { node, log, recording, stops };
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await sleep(50);
  }
}

test('through stalls of the NATS link longer than the TTL: the edge keeps its pinned camera, a plain node takes its camera back', async () => {
  const edge = startNode('edge-s', ['edge-cam', 'c1'], ['edge-cam']);
  const plain = startNode('plain-s', ['edge-cam', 'c1'], []);
  await Promise.all([edge.node.start(), plain.node.start()]);
  await until('each records its camera', () => edge.recording.has('edge-cam') && plain.recording.has('c1'), 15_000);
  for (let round = 0; round < 3; round++) {
    proxy.stall();
    await sleep(TTL_MS * 3 + round * 700);
    assert.ok(edge.recording.has('edge-cam'), `round ${round}: the edge records its pinned camera through the stall`);
    assert.ok(!plain.recording.has('c1'), `round ${round}: the plain node self-fenced (the stall is real)`);
    proxy.resume();
    await until(`round ${round}: the plain node takes its camera back`, () => plain.recording.has('c1'), 15_000);
    // Long enough for the piled-up heartbeats to be answered and the next ones to go.
    await sleep(TTL_MS * 2);
    assert.deepEqual(edge.stops, [], `round ${round}: the edge never stopped its camera`);
    assert.deepEqual(edge.node.heldCameras(), ['edge-cam']);
    const fatal = [...edge.log, ...plain.log].filter((l) => l.level >= 60);
    assert.deepEqual(fatal.map((l) => l.msg), [], `round ${round}: no node believed its identity taken`);
  }
});
