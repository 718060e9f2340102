// The map's geometry, coverage, outage areas and imports, with plain values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  acceptImport, ConeIndex, coneContains, conePolygon, convexHull, coverageReport, fromLocal, MapError, OutageTracker,
  parseCsvRecords, parsePlacementCsv, parsePlacementGeoJson, parseSitesGeoJson, pointInRing, ringAreaM2, siteCoverage,
  type LonLat, type Site, type ViewCone,
} from '../../src/map/index.ts';

const KABUL: LonLat = [69.1723, 34.5281];
const at = (x: number, y: number): LonLat => fromLocal(KABUL, x, y);
const cone = (extra: Partial<ViewCone> = {}): ViewCone => ({ lon: KABUL[0], lat: KABUL[1], bearing: 90, angle: 60, range: 100, ptz: false, ...extra });

test('a fixed camera looking east sees ahead within its angle and range, not behind or beyond', () => {
  const c = cone();
  assert.equal(coneContains(c, at(50, 0)), true);
  assert.equal(coneContains(c, at(50, 25)), true); // 26.6° off axis, inside ±30°
  assert.equal(coneContains(c, at(50, 35)), false); // 35° off axis
  assert.equal(coneContains(c, at(-50, 0)), false); // behind
  assert.equal(coneContains(c, at(101, 0)), false); // beyond range
  assert.equal(coneContains(c, at(0, 0)), true); // the camera's own spot
});

test('a cone looking north across 0° wraps the bearing', () => {
  const c = cone({ bearing: 350, angle: 40 });
  assert.equal(coneContains(c, at(5, 50)), true); // ~5.7° east of north
  assert.equal(coneContains(c, at(-5, 50)), true); // ~5.7° west of north
  assert.equal(coneContains(c, at(-30, 50)), false); // ~31° west: outside 330°–10°
});

test('the cone edge: 31° west of north is outside a 350°±20° cone, 29° inside', () => {
  const c = cone({ bearing: 350, angle: 40 });
  const deg = (d: number) => at(Math.sin((d * Math.PI) / 180) * 50, Math.cos((d * Math.PI) / 180) * 50);
  assert.equal(coneContains(c, deg(-31)), false);
  assert.equal(coneContains(c, deg(-29)), true);
  assert.equal(coneContains(c, deg(9)), true);
  assert.equal(coneContains(c, deg(11)), false);
});

test('a PTZ camera reaches the whole circle of its range', () => {
  const c = cone({ ptz: true, angle: 30 });
  assert.equal(coneContains(c, at(-60, -60)), true);
  assert.equal(coneContains(c, at(-80, -80)), false);
});

test('the cone polygon is closed, starts at the camera, and its area matches the sector', () => {
  const ring = conePolygon(cone({ angle: 90, range: 100 }), 64);
  assert.deepEqual(ring[0], ring[ring.length - 1]);
  assert.deepEqual(ring[0], [KABUL[0], KABUL[1]]);
  const sector = (Math.PI * 100 * 100) / 4;
  assert.ok(Math.abs(ringAreaM2(ring) - sector) / sector < 0.01, `area ${ringAreaM2(ring)} vs ${sector}`);
  const circle = conePolygon(cone({ ptz: true, range: 100 }), 64);
  assert.ok(Math.abs(ringAreaM2(circle) - Math.PI * 1e4) / (Math.PI * 1e4) < 0.01);
});

test('point in polygon and convex hull', () => {
  const square = [at(0, 0), at(100, 0), at(100, 100), at(0, 100)];
  assert.equal(pointInRing(at(50, 50), square), true);
  assert.equal(pointInRing(at(150, 50), square), false);
  const hull = convexHull([...square, at(50, 50), at(20, 80)]);
  assert.equal(hull.length, 4);
  assert.ok(Math.abs(ringAreaM2(square) - 10_000) < 5);
});

test('who sees a point: only the cones that hold it, nearest first', () => {
  const index = new ConeIndex([
    { cameraId: 'near', ...cone({ lon: at(-20, 0)[0], lat: at(-20, 0)[1], bearing: 90 }) },
    { cameraId: 'far', ...cone({ lon: at(-90, 0)[0], lat: at(-90, 0)[1], bearing: 90 }) },
    { cameraId: 'away', ...cone({ lon: at(-20, 0)[0], lat: at(-20, 0)[1], bearing: 270 }) },
    { cameraId: 'ptz', ...cone({ lon: at(0, 500)[0], lat: at(0, 500)[1], ptz: true, range: 600 }) },
  ]);
  assert.deepEqual(index.whoSees(KABUL).map((s) => s.cameraId), ['near', 'far', 'ptz']);
  assert.deepEqual(index.whoSees(at(0, 2000)), []);
});

