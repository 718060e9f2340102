// The wall's layouts and tours: plain values in, plain values out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WALL_LAYOUT_VALUES, WallSpecSchema } from '../../src/api/wall-schemas.ts';
import { LAYOUT_KINDS, MAX_CUSTOM_SIDE, layoutGrid, msToNextStep, tileCount, tourPage, tourStep, type Cell } from '../../src/wall/index.ts';

/** Every cell of the grid covered by exactly one tile. */
function coversOnce(cols: number, rows: number, cells: Cell[]): boolean {
  const seen = new Map<string, number>();
  for (const c of cells) for (let y = c.y; y < c.y + c.h; y++) for (let x = c.x; x < c.x + c.w; x++) seen.set(`${x},${y}`, (seen.get(`${x},${y}`) ?? 0) + 1);
  if (seen.size !== cols * rows) return false;
  return [...seen.values()].every((n) => n === 1);
}

test('each layout has its tiles and covers its grid exactly once', () => {
  const want: Record<string, number> = { '1': 1, '2x2': 4, '3x3': 9, '4x4': 16, '1+5': 6, '1+7': 8 };
  for (const kind of LAYOUT_KINDS.filter((k) => k !== 'custom')) {
    const g = layoutGrid(kind);
    assert.equal(g.cells.length, want[kind], kind);
    assert.ok(coversOnce(g.cols, g.rows, g.cells), `${kind} covers its ${g.cols}×${g.rows} grid once`);
  }
  // The large tile first, spanning all but one row and column.
  assert.deepEqual(layoutGrid('1+5').cells[0], { x: 0, y: 0, w: 2, h: 2 });
  assert.deepEqual(layoutGrid('1+7').cells[0], { x: 0, y: 0, w: 3, h: 3 });
  assert.equal(tileCount('custom', 5, 2), 10);
  assert.ok(coversOnce(5, 2, layoutGrid('custom', 5, 2).cells));
  assert.throws(() => layoutGrid('custom', 9, 1), /1–8 tiles each way/);
  assert.throws(() => layoutGrid('custom', 0, 3), RangeError);
});

test('a tour pages through its cameras, one page per dwell, wrapping', () => {
  const tour = { dwellSeconds: 10, cameraIds: ['a', 'b', 'c', 'd', 'e'] };
  assert.equal(tourStep(tour, 1000, 1000), 0);
  assert.equal(tourStep(tour, 1000, 10_999), 0);
  assert.equal(tourStep(tour, 1000, 11_000), 1);
  assert.equal(tourStep(tour, 1000, 500), 0, 'a clock before the start is step 0');
  assert.deepEqual(tourPage(tour, 4, 0), ['a', 'b', 'c', 'd']);
  assert.deepEqual(tourPage(tour, 4, 1), ['e', 'a', 'b', 'c']);
  assert.deepEqual(tourPage(tour, 4, 2), ['a', 'b', 'c', 'd'], 'two pages, then round again');
  assert.deepEqual(tourPage(tour, 1, 3), ['d'], 'one tile: camera by camera');
  assert.equal(msToNextStep(tour, 1000, 4000), 7000);
});

test('a tour that fits on one page turns by one camera each step; spare tiles stay empty', () => {
  const tour = { dwellSeconds: 5, cameraIds: ['a', 'b'] };
  assert.deepEqual(tourPage(tour, 4, 0), ['a', 'b', null, null]);
  assert.deepEqual(tourPage(tour, 4, 1), ['b', 'a', null, null]);
  assert.deepEqual(tourPage({ dwellSeconds: 5, cameraIds: [] }, 2, 3), [null, null]);
});

test('the API accepts exactly the layouts the wall draws', () => {
  assert.deepEqual([...WALL_LAYOUT_VALUES], [...LAYOUT_KINDS]);
  assert.equal(WallSpecSchema.properties.cols.maximum, MAX_CUSTOM_SIDE);
  assert.equal(WallSpecSchema.properties.rows.maximum, MAX_CUSTOM_SIDE);
  assert.equal(WallSpecSchema.properties.tiles.maxItems, MAX_CUSTOM_SIDE * MAX_CUSTOM_SIDE);
});
