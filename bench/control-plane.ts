// The control plane at city size on PostgreSQL: N cameras (with map placements, each in one of
// --sites sites) and a growing event table (steps up to --events), measuring at each step what the
// control room asks: a page of the camera list (GET /api/cameras: page + count), the list filtered
// by site (page + count), the map's viewport query, and event search (one camera over a day, all
// cameras over an hour). p50/p99 over --samples random queries. Then the nodes' health reports:
// every camera's report written as the nodes send them (--nodes nodes, their cameras in one batch
// each, --writers at once), for --health-rounds rounds of all cameras; health_per_s is reports
// absorbed per second over all rounds; then one sample of every camera into the health history
// (health_history_per_s). Finally the camera queries again while health reports flow
// at the rate the issue asks (every camera every 10 s).
//   npm run bench:control-plane -- [--cameras 100000] [--events 10000000] [--steps 1000000,3000000,10000000] [--samples 200]
//     [--nodes 200] [--writers 8] [--health-rounds 3] [--keep DIR] [--shared-buffers 256MB]
// PostgreSQL runs with --shared-buffers (256MB: a small production setting; the test helper's
// default is 32MB). After each step's events are added the table is vacuumed and analysed and a
// checkpoint taken (the steady state a control room queries, not the minutes after a bulk load),
// and every query kind runs 20 times untimed before its timed samples.
// --keep DIR keeps the PostgreSQL folder: a later run reuses its cameras and events (steps below
// the events already there are skipped), so the 10 M events are generated once.
import { parseArgs } from 'node:util';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { startPostgres } from '../test/helpers/postgres.ts';
import { openStore, type CameraHealthRow, type Store } from '../src/store/index.ts';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '100000' }, events: { type: 'string', default: '10000000' }, steps: { type: 'string' }, samples: { type: 'string', default: '200' },
    sites: { type: 'string', default: '200' }, nodes: { type: 'string', default: '200' }, writers: { type: 'string', default: '8' }, 'health-rounds': { type: 'string', default: '3' },
    keep: { type: 'string' }, 'shared-buffers': { type: 'string', default: '256MB' },
  },
  strict: true,
});
const cameras = Number(values.cameras);
const maxEvents = Number(values.events);
const steps = (values.steps ?? [1_000_000, 3_000_000, 10_000_000].filter((n) => n < maxEvents).concat(maxEvents).join(',')).split(',').map(Number);
const samples = Number(values.samples);
const sites = Number(values.sites);
const nodes = Number(values.nodes);
const writers = Number(values.writers);
const healthRounds = Number(values['health-rounds']);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GB (${Math.round(freemem() / 2 ** 30)} free), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const DAY = 86_400_000;
const WARM_UP = 20;
const T0 = Date.UTC(2026, 10, 1);
const SPAN_DAYS = 30;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
}
async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARM_UP; i++) await fn(i);
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await fn(i);
    t.push(performance.now() - a);
  }
  return { p50: pct(t, 50), p99: pct(t, 99) };
}
const rnd = (n: number) => Math.floor(Math.random() * n);
const camId = (i: number) => `cam${String(i).padStart(6, '0')}`;

const pgs = await startPostgres({ keepDir: values.keep, sharedBuffers: values['shared-buffers'] });
console.log(`PostgreSQL shared_buffers ${values['shared-buffers']}`);
const store = await openStore({ kind: 'postgres', url: pgs.url });
// The nodes' own connections (each node has its own store and pool; --writers of them at once).
const nodeStores: Store[] = [];
for (let i = 0; i < writers; i++) nodeStores.push(await openStore({ kind: 'postgres', url: pgs.url }));
const c = new pg.Client({ connectionString: pgs.url });
await c.connect();
const rows: Record<string, number>[] = [];
let health: { history_per_s: number; per_s: number; rounds: number[]; p99_ms_under_health: number; achieved_per_s: number; board_read_ms: number } | null = null;
const siteOf = (i: number) => `site-${String(i % sites).padStart(3, '0')}`;

