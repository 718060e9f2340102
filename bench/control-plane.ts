// The control plane at city size on PostgreSQL: N cameras (with map placements) and a growing
// event table (steps up to --events), measuring at each step what the control room asks:
// a page of the camera list (GET /api/cameras: page + count), the map's viewport query, and event
// search (one camera over a day, all cameras over an hour). p50/p99 over --samples random queries.
//   npm run bench:control-plane -- [--cameras 100000] [--events 10000000] [--steps 1000000,3000000,10000000] [--samples 200]
import { parseArgs } from 'node:util';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { startPostgres } from '../test/helpers/postgres.ts';
import { openStore } from '../src/store/index.ts';

const { values } = parseArgs({
  options: { cameras: { type: 'string', default: '100000' }, events: { type: 'string', default: '10000000' }, steps: { type: 'string' }, samples: { type: 'string', default: '200' } },
  strict: true,
});
const cameras = Number(values.cameras);
const maxEvents = Number(values.events);
const steps = (values.steps ?? [1_000_000, 3_000_000, 10_000_000].filter((n) => n < maxEvents).concat(maxEvents).join(',')).split(',').map(Number);
const samples = Number(values.samples);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GB (${Math.round(freemem() / 2 ** 30)} free), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const SPAN_DAYS = 30;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
}
async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
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

const pgs = await startPostgres();
const store = await openStore({ kind: 'postgres', url: pgs.url });
const c = new pg.Client({ connectionString: pgs.url });
await c.connect();
const rows: Record<string, number>[] = [];
try {
  let t = performance.now();
  await c.query(`INSERT INTO cameras (id, name, url, username, password_enc, transport, enabled, record, created_at, updated_at)
    SELECT 'cam' || lpad(i::text, 6, '0'), 'Camera ' || i, 'rtsp://10.' || (i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256) || '/s', NULL, NULL, 'tcp', 1, 1, $1, $1
    FROM generate_series(0, $2 - 1) AS i`, [T0, cameras]);
  // Kabul's extent, roughly: placements spread over it
  await c.query(`INSERT INTO camera_placements (camera_id, lon, lat, bearing, angle, range_m, ptz, site_id, updated_at)
    SELECT 'cam' || lpad(i::text, 6, '0'), 69.05 + random() * 0.3, 34.40 + random() * 0.25, random() * 360, 60, 50, 0, NULL, $1
    FROM generate_series(0, $2 - 1) AS i`, [T0, cameras]);
  await c.query('ANALYZE cameras; ANALYZE camera_placements');
  console.log(`seeded ${cameras} cameras with placements in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  let have = 0;
  for (const target of steps) {
    t = performance.now();
    await c.query(`INSERT INTO events (id, ts, camera_id, kind, severity, details)
      SELECT 'evt' || i, $1 + (random() * $2)::bigint, 'cam' || lpad((floor(random() * $3))::int::text, 6, '0'),
             (ARRAY['line.cross','camera.offline','camera.online','zone.enter'])[1 + floor(random() * 4)::int], 'info', '{}'
      FROM generate_series($4::bigint, $5::bigint - 1) AS i`, [T0, SPAN_DAYS * DAY, cameras, have, target]);
    await c.query('ANALYZE events');
    const seedS = (performance.now() - t) / 1000;
    have = target;
    const page = await timeIt(samples, () => Promise.all([store.listCamerasPage({ afterId: camId(rnd(cameras)), limit: 100 }), store.countCameras()]));
    const map = await timeIt(samples, () => {
      const w = 69.05 + Math.random() * 0.28;
      const s = 34.40 + Math.random() * 0.23;
      return store.listCameraPlacements({ bbox: { west: w, south: s, east: w + 0.02, north: s + 0.02 }, limit: 2000 });
    });
    const camDay = await timeIt(samples, () => {
      const from = T0 + rnd(SPAN_DAYS - 1) * DAY;
      return store.listEvents({ fromMs: from, toMs: from + DAY, cameraId: camId(rnd(cameras)), limit: 100 });
    });
    const allHour = await timeIt(samples, () => {
      const from = T0 + rnd(SPAN_DAYS * 24 - 1) * 3_600_000;
      return store.listEvents({ fromMs: from, toMs: from + 3_600_000, limit: 100 });
    });
    rows.push({ events: target, seed_s: +seedS.toFixed(1), page_p50: page.p50, page_p99: page.p99, map_p50: map.p50, map_p99: map.p99, cam_day_p50: camDay.p50, cam_day_p99: camDay.p99, all_hour_p50: allHour.p50, all_hour_p99: allHour.p99 });
    console.log(`  ${target} events: ${JSON.stringify(rows.at(-1))}`);
  }
} finally {
  await c.end();
  await store.close();
  await pgs.stop();
}
console.log('\nevents      camera page p50/p99 ms  map viewport p50/p99 ms  camera-day search p50/p99 ms  all-cameras-hour search p50/p99 ms');
for (const r of rows) console.log(`${String(r.events).padEnd(12)}${`${r.page_p50} / ${r.page_p99}`.padEnd(24)}${`${r.map_p50} / ${r.map_p99}`.padEnd(25)}${`${r.cam_day_p50} / ${r.cam_day_p99}`.padEnd(30)}${r.all_hour_p50} / ${r.all_hour_p99}`);
const last = rows.at(-1)!;
// Per-camera health is not written to PostgreSQL (nodes keep it in memory and report totals in
// their registry entry), so there is no health ingest to measure: null, not a guess.
console.log(`RESULT ${JSON.stringify({ cameras, events: last.events, camera_query_p99_ms: Math.max(last.page_p99, last.map_p99), event_search_p99_ms: Math.max(last.cam_day_p99, last.all_hour_p99), health_per_s: null, steps: rows })}`);
