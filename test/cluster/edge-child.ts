// An edge node's event side, run inside its own network namespace: it raises an event every
// EVERY_MS into its outbox whatever the link does, and on SIGTERM stops raising, waits for the
// backlog to reach the centre and prints what it did. Env: NATS_URL, OUTBOX_DIR, NODE_ID, EVERY_MS.
import { pino } from 'pino';
import { connectNats, EventOutbox, ensureEventStream } from '../../src/cluster/index.ts';

const env = process.env;
const logger = pino({ level: 'warn' }, pino.destination(2));
const say = (o: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(o) + '\n');
const outbox = await EventOutbox.open(env.OUTBOX_DIR!, env.NODE_ID!, logger);
let seq = 0;
const raise = setInterval(() => {
  seq++;
  void outbox.append({ id: `${env.NODE_ID}-${seq}`, ts: Date.now(), cameraId: 'edge-cam', kind: 'line.cross', severity: 'info', details: { seq } });
}, Number(env.EVERY_MS ?? 100));
const status = setInterval(() => say({ ev: 'status', raised: seq, backlog: outbox.backlog, ...outbox.stats }), 1000);
// Started while the centre may be unreachable: connecting retries in the background.
void connectNats({ url: env.NATS_URL!, logger }).then(async (nc) => {
  await ensureEventStream(nc);
  outbox.start(nc);
  say({ ev: 'connected' });
});
say({ ev: 'ready' });
process.on('SIGTERM', async () => {
  clearInterval(raise);
  const t0 = Date.now();
  while (outbox.backlog > 0 && Date.now() - t0 < 15 * 60_000) await new Promise((r) => setTimeout(r, 100));
  clearInterval(status);
  say({ ev: 'done', raised: seq, backlog: outbox.backlog, ...outbox.stats });
  await outbox.close();
  process.exit(0);
});
