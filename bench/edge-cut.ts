// An edge site's link to the centre cut for N minutes with real network namespaces (veth, ip
// link down): the edge raises events into its outbox throughout; after the link returns the
// bench counts, in the centre's PostgreSQL, events lost and events stored twice.
//   npm run bench:edge-cut -- [--minutes 60] [--every-ms 100]
import { parseArgs } from 'node:util';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { pino } from 'pino';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startNats } from '../test/helpers/nats.ts';
import { makeEdgeLink, startEdgeChild } from '../test/helpers/edge-rig.ts';
import { openStore } from '../src/store/index.ts';
import { connectNats, EventIngest } from '../src/cluster/index.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '60' }, 'every-ms': { type: 'string', default: '100' } }, strict: true });
const minutes = Number(values.minutes);
const everyMs = Number(values['every-ms']);
if (!(minutes > 0 && everyMs >= 1)) throw new Error('--minutes > 0, --every-ms >= 1');
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GB (${Math.round(freemem() / 2 ** 30)} free), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const link = makeEdgeLink();
const [pgs, nats] = await Promise.all([startPostgres(), startNats({ host: link.centreIp })]);
const store = await openStore({ kind: 'postgres', url: pgs.url });
const logger = pino({ level: 'warn' });
const nc = await connectNats({ url: nats.url, logger });
const ingest = new EventIngest(store, logger);
await ingest.start(nc);
const edge = startEdgeChild(link, nats.url, 'edge1', everyMs);
let result: Record<string, number>;
try {
  await edge.connected;
  await new Promise((r) => setTimeout(r, 5000));
  const cutAt = Date.now();
  link.cut();
  console.log(`link cut at ${new Date(cutAt).toISOString()} for ${minutes} min`);
  const progress = setInterval(() => console.log(`  ${((Date.now() - cutAt) / 60_000).toFixed(1)} min: raised ${edge.last.raised}, backlog ${edge.last.backlog}`), 60_000);
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  clearInterval(progress);
  const backlogAtRestore = edge.last.backlog;
  link.restore();
  const restoredAt = Date.now();
  await new Promise((r) => setTimeout(r, 1000));
  edge.proc.kill('SIGTERM');
  const done = await edge.done;
  const drainS = (Date.now() - restoredAt) / 1000;
  const c = new pg.Client({ connectionString: pgs.url });
  await c.connect();
  let rows: { id: string; n: number }[] = [];
  for (const t0 = Date.now(); Date.now() - t0 < 10 * 60_000; await new Promise((r) => setTimeout(r, 500))) {
    rows = (await c.query("SELECT id, count(*)::int AS n FROM events WHERE id LIKE 'edge1-%' GROUP BY id")).rows as { id: string; n: number }[];
    if (rows.length >= done.raised) break;
  }
  await c.end();
  const have = new Set(rows.map((r) => r.id));
  let lost = 0;
  for (let i = 1; i <= done.raised; i++) if (!have.has(`edge1-${i}`)) lost++;
  const duplicates = rows.filter((r) => r.n > 1).reduce((a, r) => a + r.n - 1, 0) + rows.filter((r) => !/^edge1-\d+$/.test(r.id) || Number(r.id.slice(6)) > done.raised).length;
  console.log('\nevents raised  backlog at restore  drained in (s)  stored  lost  stored twice  publish duplicates (dropped by JetStream)  ingest re-deliveries');
  console.log(`${String(done.raised).padEnd(15)}${String(backlogAtRestore).padEnd(19)}${drainS.toFixed(1).padEnd(16)}${String(rows.length).padEnd(8)}${String(lost).padEnd(6)}${String(duplicates).padEnd(14)}${String(done.duplicates).padEnd(42)}${ingest.stats.alreadyStored}`);
  result = { minutes, events: done.raised, lost, duplicates, backlog_at_restore: backlogAtRestore, drain_s: +drainS.toFixed(1) };
} finally {
  if (edge.proc.exitCode === null) edge.proc.kill('SIGKILL');
  edge.cleanup();
  await ingest.close();
  await nc.drain().catch(() => undefined);
  await store.close();
  await Promise.all([pgs.stop(), nats.stop()]);
  link.remove();
}
console.log(`RESULT ${JSON.stringify(result!)}`);