test('coverage: half a square site seen by one camera is ~50 %, the worst site comes first', () => {
  const site: Site = { id: 's1', name: 'Ministry', kind: 'ministry', priority: 1, polygon: [at(0, 0), at(100, 0), at(100, 100), at(0, 100)] };
  // A PTZ circle centred on the left edge's middle with radius 1000 covers all; a 180° cone looking
  // east from x=50 at range 1000 covers the right half.
  const half = new ConeIndex([{ cameraId: 'c1', ...cone({ lon: at(50, 50)[0], lat: at(50, 50)[1], bearing: 90, angle: 180, range: 1000 }) }]);
  const cov = siteCoverage(site, half, 2000);
  assert.deepEqual(cov.cameraIds, ['c1']);
  assert.ok(Math.abs(cov.share - 0.5) < 0.05, `share ${cov.share}`);
  const none: Site = { ...site, id: 's2', polygon: site.polygon.map((p) => [p[0] + 0.1, p[1]] as LonLat) };
  const report = coverageReport([site, none], half);
  assert.equal(report[0]!.siteId, 's2');
  assert.equal(report[0]!.share, 0);
  assert.deepEqual(report[0]!.cameraIds, []);
});

test('outages: a power cut of nearby cameras within a minute is one area; a far camera is another', () => {
  const t0 = 1_700_000_000_000;
  const tr = new OutageTracker();
  for (let i = 0; i < 10; i++) tr.down(`c${i}`, at(i * 80, 0), t0 + i * 3_000);
  tr.down('far', at(0, 5_000), t0 + 5_000);
  tr.down('late', at(0, 10), t0 + 10 * 60_000); // near, but ten minutes later
  const now = tr.current();
  assert.equal(now.length, 3);
  assert.equal(now[0]!.count, 10);
  assert.equal(now[0]!.startMs, t0);
  assert.equal(now[0]!.endMs, null);
  assert.deepEqual(now.slice(1).map((a) => a.cameraIds[0]).sort(), ['far', 'late']);
  for (const c of ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']) assert.ok(pointInRing(at(Number(c.slice(1)) * 80, 0), now[0]!.hull));
  for (let i = 0; i < 9; i++) tr.up(`c${i}`, t0 + 60_000);
  assert.equal(tr.current()[0]!.downIds.join(), 'c9');
  tr.up('c9', t0 + 65_000);
  const past = tr.history();
  assert.equal(past.length, 1);
  assert.equal(past[0]!.count, 10);
  assert.equal(past[0]!.endMs! - past[0]!.startMs, 65_000);
});

test('outages: a camera that links two areas merges them', () => {
  const t0 = 0;
  const tr = new OutageTracker({ linkM: 150 });
  tr.down('a', at(0, 0), t0);
  tr.down('b', at(280, 0), t0 + 1000);
  assert.equal(tr.current().length, 2);
  tr.down('mid', at(140, 0), t0 + 2000);
  const areas = tr.current();
  assert.equal(areas.length, 1);
  assert.deepEqual(areas[0]!.cameraIds, ['a', 'b', 'mid']);
});

const region = { west: 69.0, south: 34.4, east: 69.3, north: 34.6 };

test('CSV: header aliases, quoted fields, defaults; errors name the line', () => {
  const csv = 'camera,lng,latitude,heading,fov,range,site\n"cam-1",69.17,34.52,90,60,80,s1\ncam-2,69.18,34.53,,,,\n';
  const r = parsePlacementCsv(csv, region);
  assert.deepEqual(r.problems, []);
  assert.equal(r.items.length, 2);
  assert.deepEqual(r.items[0], { cameraId: 'cam-1', lon: 69.17, lat: 34.52, bearing: 90, angle: 60, range: 80, ptz: false, siteId: 's1' });
  assert.equal(r.items[1]!.angle, 90);

  const bad = 'camera,lon,lat,bearing,angle,range\ncam-1,69.17,34.52,90,60,80\ncam-2,34.53,69.18,0,60,80\ncam-3,69.18,abc,0,60,80\ncam-4,69.18,34.5,0,0,80\ncam-5,69.18,34.5\ncam-1,69.17,34.52,90,60,80\n';
  const rb = parsePlacementCsv(bad, region);
  assert.deepEqual(rb.problems.map((p) => p.where), ['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
  assert.match(rb.problems[0]!.message, /swapped/);
  assert.match(rb.problems[1]!.message, /lat: missing or not a number/);
  assert.match(rb.problems[2]!.message, /angle/);
  assert.match(rb.problems[3]!.message, /3 fields/);
  assert.match(rb.problems[4]!.message, /already placed on line 2/);
  assert.throws(() => acceptImport(rb, false), (e: unknown) => e instanceof MapError && e.code === 'MAP_IMPORT_INVALID' && /line 3/.test(e.message));
  assert.equal(acceptImport(rb, true).length, 1);
});

test('CSV: a header without lon names what is missing; an out-of-Earth latitude says swapped', () => {
  assert.match(parsePlacementCsv('camera,lat\nc,34\n').problems[0]!.message, /lon/);
  const r = parsePlacementCsv('camera,lon,lat\nc,34.5,120\n');
  assert.match(r.problems[0]!.message, /swapped/);
  assert.deepEqual(parseCsvRecords('a,"b\nc",d\n\ne,f\n').map((x) => x.line), [1, 4]);
});

test('imports refuse a file over the size limit before parsing it', () => {
  const big = 'x'.repeat(21 * 1024 * 1024);
  assert.throws(() => parsePlacementCsv(big), (e: unknown) => e instanceof MapError && e.code === 'MAP_IMPORT_TOO_LARGE');
});

test('GeoJSON placements and sites: errors name the feature', () => {
  const fc = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [69.17, 34.52] }, properties: { camera: 'c1', bearing: 45, angle: 70, range: 60, ptz: true } },
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, properties: { camera: 'c2' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [69.17, 34.52] }, properties: {} },
    ],
  });
  const r = parsePlacementGeoJson(fc, region);
  assert.equal(r.items.length, 1);
  assert.equal(r.items[0]!.ptz, true);
  assert.deepEqual(r.problems.map((p) => p.where), ['feature 2', 'feature 3']);
  assert.match(r.problems[1]!.message, /camera: missing/);
  assert.throws(() => parsePlacementGeoJson('{"type":'), (e: unknown) => e instanceof MapError && /not valid JSON/.test(e.message));

  const sites = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[69.1, 34.5], [69.11, 34.5], [69.11, 34.51], [69.1, 34.5]]] }, properties: { name: 'Hospital', kind: 'hospital', priority: 1 } },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[69.1, 34.5], [69.11, 34.5]]] }, properties: { name: 'X', kind: 'castle' } },
    ],
  });
  const s = parseSitesGeoJson(sites);
  assert.equal(s.items.length, 1);
  assert.equal(s.items[0]!.kind, 'hospital');
  assert.equal(s.problems[0]!.where, 'feature 2');
  assert.match(s.problems[0]!.message, /kind: expected one of/);
  assert.match(s.problems[0]!.message, /at least 3 distinct points/);
});

