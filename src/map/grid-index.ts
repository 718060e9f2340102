// A uniform grid over longitude/latitude: each item is filed in every cell its box touches, so
// "what could hold this point" reads one cell. At city scale (cones of tens to hundreds of metres)
// cells of a few hundred metres keep each cell's list short; no tree is needed.
import type { BBox, LonLat } from './geo.ts';

export class GridIndex<T> {
  private readonly cellDeg: number;
  private readonly cells = new Map<number, T[]>();

  /** cellDeg: cell size in degrees (0.003 ≈ 330 m north–south). */
  constructor(cellDeg = 0.003) {
    if (!(cellDeg > 0)) throw new RangeError('cellDeg must be > 0');
    this.cellDeg = cellDeg;
  }

  private key(ix: number, iy: number): number {
    // Cells are at most 360/cellDeg across; a pairing with a large stride keeps keys unique.
    return iy * 4_000_003 + ix;
  }

  insert(box: BBox, item: T): void {
    const x0 = Math.floor(box.west / this.cellDeg), x1 = Math.floor(box.east / this.cellDeg);
    const y0 = Math.floor(box.south / this.cellDeg), y1 = Math.floor(box.north / this.cellDeg);
    for (let iy = y0; iy <= y1; iy++) {
      for (let ix = x0; ix <= x1; ix++) {
        const k = this.key(ix, iy);
        const list = this.cells.get(k);
        if (list) list.push(item);
        else this.cells.set(k, [item]);
      }
    }
  }

  /** Items whose box may hold the point (a superset; callers test exactly). */
  atPoint(p: LonLat): readonly T[] {
    return this.cells.get(this.key(Math.floor(p[0] / this.cellDeg), Math.floor(p[1] / this.cellDeg))) ?? [];
  }

  /** Items whose box may touch the box, each once. */
  inBox(box: BBox): T[] {
    const out = new Set<T>();
    const x0 = Math.floor(box.west / this.cellDeg), x1 = Math.floor(box.east / this.cellDeg);
    const y0 = Math.floor(box.south / this.cellDeg), y1 = Math.floor(box.north / this.cellDeg);
    for (let iy = y0; iy <= y1; iy++) {
      for (let ix = x0; ix <= x1; ix++) {
        const list = this.cells.get(this.key(ix, iy));
        if (list) for (const item of list) out.add(item);
      }
    }
    return [...out];
  }
}