function cameraQueries() {
  return {
    page: () => timeIt(samples, () => Promise.all([store.listCamerasPage({ afterId: camId(rnd(cameras)), limit: 100 }), store.countCameras()])),
    site: () => timeIt(samples, () => {
      const scopes = [{ kind: 'site' as const, id: siteOf(rnd(sites)) }];
      return Promise.all([store.listCamerasInScopes({ scopes, limit: 100 }), store.countCamerasInScopes(scopes)]);
    }),
    map: () => timeIt(samples, () => {
      const w = 69.05 + Math.random() * 0.28;
      const s = 34.40 + Math.random() * 0.23;
      return store.listCameraPlacements({ bbox: { west: w, south: s, east: w + 0.02, north: s + 0.02 }, limit: 2000 });
    }),
  };
}

function nodeReport(node: number, round: number, t: number): CameraHealthRow[] {
  const out: CameraHealthRow[] = [];
  for (let i = node; i < cameras; i += nodes) {
    const offline = (i + round) % 97 === 0;
    out.push({
      cameraId: camId(i), nodeId: `node-${String(node).padStart(3, '0')}`, state: offline ? 'offline' : 'online', stateSince: t,
      fps: offline ? null : 12 + (i % 5), bitrateKbps: offline ? null : 1500 + (i % 900), width: 1920, height: 1080, codec: 'h264',
      reconnects: round, lastFrameAt: offline ? t - 30_000 : t - 70, error: offline ? 'camera did not answer' : null, reportedAt: t, lostFrames: i % 13,
    });
  }
  return out;
}

/** Every node's report once, --writers at a time; returns the reports written. */
async function healthRound(round: number): Promise<number> {
  let next = 0;
  let written = 0;
  const t = Date.now();
  await Promise.all(nodeStores.map(async (s) => {
    for (let n = next++; n < nodes; n = next++) {
      const k = await s.putCameraHealth(nodeReport(n, round, t));
      written += k;
    }
  }));
  return written;
}

