// An edge site's link to the centre cut with real network namespaces: the edge keeps raising
// events into its local outbox while cut, and when the link returns every event reaches the
// centre's PostgreSQL exactly once (JetStream message-id dedupe, id-keyed insert).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { pino } from 'pino';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startNats, type TestNats } from '../helpers/nats.ts';
import { makeEdgeLink, startEdgeChild, type EdgeLink } from '../helpers/edge-rig.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { connectNats, EventIngest } from '../../src/cluster/index.ts';

const CUT_S = Number(process.env.EDGE_CUT_SECONDS ?? 20);
let link: EdgeLink;
let pgs: TestPostgres;
let nats: TestNats;
let store: Store;
before(async () => {
  link = makeEdgeLink();
  [pgs, nats] = await Promise.all([startPostgres(), startNats({ host: link.centreIp })]);
  store = await openStore({ kind: 'postgres', url: pgs.url });
});
after(async () => {
  await store?.close();
  await Promise.all([pgs?.stop(), nats?.stop()]);
  link?.remove();
});

async function storedIds(prefix: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: pgs.url });
  await c.connect();
  try {
    return (await c.query('SELECT id FROM events WHERE id LIKE $1', [`${prefix}-%`])).rows.map((r) => String(r.id));
  } finally {
    await c.end();
  }
}

test(`an edge cut from the centre for ${CUT_S} s keeps its events and delivers each exactly once`, async () => {
  const logger = pino({ level: 'warn' });
  const nc = await connectNats({ url: nats.url, logger });
  const ingest = new EventIngest(store, logger);
  await ingest.start(nc);
  const edge = startEdgeChild(link, nats.url, 'edge1', 50);
  try {
    await edge.connected;
    await new Promise((r) => setTimeout(r, 2000));
    const beforeCut = (await storedIds('edge1')).length;
    assert.ok(beforeCut > 10, `events flow while linked: ${beforeCut}`);
    link.cut();
    await new Promise((r) => setTimeout(r, 1500));
    const atCut = (await storedIds('edge1')).length;
    await new Promise((r) => setTimeout(r, CUT_S * 1000 - 1500));
    const duringCut = (await storedIds('edge1')).length;
    assert.equal(duringCut, atCut, 'nothing crosses a cut link (the cut is real)');
    assert.ok(edge.last.backlog > (CUT_S * 1000) / 50 / 2, `the edge kept its events locally: backlog ${edge.last.backlog}`);
    link.restore();
    // stop raising and let the backlog drain
    await new Promise((r) => setTimeout(r, 1000));
    edge.proc.kill('SIGTERM');
    const done = await edge.done;
    assert.equal(done.backlog, 0, 'backlog delivered');
    const t0 = Date.now();
    let ids = await storedIds('edge1');
    while (ids.length < done.raised && Date.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 200));
      ids = await storedIds('edge1');
    }
    const want = new Set(Array.from({ length: done.raised }, (_, i) => `edge1-${i + 1}`));
    const lost = [...want].filter((id) => !ids.includes(id));
    assert.deepEqual(lost, [], 'every event arrived');
    assert.equal(ids.length, done.raised, 'none arrived twice (and none that was not raised)');
    assert.equal(ingest.stats.stored, done.raised);
  } finally {
    if (edge.proc.exitCode === null) edge.proc.kill('SIGKILL');
    edge.cleanup();
    await ingest.close();
    await nc.drain();
  }
});
