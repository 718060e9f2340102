// What the map draws for one viewport at one zoom: the cameras in view binned on a grid of screen
// cells (Web Mercator pixels at that zoom), a cell of several cameras drawn as one cluster with its
// count. Done on the server so a browser looking at a city of 62,000 cameras receives a few hundred
// clusters, not 62,000 features to cluster itself (bench/map.ts measures both).
//
// The grid is anchored to the world, not to the viewport: a cluster stays put while the map pans.
import type { BBox } from './geo.ts';

export interface ViewPoints {
  lon: Float64Array;
  lat: Float64Array;
  /** How many of the arrays' entries are used. */
  length: number;
}

export interface GridCluster {
  /** Stable while the zoom stays: `zoom/column/row` of its cell. */
  id: string;
  /** Mean position of its cameras (where the cluster is drawn). */
  lon: number;
  lat: number;
  count: number;
  /** How many of its cameras are down. */
  down: number;
  /** The box of its cameras: a click zooms to it. */
  bbox: BBox;
}

export interface ViewGrid {
  clusters: GridCluster[];
  /** Indices of the cameras drawn one by one (alone in their cell, or every camera when detailed). */
  singles: number[];
  /** Every camera in the box. */
  total: number;
  /** True when nothing was clustered. */
  detailed: boolean;
}

export interface ViewGridOptions {
  /** Cell size in screen pixels (default 80). */
  cellPx?: number;
  /** From this zoom on, cameras are drawn one by one while at most `detailLimit` are in view. */
  detailZoom?: number;
  detailLimit?: number;
}

const TILE = 256;

/** Web Mercator pixel position at zoom z (world 256·2^z pixels wide). */
export function mercatorPx(lon: number, lat: number, zoom: number): [number, number] {
  const scale = TILE * 2 ** zoom;
  const clamped = Math.max(-85.0511, Math.min(85.0511, lat));
  const s = Math.sin((clamped * Math.PI) / 180);
  return [((lon + 180) / 360) * scale, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * scale];
}

/**
 * Bins the points inside `box` on a grid of `cellPx` screen pixels at `zoom`. `isDown(i)` is asked
 * only of points in the box, once each.
 */
export function viewGrid(points: ViewPoints, box: BBox, zoom: number, isDown: (i: number) => boolean, opts: ViewGridOptions = {}): ViewGrid {
  const cellPx = opts.cellPx ?? 80;
  const detailZoom = opts.detailZoom ?? 15;
  const detailLimit = opts.detailLimit ?? 5000;
  const z = Math.max(0, Math.min(24, Math.floor(zoom)));
  const inBox: number[] = [];
  const { lon, lat } = points;
  for (let i = 0; i < points.length; i++) {
    const x = lon[i]!, y = lat[i]!;
    if (y >= box.south && y <= box.north && x >= box.west && x <= box.east) inBox.push(i);
  }
  if (z >= detailZoom && inBox.length <= detailLimit) return { clusters: [], singles: inBox, total: inBox.length, detailed: true };

  interface Cell { cx: number; cy: number; members: number[] }
  const cells = new Map<number, Cell>();
  const cols = Math.ceil((TILE * 2 ** z) / cellPx) + 1;
  for (const i of inBox) {
    const [px, py] = mercatorPx(lon[i]!, lat[i]!, z);
    const cx = Math.floor(px / cellPx), cy = Math.floor(py / cellPx);
    const key = cy * cols + cx;
    const cell = cells.get(key);
    if (cell) cell.members.push(i);
    else cells.set(key, { cx, cy, members: [i] });
  }
  const clusters: GridCluster[] = [];
  const singles: number[] = [];
  for (const cell of cells.values()) {
    if (cell.members.length === 1) {
      singles.push(cell.members[0]!);
      continue;
    }
    let sx = 0, sy = 0, down = 0;
    let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
    for (const i of cell.members) {
      const x = lon[i]!, y = lat[i]!;
      sx += x; sy += y;
      if (x < west) west = x;
      if (x > east) east = x;
      if (y < south) south = y;
      if (y > north) north = y;
      if (isDown(i)) down++;
    }
    const n = cell.members.length;
    clusters.push({ id: `${z}/${cell.cx}/${cell.cy}`, lon: sx / n, lat: sy / n, count: n, down, bbox: { west, south, east, north } });
  }
  return { clusters, singles, total: inBox.length, detailed: false };
}
