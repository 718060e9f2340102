// An edge node's segment index side, run inside its own network namespace: a recorder's growing
// segments (one every SEGMENT_MS, its end reported every 250 ms) go through the same queue and
// fenced view as `vigil node`, while other parts of the node read the store now and then (as the
// scopes, the lease rounds and the audit checkpointer do), over one PostgreSQL pool. Prints a JSON
// status line every second. Env: PG_URL, NODE_ID, CAMERA_ID, FENCE, SEGMENT_MS.
import { pino } from 'pino';
import { openStore } from '../../src/store/index.ts';
import { SegmentIndexQueue } from '../../src/recorder/index.ts';
import { fencedIndexView } from '../../src/cluster/index.ts';

const env = process.env;
const logger = pino({ level: 'info' }, pino.destination(2));
const say = (o: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(o) + '\n');
const store = await openStore({ kind: 'postgres', url: env.PG_URL! });
const nodeId = env.NODE_ID!;
const cameraId = env.CAMERA_ID!;
const fence = Number(env.FENCE);
const segmentMs = Number(env.SEGMENT_MS ?? 2000);
let refused = 0;
let failures = 0;
const queue = new SegmentIndexQueue(
  fencedIndexView(store, nodeId, () => fence, () => void refused++),
  (err) => {
    failures++;
    logger.warn({ err: err.message }, 'segment index write failed');
  },
);
let segStart = Date.now();
let recordedTo = segStart;
const grow = setInterval(() => {
  const now = Date.now();
  if (now - segStart >= segmentMs) {
    queue.put({ cameraId, startMs: segStart, endMs: segStart + segmentMs, path: `${cameraId}/${segStart}.mp4`, bytes: 1000 });
    segStart += segmentMs;
  }
  recordedTo = now;
  queue.put({ cameraId, startMs: segStart, endMs: now, path: `${cameraId}/${segStart}.mp4`, bytes: 500 });
}, 250);
// Other readers of the same pool.
let reads = 0;
let readFailures = 0;
const read = setInterval(() => {
  void store.listCameras().then(() => void reads++, () => void readFailures++);
}, 700);
const status = setInterval(() => say({ ev: 'status', recordedTo, failures, refused, reads, readFailures }), 1000);
say({ ev: 'ready' });
process.on('SIGTERM', async () => {
  clearInterval(grow);
  clearInterval(read);
  clearInterval(status);
  await queue.flush().catch(() => undefined);
  queue.stop();
  await store.close().catch(() => undefined);
  process.exit(0);
});
