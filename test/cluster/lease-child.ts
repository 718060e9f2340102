// A cluster node in its own process with the recorder replaced by lines on stdout: what the
// lease tests kill -9. Env: NATS_URL, PG_URL, NODE_ID, CAPACITY, CAMERAS (comma list), TTL_MS.
import { pino } from 'pino';
import { ClusterNode } from '../../src/cluster/index.ts';
import { openStore } from '../../src/store/index.ts';

const env = process.env;
const say = (o: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(o) + '\n');
const store = await openStore({ kind: 'postgres', url: env.PG_URL! });
const node: ClusterNode = new ClusterNode({
  nodeId: env.NODE_ID!,
  natsUrl: env.NATS_URL!,
  role: 'node',
  url: null,
  capacity: Number(env.CAPACITY),
  ttlMs: Number(env.TTL_MS ?? 3000),
  roundMs: 300,
  graceMs: 600,
  version: 'test',
  logger: pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2)),
  listCameras: async () => (env.CAMERAS ?? '').split(',').filter(Boolean),
  setFence: (c, n, t) => store.setCameraFence(c, n, t),
  startCamera: async (camera): Promise<void> => say({ ev: 'start', camera, token: node.fence(camera) }),
  stopCamera: (camera) => say({ ev: 'stop', camera }),
});
try {
  await node.start();
  say({ ev: 'ready' });
} catch (err) {
  say({ ev: 'error', code: (err as { code?: string }).code, message: (err as Error).message });
  process.exit(3);
}
process.on('SIGTERM', () => void node.close().then(() => store.close()).then(() => process.exit(0)));