try {
  let t = performance.now();
  const have0 = Number((await c.query('SELECT COUNT(*) AS n FROM cameras')).rows[0].n);
  if (have0 !== cameras) {
    if (have0 !== 0) throw new Error(`the kept database has ${have0} cameras, not ${cameras}: remove ${values.keep} or pass --cameras ${have0}`);
    await c.query(`INSERT INTO cameras (id, name, url, username, password_enc, transport, enabled, record, created_at, updated_at)
      SELECT 'cam' || lpad(i::text, 6, '0'), 'Camera ' || i, 'rtsp://10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256) || '/s', NULL, NULL, 'tcp', 1, 1, $1, $1
      FROM generate_series(0, $2 - 1) AS i`, [T0, cameras]);
    // Kabul's extent, roughly: placements spread over it
    await c.query(`INSERT INTO camera_placements (camera_id, lon, lat, bearing, angle, range_m, ptz, site_id, updated_at)
      SELECT 'cam' || lpad(i::text, 6, '0'), 69.05 + random() * 0.3, 34.40 + random() * 0.25, random() * 360, 60, 50, 0, NULL, $1
      FROM generate_series(0, $2 - 1) AS i`, [T0, cameras]);
    await c.query(`INSERT INTO camera_scopes (camera_id, scope_kind, scope_id)
      SELECT 'cam' || lpad(i::text, 6, '0'), 'site', 'site-' || lpad((i % $2)::text, 3, '0') FROM generate_series(0, $1 - 1) AS i`, [cameras, sites]);
    // Rows inserted around the store get what the store writes with them (as migration 153 does for old rows).
    await c.query(`UPDATE camera_placements SET lat_cell = CAST(floor(lat * 200) AS INTEGER);
      UPDATE row_counts SET n = (SELECT COUNT(*) FROM cameras) WHERE name = 'cameras'`);
    for (const table of ['cameras', 'camera_placements', 'camera_scopes']) await c.query(`VACUUM ANALYZE ${table}`);
    console.log(`seeded ${cameras} cameras with placements and sites in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else console.log(`reusing ${cameras} cameras from ${values.keep}`);
  let have = Number((await c.query('SELECT COUNT(*) AS n FROM events')).rows[0].n);
  for (const target of steps) {
    if (target < have) {
      console.log(`  ${target} events: skipped (the kept database has ${have})`);
      continue;
    }
    t = performance.now();
    if (target > have) {
      await c.query(`INSERT INTO events (id, ts, camera_id, kind, severity, details)
        SELECT 'evt' || i, $1 + (random() * $2)::bigint, 'cam' || lpad((floor(random() * $3))::int::text, 6, '0'),
               (ARRAY['line.cross','camera.offline','camera.online','zone.enter'])[1 + floor(random() * 4)::int], 'info', '{}'
        FROM generate_series($4::bigint, $5::bigint - 1) AS i`, [T0, SPAN_DAYS * DAY, cameras, have, target]);
    }
    await c.query('VACUUM ANALYZE events');
    await c.query('CHECKPOINT');
    const seedS = (performance.now() - t) / 1000;
    have = target;
    const q = cameraQueries();
    const page = await q.page();
    const site = await q.site();
    const map = await q.map();
    const camDay = await timeIt(samples, () => {
      const from = T0 + rnd(SPAN_DAYS - 1) * DAY;
      return store.listEvents({ fromMs: from, toMs: from + DAY, cameraId: camId(rnd(cameras)), limit: 100 });
    });
    const allHour = await timeIt(samples, () => {
      const from = T0 + rnd(SPAN_DAYS * 24 - 1) * 3_600_000;
      return store.listEvents({ fromMs: from, toMs: from + 3_600_000, limit: 100 });
    });
    rows.push({ events: target, seed_s: +seedS.toFixed(1), page_p50: page.p50, page_p99: page.p99, site_p50: site.p50, site_p99: site.p99, map_p50: map.p50, map_p99: map.p99, cam_day_p50: camDay.p50, cam_day_p99: camDay.p99, all_hour_p50: allHour.p50, all_hour_p99: allHour.p99 });
    console.log(`  ${target} events: ${JSON.stringify(rows.at(-1))}`);
  }

  // Health reports: all cameras, --health-rounds times, as fast as PostgreSQL takes them.
  const roundS: number[] = [];
  let total = 0;
  const h0 = performance.now();
  for (let r = 0; r < healthRounds; r++) {
    const a = performance.now();
    const n = await healthRound(r);
    if (n !== cameras) throw new Error(`round ${r}: ${n} health reports written, expected ${cameras}`);
    total += n;
    roundS.push(+((performance.now() - a) / 1000).toFixed(2));
  }
  const perS = Math.round(total / ((performance.now() - h0) / 1000));
  const seen = await store.listCameraHealth({ cameraIds: [camId(0), camId(cameras - 1)], limit: 2 });
  if (seen.length !== 2 || seen.some((h) => h.reconnects !== healthRounds - 1)) throw new Error('the newest health report is not what the api reads');
  console.log(`health: ${total} reports in ${healthRounds} rounds (${roundS.join(' s, ')} s): ${perS}/s`);
  // The health history: a sample of every camera at once (what the nodes write when they all
  // start, and at worst every 15 minutes), node by node as the reporters write them.
  const sampleAt = Date.now();
  const s0 = performance.now();
  let sampled = 0;
  let nextNode = 0;
  await Promise.all(nodeStores.map(async (s) => {
    for (let n = nextNode++; n < nodes; n = nextNode++) {
      const k = await s.addCameraHealthSamples(nodeReport(n, healthRounds, sampleAt).map((h) => ({ cameraId: h.cameraId, at: sampleAt, nodeId: h.nodeId, state: h.state, fps: h.fps, bitrateKbps: h.bitrateKbps, reconnects: h.reconnects, lostFrames: h.lostFrames, error: h.error })));
      sampled += k;
    }
  }));
  const historyPerS = Math.round(sampled / ((performance.now() - s0) / 1000));
  if (sampled !== cameras) throw new Error(`${sampled} history samples written, expected ${cameras}`);
  console.log(`health history: a sample of all ${cameras} cameras in ${((performance.now() - s0) / 1000).toFixed(2)} s (${historyPerS}/s)`);
  // What each api process reads every 10 s to know the cameras other nodes record (HealthBoard).
  const board: number[] = [];
  for (let k = 0; k < 3; k++) {
    const a = performance.now();
    let afterId: string | undefined;
    let read = 0;
    for (;;) {
      const page = await store.listCameraHealth({ afterId, limit: 10_000 });
      read += page.length;
      if (page.length < 10_000) break;
      afterId = page.at(-1)!.cameraId;
    }
    if (read !== cameras) throw new Error(`the board read ${read} reports, expected ${cameras}`);
    board.push(+(performance.now() - a).toFixed(0));
  }
  console.log(`an api reading every camera's newest report (as it does every 10 s): ${board.join(', ')} ms`);

  // The camera queries while every camera reports every 10 s: each node on its own 10 s timer,
  // the nodes' phases spread over the interval as independent processes' are (node n reports at
  // n/nodes of it), for at least one whole interval.
  let flowing = true;
  let paced = 0;
  const p0 = performance.now();
  const pacer = Promise.all(Array.from({ length: nodes }, async (_, n) => {
    for (let r = healthRounds; flowing; r++) {
      const due = p0 + (r - healthRounds) * 10_000 + (n * 10_000) / nodes;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      if (!flowing) break;
      const k = await nodeStores[n % writers]!.putCameraHealth(nodeReport(n, r, Date.now()));
      paced += k;
    }
  }));
  const minimum = new Promise((res) => setTimeout(res, 10_000));
  const q = cameraQueries();
  const under = [await q.page(), await q.site(), await q.map()];
  await minimum;
  flowing = false;
  await pacer;
  const achieved = Math.round(paced / ((performance.now() - p0) / 1000));
  health = { history_per_s: historyPerS, per_s: perS, rounds: roundS, p99_ms_under_health: Math.max(...under.map((u) => u.p99)), achieved_per_s: achieved, board_read_ms: Math.max(...board) };
  console.log(`camera queries while health reports flow (${achieved}/s achieved): page ${under[0]!.p50}/${under[0]!.p99}, site ${under[1]!.p50}/${under[1]!.p99}, map ${under[2]!.p50}/${under[2]!.p99} ms (p50/p99)`);
} finally {
  await c.end();
  await store.close();
  for (const s of nodeStores) await s.close();
  await pgs.stop();
}
console.log('\nevents      camera page p50/p99 ms  site filter p50/p99 ms  map viewport p50/p99 ms  camera-day search p50/p99 ms  all-cameras-hour search p50/p99 ms');
for (const r of rows) console.log(`${String(r.events).padEnd(12)}${`${r.page_p50} / ${r.page_p99}`.padEnd(24)}${`${r.site_p50} / ${r.site_p99}`.padEnd(24)}${`${r.map_p50} / ${r.map_p99}`.padEnd(25)}${`${r.cam_day_p50} / ${r.cam_day_p99}`.padEnd(30)}${r.all_hour_p50} / ${r.all_hour_p99}`);
const last = rows.at(-1);
console.log(`RESULT ${JSON.stringify({
  cameras,
  events: last?.events ?? null,
  camera_query_p99_ms: last ? Math.max(last.page_p99, last.site_p99, last.map_p99) : null,
  event_search_p99_ms: last ? Math.max(last.cam_day_p99, last.all_hour_p99) : null,
  health_per_s: health?.per_s ?? null,
  camera_query_p99_under_health_ms: health?.p99_ms_under_health ?? null,
  health_board_read_ms: health?.board_read_ms ?? null,
  health_history_per_s: health?.history_per_s ?? null,
  steps: rows,
})}`);