test('the demo district: 60 cameras on its streets with cones, 9 sites of several kinds, feeders of a few cameras', async () => {
  const { demoCity } = await import('../../src/map/index.ts');
  const city = demoCity(60);
  assert.equal(city.cameras.length, 60);
  assert.equal(new Set(city.cameras.map((c) => c.cameraId)).size, 60);
  assert.equal(new Set(city.cameras.map((c) => c.name)).size, 60, 'names are unique (the grid filter relies on it)');
  assert.ok(city.sites.length >= 8);
  assert.ok(new Set(city.sites.map((s) => s.kind)).size >= 5);
  assert.ok(city.cameras.some((c) => c.ptz) && city.cameras.some((c) => !c.ptz));
  assert.deepEqual(city.feeders.flat().sort(), city.cameras.map((c) => c.cameraId).sort());
  assert.ok(city.feeders.every((f) => f.length >= 2 && f.length <= 8));
  // Every camera sees something of the district and the checkpoint is watched.
  const index = new ConeIndex(city.cameras);
  const report = coverageReport(city.sites, index);
  assert.equal(report.find((r) => r.siteId === 'site-checkpoint')!.cameraIds.length > 0, true);
});

test('PMTiles: a valid archive is read (layers, zooms); corrupt ones are refused with the reason', async () => {
  const { checkPmtiles } = await import('../../src/map/index.ts');
  const { writePmtiles } = await import('../helpers/pmtiles-writer.ts');
  const tile = new Uint8Array([0x1a, 0x00]);
  const good = writePmtiles([{ z: 0, x: 0, y: 0, data: tile }, { z: 1, x: 1, y: 0, data: tile }], { vector_layers: [{ id: 'roads' }, { id: 'water' }] });
  const info = await checkPmtiles(good);
  assert.equal(info.tileType, 'mvt');
  assert.deepEqual(info.vectorLayers, ['roads', 'water']);
  assert.equal(info.minZoom, 0);
  assert.equal(info.maxZoom, 1);
  const refused = async (buf: Uint8Array, reason: RegExp) =>
    assert.rejects(checkPmtiles(buf), (e: unknown) => e instanceof MapError && e.code === 'MAP_BASEMAP_INVALID' && reason.test(e.message));
  await refused(new TextEncoder().encode('not a map at all'), /shorter than the 127-byte header/);
  await refused(new Uint8Array(500).fill(7), /PMTiles magic/);
  const v2 = good.slice(); v2[7] = 2;
  await refused(v2, /version 2/);
  await refused(good.slice(0, good.length - 5), /truncated/);
  const raster = writePmtiles([{ z: 0, x: 0, y: 0, data: tile }], {}, 9);
  await refused(raster, /tile type 9/);
});
