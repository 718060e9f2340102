// The security map at city scale:
//   npm run bench:map -- --cameras 100000 [--queries 500] [--sites 1000] [--coverage-cameras 62000] [--no-browser]
// 1. The viewport (bounding-box) query of the store at N placed cameras, on SQLite (embedded) and on
//    a real PostgreSQL 15 started for the run: p50/p99 over --queries random street-level viewports
//    (1.5 km × 1 km) of a 40 km × 40 km city, and a few district-wide ones (6 km × 4 km).
// 2. Coverage of --sites sites by --coverage-cameras cones (the pure map part, one core).
// 3. First render: a Vigil on the SQLite database of step 1 (N cameras, all placed and disabled so
//    nothing connects), the map opened in headless Chromium from sign-in until all N cameras are
//    shown (clustered by the server) and the map is idle; then frame times while panning, and the
//    server's answer time for GET /api/map/view (the whole city zoomed out, street views zoomed in).
// Last line: RESULT {"cameras","bbox_p99_ms_sqlite","bbox_p99_ms_postgres","first_render_ms","coverage_s", ...}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { ConeIndex, coverageReport, fromLocal, type LonLat, type PlacedCone, type Site } from '../src/map/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { startPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '500' },
    sites: { type: 'string', default: '1000' },
    'coverage-cameras': { type: 'string', default: '62000' },
    'no-browser': { type: 'boolean', default: false },
    /** Only SQLite and the browser (a quicker run while working on the map screen). */
    'skip-postgres': { type: 'boolean', default: false },
  },
  strict: true,
});
const N = Number(values.cameras);
const QUERIES = Number(values.queries);
const SITES = Number(values.sites);
const COVERAGE_CAMERAS = Number(values['coverage-cameras']);
const CITY: LonLat = [69.0, 34.35];
const CITY_M = 40_000;

/** A deterministic generator, so every engine gets the same cameras and the same viewports. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Cam { id: string; lon: number; lat: number; bearing: number; angle: number; range: number; ptz: boolean }

/** Cameras clustered along streets as in a real city: dense centre, sparser edges. */
function cityCameras(n: number, seed = 1): Cam[] {
  const r = rng(seed);
  const out: Cam[] = [];
  for (let i = 0; i < n; i++) {
    // Half in a dense centre (10 km), half over the whole city; on a 100 m street grid.
    const span = i % 2 === 0 ? 10_000 : CITY_M;
    const off = (CITY_M - span) / 2;
    const onX = r() < 0.5;
    const x = off + (onX ? r() * span : Math.round((r() * span) / 100) * 100);
    const y = off + (onX ? Math.round((r() * span) / 100) * 100 : r() * span);
    const [lon, lat] = fromLocal(CITY, x, y);
    out.push({ id: `c${String(i).padStart(6, '0')}`, lon, lat, bearing: Math.floor(r() * 360), angle: 40 + Math.floor(r() * 80), range: 40 + Math.floor(r() * 110), ptz: r() < 0.1 });
  }
  return out;
}

function viewports(count: number, wM: number, hM: number, seed: number) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const x = r() * (CITY_M - wM);
    const y = r() * (CITY_M - hM);
    const [west, south] = fromLocal(CITY, x, y);
    const [east, north] = fromLocal(CITY, x + wM, y + hM);
    return { west, south, east, north };
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function timeQueries(store: Store, boxes: ReturnType<typeof viewports>): Promise<{ p50: number; p99: number; rows: number }> {
  // Warm the cache the way a running map does, then measure.
  for (const b of boxes.slice(0, 20)) await store.listCameraPlacements({ bbox: b, limit: 20_000 });
  const times: number[] = [];
  let rows = 0;
  for (const b of boxes) {
    const t0 = performance.now();
    rows += (await store.listCameraPlacements({ bbox: b, limit: 20_000 })).length;
    times.push(performance.now() - t0);
  }
  return { p50: r1(pct(times, 50)), p99: r1(pct(times, 99)), rows: Math.round(rows / boxes.length) };
}

