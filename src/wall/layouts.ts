// The video wall's layouts as cells on a grid. Pure: the server checks a saved layout with it and
// the browser draws the same cells, so the two cannot disagree on how many tiles "1+7" has.

export const LAYOUT_KINDS = ['1', '2x2', '3x3', '4x4', '1+5', '1+7', 'custom'] as const;
export type LayoutKind = (typeof LAYOUT_KINDS)[number];

/** A tile's place on the grid, in cells (x to the inline end, y down). */
export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Grid {
  cols: number;
  rows: number;
  cells: Cell[];
}

/** A custom grid is at most this many cells wide or high (8 × 8 = 64 tiles). */
export const MAX_CUSTOM_SIDE = 8;

function uniform(cols: number, rows: number): Grid {
  const cells: Cell[] = [];
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) cells.push({ x, y, w: 1, h: 1 });
  return { cols, rows, cells };
}

/** One large tile in the corner (side−1 cells square) and the small ones along its two edges. */
function onePlus(side: number): Grid {
  const big = side - 1;
  const cells: Cell[] = [{ x: 0, y: 0, w: big, h: big }];
  for (let y = 0; y < big; y++) cells.push({ x: big, y, w: 1, h: 1 });
  for (let x = 0; x < side; x++) cells.push({ x, y: big, w: 1, h: 1 });
  return { cols: side, rows: side, cells };
}

/**
 * The cells of a layout. `custom` is a cols × rows grid of equal tiles (1–8 each way); the others
 * ignore cols and rows. Throws RangeError for a custom size out of range.
 */
export function layoutGrid(kind: LayoutKind, cols = 1, rows = 1): Grid {
  switch (kind) {
    case '1': return uniform(1, 1);
    case '2x2': return uniform(2, 2);
    case '3x3': return uniform(3, 3);
    case '4x4': return uniform(4, 4);
    case '1+5': return onePlus(3);
    case '1+7': return onePlus(4);
    case 'custom':
      if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > MAX_CUSTOM_SIDE || rows > MAX_CUSTOM_SIDE) {
        throw new RangeError(`a custom layout is 1–${MAX_CUSTOM_SIDE} tiles each way, not ${cols} × ${rows}`);
      }
      return uniform(cols, rows);
  }
}

/** How many tiles a layout has. */
export function tileCount(kind: LayoutKind, cols = 1, rows = 1): number {
  return layoutGrid(kind, cols, rows).cells.length;
}
