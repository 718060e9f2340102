// Just enough of a TrueType font to draw its glyphs: the character map (formats 4 and 12), the
// advance widths, and the outlines (simple and composite glyphs of the `glyf` table), as path
// commands in pixels. Pure: bytes in. Read from a font Vigil installs (Debian's DejaVu Sans), not from
// anything a user sends.
import type { PathCommand } from './glyph-sdf.ts';

interface Table { offset: number; length: number }

export class TrueTypeFont {
  private readonly v: DataView;
  private readonly tables = new Map<string, Table>();
  readonly unitsPerEm: number;
  private readonly longLoca: boolean;
  private readonly numGlyphs: number;
  private readonly numHMetrics: number;
  private readonly cmap = new Map<number, number>();

  constructor(bytes: Uint8Array) {
    this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const v = this.v;
    const version = v.getUint32(0);
    if (version !== 0x00010000 && version !== 0x74727565) throw new Error('not a TrueType font (CFF outlines are not read)');
    const n = v.getUint16(4);
    for (let i = 0; i < n; i++) {
      const at = 12 + 16 * i;
      const tag = String.fromCharCode(v.getUint8(at), v.getUint8(at + 1), v.getUint8(at + 2), v.getUint8(at + 3));
      this.tables.set(tag, { offset: v.getUint32(at + 8), length: v.getUint32(at + 12) });
    }
    for (const t of ['head', 'maxp', 'hhea', 'hmtx', 'loca', 'glyf', 'cmap']) if (!this.tables.has(t)) throw new Error(`the font has no ${t} table`);
    const head = this.table('head');
    this.unitsPerEm = v.getUint16(head + 18);
    this.longLoca = v.getInt16(head + 50) === 1;
    this.numGlyphs = v.getUint16(this.table('maxp') + 4);
    this.numHMetrics = v.getUint16(this.table('hhea') + 34);
    this.readCmap();
  }

  private table(tag: string): number {
    return this.tables.get(tag)!.offset;
  }