const CAM_COLS = 'id, name, url, sub_url, username, password_enc, transport, enabled, record, created_at, updated_at';
const PLACE_COLS = 'camera_id, lon, lat, bearing, angle, range_m, ptz, site_id, updated_at';
/** Rows inserted around the store get what the store writes with them (as migration 153 does for old rows). */
const AROUND_THE_STORE = `UPDATE camera_placements SET lat_cell = CAST(floor(lat * 200) AS INTEGER);
  UPDATE row_counts SET n = (SELECT COUNT(*) FROM cameras) WHERE name = 'cameras';`;

function loadSqlite(file: string, cams: Cam[]): void {
  const db = new DatabaseSync(file);
  db.exec('BEGIN');
  const c = db.prepare(`INSERT INTO cameras (${CAM_COLS}) VALUES (?, ?, ?, NULL, NULL, NULL, 'tcp', 0, 1, 0, 0)`);
  const p = db.prepare(`INSERT INTO camera_placements (${PLACE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0)`);
  for (const cam of cams) {
    c.run(cam.id, `Camera ${cam.id}`, `rtsp://10.0.0.1/${cam.id}`);
    p.run(cam.id, cam.lon, cam.lat, cam.bearing, cam.angle, cam.range, cam.ptz ? 1 : 0);
  }
  db.exec('COMMIT');
  db.exec(AROUND_THE_STORE);
  db.exec('ANALYZE');
  db.close();
}

