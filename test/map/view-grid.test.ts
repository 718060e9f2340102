// The server-side clustering of the map's view: a city zoomed out is a few clusters whose counts add
// up to every camera in the box; zoomed in, cameras come one by one; the grid does not move with the box.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromLocal, mercatorPx, viewGrid, type LonLat, type ViewPoints } from '../../src/map/index.ts';

const CITY: LonLat = [69.0, 34.35];

function points(list: LonLat[]): ViewPoints {
  return { lon: Float64Array.from(list, (p) => p[0]), lat: Float64Array.from(list, (p) => p[1]), length: list.length };
}

/** n cameras on a 100 m street grid over a `spanM` square. */
function city(n: number, spanM: number): LonLat[] {
  const side = Math.ceil(Math.sqrt(n));
  return Array.from({ length: n }, (_, i) => fromLocal(CITY, ((i % side) / side) * spanM, (Math.floor(i / side) / side) * spanM));
}

const boxOf = (a: LonLat, b: LonLat) => ({ west: a[0], south: a[1], east: b[0], north: b[1] });

test('Web Mercator pixels: the world is 256·2^z wide, the equator and the antimeridian where they belong', () => {
  assert.deepEqual(mercatorPx(0, 0, 0), [128, 128]);
  assert.deepEqual(mercatorPx(-180, 0, 1), [0, 256]);
  const [, north] = mercatorPx(0, 60, 3);
  assert.ok(north < 1024, 'north is up (smaller y)');
});

test('a city of 10,000 cameras zoomed out is a few clusters whose counts add up to all of them', () => {
  const cams = city(10_000, 20_000);
  const down = new Set([0, 1, 2, 9_999]);
  const grid = viewGrid(points(cams), boxOf(fromLocal(CITY, -100, -100), fromLocal(CITY, 20_100, 20_100)), 11, (i) => down.has(i));
  assert.equal(grid.total, 10_000);
  assert.equal(grid.detailed, false);
  assert.ok(grid.clusters.length > 1 && grid.clusters.length < 100, `${grid.clusters.length} clusters`);
  assert.equal(grid.clusters.reduce((a, c) => a + c.count, 0) + grid.singles.length, 10_000);
  assert.equal(grid.clusters.reduce((a, c) => a + c.down, 0) + grid.singles.filter((i) => down.has(i)).length, 4);
  for (const c of grid.clusters) {
    assert.ok(c.lon >= c.bbox.west && c.lon <= c.bbox.east && c.lat >= c.bbox.south && c.lat <= c.bbox.north, 'drawn inside the box of its cameras');
  }
});

test('only the cameras in the box count; zoomed in with few in view, every camera comes one by one', () => {
  const cams = city(10_000, 20_000);
  const street = boxOf(fromLocal(CITY, 5_000, 5_000), fromLocal(CITY, 6_500, 6_000));
  const zoomedIn = viewGrid(points(cams), street, 16, () => false);
  assert.equal(zoomedIn.detailed, true);
  assert.equal(zoomedIn.clusters.length, 0);
  const expected = cams.filter(([x, y]) => x >= street.west && x <= street.east && y >= street.south && y <= street.north).length;
  assert.ok(expected > 10);
  assert.equal(zoomedIn.singles.length, expected);
  // The same box zoomed out clusters them.
  const zoomedOut = viewGrid(points(cams), street, 12, () => false);
  assert.equal(zoomedOut.total, expected);
  assert.ok(zoomedOut.clusters.length >= 1 && zoomedOut.clusters.length < expected);
  // Too many in view even zoomed in: still clustered.
  const capped = viewGrid(points(cams), street, 16, () => false, { detailLimit: 5 });
  assert.equal(capped.detailed, false);
});

test('the grid is the world\'s, not the box\'s: panning keeps a cluster where it was', () => {
  const cams = city(4_000, 10_000);
  const a = viewGrid(points(cams), boxOf(fromLocal(CITY, -100, -100), fromLocal(CITY, 10_100, 10_100)), 12, () => false);
  const b = viewGrid(points(cams), boxOf(fromLocal(CITY, -900, -700), fromLocal(CITY, 10_100, 10_100)), 12, () => false);
  const byId = new Map(b.clusters.map((c) => [c.id, c]));
  for (const c of a.clusters) assert.deepEqual(byId.get(c.id), c);
});
