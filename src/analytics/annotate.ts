// Draws what the pipeline saw onto a copy of a frame: counting lines, zones, detector crops, track
// boxes with their per-camera ids and class, and the detections the tracker was given with their scores. For evaluation and debugging only. Pure.
import type { Box, Point, Polygon } from './geometry.ts';
import type { PixelRect } from './regions.ts';
import type { Track } from './tracker.ts';
import type { Detection } from './detector-types.ts';

type Rgb = [number, number, number];

export class Canvas {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  constructor(rgb: Uint8Array, width: number, height: number) {
    this.rgb = rgb;
    this.width = width;
    this.height = height;
  }

  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.rgb[i] = c[0]; this.rgb[i + 1] = c[1]; this.rgb[i + 2] = c[2];
  }

  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thick = 1): void {
    x0 = Math.round(x0); y0 = Math.round(y0); x1 = Math.round(x1); y1 = Math.round(y1);
    const dx = Math.abs(x1 - x0), dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      for (let a = 0; a < thick; a++) for (let b = 0; b < thick; b++) this.set(x0 + a, y0 + b, c);
      if (x0 === x1 && y0 === y1) break;
      const e2 = 2 * err;
      if (e2 >= dy) { err += dy; x0 += sx; }
      if (e2 <= dx) { err += dx; y0 += sy; }
    }
  }

  rect(x1: number, y1: number, x2: number, y2: number, c: Rgb, thick = 1): void {
    this.line(x1, y1, x2, y1, c, thick); this.line(x2, y1, x2, y2, c, thick);
    this.line(x2, y2, x1, y2, c, thick); this.line(x1, y2, x1, y1, c, thick);
  }

  /** Text in a 3×5 pixel font scaled by `scale`; digits, a few letters and ':' '+' '-'. */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    for (const ch of s.toUpperCase()) {
      const g = GLYPHS[ch];
      if (g) for (let r = 0; r < 5; r++) for (let k = 0; k < 3; k++) if (g[r] & (4 >> k)) this.fill(x + k * scale, y + r * scale, scale, scale, c);
      x += 4 * scale;
    }
  }

  fill(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, c);
  }
}

const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  A: [2, 5, 7, 5, 5], B: [6, 5, 6, 5, 6], C: [7, 4, 4, 4, 7], E: [7, 4, 6, 4, 7], I: [7, 2, 2, 2, 7], K: [5, 5, 6, 5, 5],
  M: [5, 7, 7, 5, 5], N: [6, 5, 5, 5, 5], O: [7, 5, 5, 5, 7], P: [7, 5, 7, 4, 4], R: [6, 5, 6, 5, 5], S: [7, 4, 7, 1, 7],
  T: [7, 2, 2, 2, 2], U: [5, 5, 5, 5, 7], Y: [5, 5, 2, 2, 2], L: [4, 4, 4, 4, 7], F: [7, 4, 6, 4, 4], V: [5, 5, 5, 5, 2],
  ':': [0, 2, 0, 2, 0], '+': [0, 2, 7, 2, 0], '-': [0, 0, 7, 0, 0], '#': [5, 7, 5, 7, 5], '=': [0, 7, 0, 7, 0], ' ': [0, 0, 0, 0, 0],
};

const COLOURS: Record<string, Rgb> = { person: [255, 60, 60], car: [60, 220, 60], truck: [60, 160, 255], bus: [255, 160, 0], bicycle: [255, 0, 255], motorcycle: [0, 255, 255] };

export interface Annotation {
  lines?: { name: string; p1: Point; p2: Point; positive?: number; negative?: number }[];
  zones?: { name: string; polygon: Polygon }[];
  regions?: PixelRect[];
  motion?: Box[];
  tracks?: Track[];
  /** this frame's detections (merged, before tracking): thin boxes with the score in hundredths, to see what the tracker was given */
  detections?: Detection[];
  caption?: string;
}

/** Draws in place on `canvas` (give it a copy of the frame). */
export function annotate(canvas: Canvas, a: Annotation): void {
  const W = canvas.width, H = canvas.height;
  for (const z of a.zones ?? []) {
    for (let i = 0; i < z.polygon.length; i++) {
      const p = z.polygon[i], q = z.polygon[(i + 1) % z.polygon.length];
      canvas.line(p[0] * W, p[1] * H, q[0] * W, q[1] * H, [255, 255, 0]);
    }
    canvas.text(z.polygon[0][0] * W + 3, z.polygon[0][1] * H + 3, z.name, [255, 255, 0]);
  }
  for (const r of a.regions ?? []) canvas.rect(r.x, r.y, r.x + r.w - 1, r.y + r.h - 1, [90, 90, 90]);
  for (const b of a.motion ?? []) canvas.rect(b[0] * W, b[1] * H, b[2] * W, b[3] * H, [200, 200, 200]);
  for (const l of a.lines ?? []) {
    canvas.line(l.p1[0] * W, l.p1[1] * H, l.p2[0] * W, l.p2[1] * H, [255, 0, 255], 2);
    canvas.text(l.p1[0] * W + 2, l.p1[1] * H + 4, `${l.name} +${l.positive ?? 0} -${l.negative ?? 0}`, [255, 0, 255]);
  }
  for (const d of a.detections ?? []) {
    const c = COLOURS[d.cls] ?? [255, 255, 255];
    const [x1, y1, x2, y2] = [d.box[0] * W, d.box[1] * H, d.box[2] * W, d.box[3] * H];
    canvas.rect(x1 + 3, y1 + 3, x2 - 3, y2 - 3, c, 1);
    canvas.text(x1 + 4, y2 - 9, String(Math.round(d.score * 100)), c, 1);
  }
  for (const tr of a.tracks ?? []) {
    const c: Rgb = tr.state === 'confirmed' ? (COLOURS[tr.cls] ?? [255, 255, 255]) : [128, 128, 128];
    const [x1, y1, x2, y2] = [tr.box[0] * W, tr.box[1] * H, tr.box[2] * W, tr.box[3] * H];
    canvas.rect(x1, y1, x2, y2, c, 2);
    canvas.text(x1 + 2, Math.max(0, y1 - 12), `${tr.id}${tr.cls[0]}`, c);
  }
  if (a.caption) canvas.text(4, H - 14, a.caption, [255, 255, 255]);
}