  private readCmap(): void {
    const v = this.v;
    const base = this.table('cmap');
    const count = v.getUint16(base + 2);
    const subtables: { platform: number; encoding: number; at: number }[] = [];
    for (let i = 0; i < count; i++) {
      subtables.push({ platform: v.getUint16(base + 4 + 8 * i), encoding: v.getUint16(base + 6 + 8 * i), at: base + v.getUint32(base + 8 + 8 * i) });
    }
    // Unicode full repertoire (format 12) when there is one, else the BMP (format 4).
    const pick = subtables.find((s) => v.getUint16(s.at) === 12 && (s.platform === 3 || s.platform === 0))
      ?? subtables.find((s) => v.getUint16(s.at) === 4 && (s.platform === 3 || s.platform === 0));
    if (!pick) throw new Error('the font has no Unicode character map');
    const at = pick.at;
    if (v.getUint16(at) === 12) {
      const groups = v.getUint32(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = v.getUint32(at + 16 + 12 * g), end = v.getUint32(at + 20 + 12 * g), glyph = v.getUint32(at + 24 + 12 * g);
        for (let c = start; c <= end && c <= 0xffff; c++) this.cmap.set(c, glyph + (c - start));
      }
      return;
    }
    const segX2 = v.getUint16(at + 6);
    const ends = at + 14, starts = ends + segX2 + 2, deltas = starts + segX2, offsets = deltas + segX2;
    for (let i = 0; i < segX2 / 2; i++) {
      const end = v.getUint16(ends + 2 * i), start = v.getUint16(starts + 2 * i);
      const delta = v.getInt16(deltas + 2 * i), rangeOffset = v.getUint16(offsets + 2 * i);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let g: number;
        if (rangeOffset === 0) g = (c + delta) & 0xffff;
        else {
          g = v.getUint16(offsets + 2 * i + rangeOffset + 2 * (c - start));
          if (g !== 0) g = (g + delta) & 0xffff;
        }
        if (g !== 0) this.cmap.set(c, g);
      }
    }
  }

  /** The glyph of a code point, or null when the font has none. */
  glyphOf(codePoint: number): number | null {
    return this.cmap.get(codePoint) ?? null;
  }

  /** Advance width in font units. */
  advance(glyph: number): number {
    const hmtx = this.table('hmtx');
    return this.v.getUint16(hmtx + 4 * Math.min(glyph, this.numHMetrics - 1));
  }

  /** Contours of a glyph in font units (y up), each a list of points with their on-curve flag. */
  private contours(glyph: number, depth = 0): { x: number; y: number; on: boolean }[][] {
    if (glyph >= this.numGlyphs || depth > 8) return [];
    const v = this.v;
    const loca = this.table('loca');
    const start = this.longLoca ? v.getUint32(loca + 4 * glyph) : v.getUint16(loca + 2 * glyph) * 2;
    const end = this.longLoca ? v.getUint32(loca + 4 * glyph + 4) : v.getUint16(loca + 2 * glyph + 2) * 2;
    if (end <= start) return []; // no outline (a space)
    let p = this.table('glyf') + start;
    const nContours = v.getInt16(p);
    p += 10;
    if (nContours >= 0) {
      const endPts: number[] = [];
      for (let i = 0; i < nContours; i++) endPts.push(v.getUint16(p + 2 * i));
      p += 2 * nContours;
      p += 2 + v.getUint16(p); // instructions
      const nPoints = nContours ? endPts[nContours - 1]! + 1 : 0;
      const flags: number[] = [];
      while (flags.length < nPoints) {
        const f = v.getUint8(p++);
        flags.push(f);
        if (f & 8) for (let r = v.getUint8(p++); r > 0; r--) flags.push(f);
      }
      const xs: number[] = [], ys: number[] = [];
      let x = 0;
      for (const f of flags) {
        if (f & 2) { const d = v.getUint8(p++); x += f & 16 ? d : -d; } else if (!(f & 16)) { x += v.getInt16(p); p += 2; }
        xs.push(x);
      }
      let y = 0;
      for (const f of flags) {
        if (f & 4) { const d = v.getUint8(p++); y += f & 32 ? d : -d; } else if (!(f & 32)) { y += v.getInt16(p); p += 2; }
        ys.push(y);
      }
      const out: { x: number; y: number; on: boolean }[][] = [];
      let first = 0;
      for (const last of endPts) {
        const c: { x: number; y: number; on: boolean }[] = [];
        for (let i = first; i <= last; i++) c.push({ x: xs[i]!, y: ys[i]!, on: (flags[i]! & 1) === 1 });
        out.push(c);
        first = last + 1;
      }
      return out;
    }
    // Composite: other glyphs, each moved (and maybe scaled) into place.
    const out: { x: number; y: number; on: boolean }[][] = [];
    for (;;) {
      const flags = v.getUint16(p), component = v.getUint16(p + 2);
      p += 4;
      let dx: number, dy: number;
      if (flags & 1) { dx = v.getInt16(p); dy = v.getInt16(p + 2); p += 4; } else { dx = v.getInt8(p); dy = v.getInt8(p + 1); p += 2; }
      let a = 1, b = 0, c = 0, d = 1;
      const f2 = (at: number) => v.getInt16(at) / 16384;
      if (flags & 8) { a = d = f2(p); p += 2; } else if (flags & 0x40) { a = f2(p); d = f2(p + 2); p += 4; } else if (flags & 0x80) { a = f2(p); b = f2(p + 2); c = f2(p + 4); d = f2(p + 6); p += 8; }
      // Without ARGS_ARE_XY_VALUES the arguments name points to match; no font Vigil ships uses that.
      if (!(flags & 2)) { dx = 0; dy = 0; }
      for (const contour of this.contours(component, depth + 1)) {
        out.push(contour.map((pt) => ({ x: a * pt.x + c * pt.y + dx, y: b * pt.x + d * pt.y + dy, on: pt.on })));
      }
      if (!(flags & 0x20)) break;
    }
    return out;
  }

  /** The outline at `sizePx`, y down with the baseline at 0, as path commands. */
  path(glyph: number, sizePx: number): PathCommand[] {
    const s = sizePx / this.unitsPerEm;
    const cmds: PathCommand[] = [];
    for (const contour of this.contours(glyph)) {
      if (contour.length < 2) continue;
      const pts = contour.map((q) => ({ x: q.x * s, y: -q.y * s, on: q.on }));
      // Start on an on-curve point; with none, at the midpoint of the first two.
      let startIdx = pts.findIndex((q) => q.on);
      let start: { x: number; y: number };
      if (startIdx < 0) {
        start = { x: (pts[0]!.x + pts[1]!.x) / 2, y: (pts[0]!.y + pts[1]!.y) / 2 };
        startIdx = 0;
      } else start = pts[startIdx]!;
      cmds.push({ type: 'M', x: start.x, y: start.y });
      let control: { x: number; y: number } | null = null;
      const n = pts.length;
      // From the point after the start (with no on-curve point, the start lies between the first two).
      const from = pts[startIdx]!.on ? startIdx + 1 : 1;
      for (let k = 0; k < n; k++) {
        const q = pts[(from + k) % n]!;
        if (q.on) {
          if (control) cmds.push({ type: 'Q', x1: control.x, y1: control.y, x: q.x, y: q.y });
          else cmds.push({ type: 'L', x: q.x, y: q.y });
          control = null;
        } else if (control) {
          const mid = { x: (control.x + q.x) / 2, y: (control.y + q.y) / 2 };
          cmds.push({ type: 'Q', x1: control.x, y1: control.y, x: mid.x, y: mid.y });
          control = q;
        } else control = q;
      }
      if (control) cmds.push({ type: 'Q', x1: control.x, y1: control.y, x: start.x, y: start.y });
      cmds.push({ type: 'Z' });
    }
    return cmds;
  }
}