async function loadPostgres(url: string, cams: Cam[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  for (let i = 0; i < cams.length; i += 2000) {
    const chunk = cams.slice(i, i + 2000);
    const cv: string[] = [];
    const pv: string[] = [];
    const cp: unknown[] = [];
    const pp: unknown[] = [];
    chunk.forEach((cam, k) => {
      cv.push(`($${k * 3 + 1}, $${k * 3 + 2}, $${k * 3 + 3}, NULL, NULL, NULL, 'tcp', 0, 1, 0, 0)`);
      cp.push(cam.id, `Camera ${cam.id}`, `rtsp://10.0.0.1/${cam.id}`);
      pv.push(`($${k * 7 + 1}, $${k * 7 + 2}, $${k * 7 + 3}, $${k * 7 + 4}, $${k * 7 + 5}, $${k * 7 + 6}, $${k * 7 + 7}, NULL, 0)`);
      pp.push(cam.id, cam.lon, cam.lat, cam.bearing, cam.angle, cam.range, cam.ptz ? 1 : 0);
    });
    await client.query(`INSERT INTO cameras (${CAM_COLS}) VALUES ${cv.join(',')}`, cp);
    await client.query(`INSERT INTO camera_placements (${PLACE_COLS}) VALUES ${pv.join(',')}`, pp);
  }
  await client.query('COMMIT');
  await client.query(AROUND_THE_STORE);
  await client.query('ANALYZE');
  await client.end();
}

async function firstRender(dataDir: string): Promise<{
  firstRenderMs: number; panP95Ms: number | null; panP50Ms: number | null; frames: number; floorP50Ms: number; floorP95Ms: number; floorFrames: number; drawn: number; clusters: number; viewP50Ms: number; viewP99Ms: number;
} | null> {
  if (values['no-browser']) return null;
  const { validateConfig } = await import('../src/core/index.ts');
  const { startVigil } = await import('../src/app/index.ts');
  const { launchChromium, buildWeb } = await import('../test/e2e/helpers.ts');
  buildWeb();
  const cfg = validateConfig({ dataDir, server: { port: 0 }, log: { level: 'warn' } });
  const vigil = await startVigil(cfg, pino({ level: 'warn' }), { adminPassword: 'bench-password-1', resetAdminPassword: true });
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1600, height: 900 } })).newPage();
    await page.goto(`${vigil.url}/`);
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', 'bench-password-1');
    const t0 = Date.now();
    const steps: Record<string, number> = {};
    page.on('response', (r) => {
      const u = new URL(r.url()).pathname;
      if ((u === '/api/map/view' || u === '/api/session' || u.startsWith('/assets/')) && !(u in steps)) steps[u.startsWith('/assets/') ? 'assets' : u] ??= Date.now() - t0;
    });
    await page.click('button[type="submit"]');
    // Until every camera is shown (clustered) and the map has drawn them. A function, not a string:
    // the page's Content-Security-Policy forbids eval.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid="map"]')?.dataset.rendered ?? 0) >= n, N, { timeout: 120_000, polling: 20 });
    await page.evaluate(() => new Promise<void>((resolve) => {
      const map = (globalThis as any).vigilMap;
      if (map.loaded() && !map.isMoving()) resolve();
      else map.once('idle', () => resolve());
    }));
    const firstRenderMs = Date.now() - t0;
    const drawn = Number(await page.evaluate(() => (globalThis as any).document.querySelector('[data-testid="map"]').dataset.rendered));
    const clusters = Number(await page.evaluate(() => (globalThis as any).document.querySelector('[data-testid="map"]').dataset.clusters ?? 0));
    // Pan for 3 s and record the frame intervals.
    console.log(`# first render ${firstRenderMs} ms; first answers after the sign-in click: ${JSON.stringify(steps)}`);
    const pan = () => page.evaluate(() => new Promise<number[]>((resolve) => {
      const w = globalThis as any;
      const map = w.vigilMap;
      const gaps: number[] = [];
      let last = performance.now();
      const end = last + 3000;
      const tick = (now: number) => { gaps.push(now - last); last = now; if (now < end) w.requestAnimationFrame(tick); else resolve(gaps); };
      w.requestAnimationFrame(tick);
      map.panBy([600, 0], { duration: 1500 });
      setTimeout(() => map.panBy([-600, 300], { duration: 1400 }), 1550);
    }));
    const frames = await pan();
    // The floor: the same pan with nothing of Vigil's drawn (every layer hidden, every marker gone),
    // i.e. what this machine's software WebGL manages for an empty map of this size.
    await page.evaluate(() => {
      const w = globalThis as any;
      const map = w.vigilMap;
      for (const l of map.getStyle().layers) if (l.id !== 'background') map.setLayoutProperty(l.id, 'visibility', 'none');
      for (const el of w.document.querySelectorAll('.maplibregl-marker')) el.remove();
    });
    const floor = await pan();
    console.log(`# pan frame interval p50/p95: ${r1(pct(frames, 50))}/${r1(pct(frames, 95))} ms with the city, ${r1(pct(floor, 50))}/${r1(pct(floor, 95))} ms with nothing drawn`);
    // The server's side of it: the whole city at zoom 11, and street views at zoom 16.
    const viewTimes: number[] = [];
    const city = viewports(1, CITY_M, CITY_M, 9)[0]!;
    const streets = viewports(30, 1500, 1000, 10);
    for (const [box, zoom] of [...Array.from({ length: 30 }, () => [city, 11] as const), ...streets.map((b) => [b, 16] as const)]) {
      const t = performance.now();
      const res = await page.request.get(`${vigil.url}/api/map/view?bbox=${box.west},${box.south},${box.east},${box.north}&zoom=${zoom}`);
      if (res.status() !== 200) throw new Error(`GET /api/map/view: ${res.status()}`);
      await res.body();
      viewTimes.push(performance.now() - t);
    }
    return {
      firstRenderMs, panP95Ms: frames.length ? r1(pct(frames, 95)) : null, panP50Ms: frames.length ? r1(pct(frames, 50)) : null, frames: frames.length,
      floorP50Ms: r1(pct(floor, 50)), floorP95Ms: r1(pct(floor, 95)), floorFrames: floor.length,
      drawn, clusters, viewP50Ms: r1(pct(viewTimes, 50)), viewP99Ms: r1(pct(viewTimes, 99)),
    };
  } finally {
    await browser.close();
    await vigil.close();
  }
}

