// Glyphs for the map's text as MapLibre draws it: each glyph a signed distance field (SDF) of its
// outline at 24 px, 256 code points to a range, in the protocol buffer MapLibre reads
// (`glyphs.proto`: fontstack { name, range, glyphs { id, bitmap, width, height, left, top, advance } }).
// Pure: outlines in, bytes out; the font file is read by glyph-font.ts.

/** One outline command in pixels at 24 px, y down, the baseline at y = 0 (as opentype.js gives them). */
export type PathCommand =
  | { type: 'M' | 'L'; x: number; y: number }
  | { type: 'Q'; x1: number; y1: number; x: number; y: number }
  | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: 'Z' };

export interface SdfGlyph {
  id: number;
  /** (width + 2·BUFFER) × (height + 2·BUFFER) bytes; empty for a glyph with no outline (a space). */
  bitmap: Uint8Array;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
}

/** MapLibre's conventions for server glyphs: 24 px, a 3 px border, distances over 8 px, the edge at 0.75. */
export const GLYPH_SIZE = 24;
export const BUFFER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;
/** Where a line's glyph tops are measured from (MapLibre draws its own local glyphs with the same). */
const TOP_ADJUSTMENT = 27;

type Segment = [number, number, number, number];

/** The outline as straight segments (curves cut in eight), closed contour by contour. */
function flatten(commands: readonly PathCommand[]): Segment[] {
  const out: Segment[] = [];
  let x = 0, y = 0, sx = 0, sy = 0;
  const line = (nx: number, ny: number) => {
    if (nx !== x || ny !== y) out.push([x, y, nx, ny]);
    x = nx; y = ny;
  };
  const STEPS = 8;
  for (const c of commands) {
    if (c.type === 'M') {
      if (x !== sx || y !== sy) line(sx, sy);
      x = sx = c.x; y = sy = c.y;
    } else if (c.type === 'L') line(c.x, c.y);
    else if (c.type === 'Q') {
      const [x0, y0] = [x, y];
      for (let i = 1; i <= STEPS; i++) {
        const t = i / STEPS, u = 1 - t;
        line(u * u * x0 + 2 * u * t * c.x1 + t * t * c.x, u * u * y0 + 2 * u * t * c.y1 + t * t * c.y);
      }
    } else if (c.type === 'C') {
      const [x0, y0] = [x, y];
      for (let i = 1; i <= STEPS; i++) {
        const t = i / STEPS, u = 1 - t;
        line(u * u * u * x0 + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
          u * u * u * y0 + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y);
      }
    } else line(sx, sy);
  }
  if (x !== sx || y !== sy) line(sx, sy);
  return out;
}

function distToSegment(px: number, py: number, [ax, ay, bx, by]: Segment): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const qx = ax + t * dx - px, qy = ay + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}

/** Non-zero winding: TrueType outlines may overlap (an accent on a letter), and both count as ink. */
function inside(px: number, py: number, segments: readonly Segment[]): boolean {
  let winding = 0;
  for (const [ax, ay, bx, by] of segments) {
    if (ay <= py) {
      if (by > py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) > 0) winding++;
    } else if (by <= py && (bx - ax) * (py - ay) - (px - ax) * (by - ay) < 0) winding--;
  }
  return winding !== 0;
}

/** The SDF glyph of one outline; `advance` in pixels at 24 px. */
export function sdfGlyph(id: number, commands: readonly PathCommand[], advance: number): SdfGlyph {
  const segments = flatten(commands);
  const adv = Math.round(advance);
  if (segments.length === 0) return { id, bitmap: new Uint8Array(0), width: 0, height: 0, left: 0, top: -TOP_ADJUSTMENT, advance: adv };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [ax, ay, bx, by] of segments) {
    minX = Math.min(minX, ax, bx); maxX = Math.max(maxX, ax, bx);
    minY = Math.min(minY, ay, by); maxY = Math.max(maxY, ay, by);
  }
  const left = Math.floor(minX), right = Math.ceil(maxX), topY = Math.floor(minY), bottomY = Math.ceil(maxY);
  const width = right - left, height = bottomY - topY;
  const w = width + 2 * BUFFER, h = height + 2 * BUFFER;
  const bitmap = new Uint8Array(w * h);
  for (let row = 0; row < h; row++) {
    const py = topY - BUFFER + row + 0.5;
    for (let col = 0; col < w; col++) {
      const px = left - BUFFER + col + 0.5;
      let d = Infinity;
      for (const s of segments) {
        const ds = distToSegment(px, py, s);
        if (ds < d) d = ds;
      }
      const signed = inside(px, py, segments) ? -d : d;
      bitmap[row * w + col] = Math.max(0, Math.min(255, Math.round(255 - 255 * (signed / RADIUS + CUTOFF))));
    }
  }
  // y is down: the glyph's top lies -topY pixels above the baseline.
  return { id, bitmap, width, height, left, top: -topY - TOP_ADJUSTMENT, advance: adv };
}

// --- protocol buffer encoding ------------------------------------------------------------------

class Writer {
  private bytes: number[] = [];
  varint(n: number): void {
    let v = n >>> 0;
    while (v >= 0x80) { this.bytes.push((v & 0x7f) | 0x80); v >>>= 7; }
    this.bytes.push(v);
  }
  key(field: number, wire: 0 | 2): void { this.varint((field << 3) | wire); }
  uint(field: number, n: number): void { this.key(field, 0); this.varint(n); }
  sint(field: number, n: number): void { this.key(field, 0); this.varint((n << 1) ^ (n >> 31)); }
  bytesField(field: number, data: Uint8Array | number[]): void {
    this.key(field, 2);
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
  }
  string(field: number, s: string): void { this.bytesField(field, [...new TextEncoder().encode(s)]); }
  done(): Uint8Array { return Uint8Array.from(this.bytes); }
}

/** One range of glyphs as MapLibre asks for it (`{fontstack}/{start}-{end}.pbf`). */
export function encodeGlyphRange(fontstack: string, start: number, glyphs: readonly SdfGlyph[]): Uint8Array {
  const stack = new Writer();
  stack.string(1, fontstack);
  stack.string(2, `${start}-${start + 255}`);
  for (const g of glyphs) {
    const glyph = new Writer();
    glyph.uint(1, g.id);
    if (g.bitmap.length) glyph.bytesField(2, g.bitmap);
    glyph.uint(3, g.width);
    glyph.uint(4, g.height);
    glyph.sint(5, g.left);
    glyph.sint(6, g.top);
    glyph.uint(7, g.advance);
    stack.bytesField(3, glyph.done());
  }
  const root = new Writer();
  root.bytesField(1, stack.done());
  return root.done();
}