async function main(): Promise<void> {
  const cams = cityCameras(N);
  const street = viewports(QUERIES, 1500, 1000, 7);
  const district = viewports(Math.max(20, Math.round(QUERIES / 10)), 6000, 4000, 8);
  const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-bench-map-'));
  const rows: string[][] = [];
  const result: Record<string, unknown> = { cameras: N };
  try {
    // SQLite: the schema by the store, the rows in one bulk transaction, the query through the store.
    const dataDir = path.join(tmp, 'data');
    const file = path.join(dataDir, 'vigil.db');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { recursive: true });
    await (await openStore({ kind: 'sqlite', path: file })).close();
    const l0 = performance.now();
    loadSqlite(file, cams);
    console.log(`# sqlite: ${N} cameras loaded in ${r1((performance.now() - l0) / 1000)} s`);
    const sqlite = await openStore({ kind: 'sqlite', path: file });
    const sq = await timeQueries(sqlite, street);
    const sqD = await timeQueries(sqlite, district);
    await sqlite.close();
    rows.push(['sqlite', 'street 1.5×1 km', String(sq.rows), String(sq.p50), String(sq.p99)], ['sqlite', 'district 6×4 km', String(sqD.rows), String(sqD.p50), String(sqD.p99)]);
    console.log(`# sqlite: street p50/p99 ${sq.p50}/${sq.p99} ms (${sq.rows} rows), district ${sqD.p50}/${sqD.p99} ms (${sqD.rows} rows)`);
    result.bbox_p99_ms_sqlite = sq.p99;
    result.bbox_p99_ms_sqlite_district = sqD.p99;

    const postgres = values['skip-postgres'] ? null : await startPostgres();
    if (postgres) try {
      const url = await postgres.createDatabase('benchmap');
      await (await openStore({ kind: 'postgres', url })).close();
      await loadPostgres(url, cams);
      const store = await openStore({ kind: 'postgres', url });
      const pq = await timeQueries(store, street);
      const pqD = await timeQueries(store, district);
      await store.close();
      rows.push(['postgres', 'street 1.5×1 km', String(pq.rows), String(pq.p50), String(pq.p99)], ['postgres', 'district 6×4 km', String(pqD.rows), String(pqD.p50), String(pqD.p99)]);
      result.bbox_p99_ms_postgres = pq.p99;
      console.log(`# postgres: street p50/p99 ${pq.p50}/${pq.p99} ms (${pq.rows} rows), district ${pqD.p50}/${pqD.p99} ms (${pqD.rows} rows)`);
      result.bbox_p99_ms_postgres_district = pqD.p99;
    } finally {
      await postgres.stop();
    }
    else result.bbox_p99_ms_postgres = null;

    // Coverage: sites of 40–160 m a side where the cameras are.
    const coverCams = cityCameras(COVERAGE_CAMERAS, 2);
    const r = rng(3);
    const sites: Site[] = Array.from({ length: SITES }, (_, i) => {
      const c = coverCams[Math.floor(r() * coverCams.length)]!;
      const w = 40 + r() * 120;
      const h = 40 + r() * 120;
      const o: LonLat = fromLocal([c.lon, c.lat], -w / 2, -h / 2);
      return { id: `s${i}`, name: `Site ${i}`, kind: 'other', priority: 3, polygon: [o, fromLocal(o, w, 0), fromLocal(o, w, h), fromLocal(o, 0, h)] };
    });
    const c0 = performance.now();
    const index = new ConeIndex(coverCams.map((c): PlacedCone => ({ ...c, cameraId: c.id })));
    const report = coverageReport(sites, index);
    const coverageS = (performance.now() - c0) / 1000;
    const seen = report.filter((x) => x.cameraIds.length > 0).length;
    rows.push(['coverage', `${SITES} sites × ${COVERAGE_CAMERAS} cameras`, `${seen} sites seen`, '', `${r1(coverageS)} s`]);
    result.coverage_s = Math.round(coverageS * 100) / 100;
    console.log(`# coverage: ${SITES} sites × ${COVERAGE_CAMERAS} cameras in ${result.coverage_s} s`);

    const render = await firstRender(dataDir);
    if (render) {
      rows.push(
        ['browser', `first render, ${render.drawn} cameras in ${render.clusters} clusters`, '', '', `${render.firstRenderMs} ms`],
        ['browser', `pan frame interval (${render.frames} frames in 3 s)`, '', `${render.panP50Ms}`, `${render.panP95Ms} (p95)`],
        ['browser', `the same pan, nothing drawn (${render.floorFrames} frames)`, '', `${render.floorP50Ms}`, `${render.floorP95Ms} (p95)`],
        ['server', 'GET /api/map/view (city z11, streets z16)', '', String(render.viewP50Ms), String(render.viewP99Ms)],
      );
      result.first_render_ms = render.firstRenderMs;
      result.pan_frame_p95_ms = render.panP95Ms;
      result.pan_frame_p50_ms = render.panP50Ms;
      result.pan_frame_p95_ms_nothing_drawn = render.floorP95Ms;
      result.view_p99_ms = render.viewP99Ms;
    } else result.first_render_ms = null;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log('\n| engine | query | rows/answer | p50 ms | p99 ms |\n|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}

await main();
