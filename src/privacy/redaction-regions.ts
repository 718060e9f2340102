// What export redaction hides in one frame: the head band of every person (faces) and the plate
// windows of every vehicle, as pixel rectangles with the block size they are pixelated with; and,
// between two frames the detector looked at, where those rectangles are (matched pairs moved
// linearly, unmatched ones held), so a moving face or plate is covered on the frames in between.
// Pure: detections in, rectangles out, pixels changed in place.
import { headBand, type Box } from './head-blur.ts';
import { findPlates, grow, type PixelRect } from './plate-finder.ts';

export type RedactionKind = 'face' | 'plate';

export interface Region extends PixelRect {
  kind: RedactionKind;
  /** Side of the pixelation blocks, px. */
  block: number;
}

/** A detection as the redactor needs it: a class and a box normalised to the frame. */
export interface FoundObject {
  cls: string;
  box: Box;
}

export const VEHICLE_CLASSES: ReadonlySet<string> = new Set(['car', 'bus', 'truck', 'motorcycle']);

/** Regions to hide in a frame (Y plane `luma`, `stride` bytes a row) given what the detector found in it. */
export function regionsOf(found: readonly FoundObject[], luma: Uint8Array, stride: number, width: number, height: number): Region[] {
  const out: Region[] = [];
  for (const f of found) {
    const bw = (f.box[2] - f.box[0]) * width;
    if (f.cls === 'person') {
      // The head band of head-blur, widened: a face seen while walking leaves the band's edge between looks.
      const band = grow(headBand(f.box, width, height), 0.15, width, height);
      if (band.w > 0 && band.h > 0) out.push({ ...band, kind: 'face', block: Math.max(4, Math.round(bw * 0.25)) });
    } else if (VEHICLE_CLASSES.has(f.cls)) {
      const box = { x: f.box[0] * width, y: f.box[1] * height, w: bw, h: (f.box[3] - f.box[1]) * height };
      for (const p of findPlates(luma, stride, width, height, box)) {
        if (p.w > 0 && p.h > 0) out.push({ ...p, kind: 'plate', block: Math.max(4, Math.round(p.h / 3)) });
      }
    }
  }
  return out;
}

/**
 * Regions for a frame a share `t` (0..1) of the way from one looked-at frame (regions `a`) to the
 * next (`b`): pairs of the same kind whose centres are close are moved linearly; every other
 * region of either end is kept whole (better too much hidden than a face shown).
 */
export function regionsBetween(a: readonly Region[], b: readonly Region[], t: number): Region[] {
  const out: Region[] = [];
  const usedB = new Set<number>();
  for (const ra of a) {
    let best = -1, bestD = Infinity;
    for (let j = 0; j < b.length; j++) {
      const rb = b[j];
      if (usedB.has(j) || rb.kind !== ra.kind) continue;
      const d = Math.hypot(ra.x + ra.w / 2 - (rb.x + rb.w / 2), ra.y + ra.h / 2 - (rb.y + rb.h / 2));
      if (d < 3 * Math.max(ra.w, ra.h, rb.w, rb.h) && d < bestD) { best = j; bestD = d; }
    }
    if (best < 0) { out.push(ra); continue; }
    usedB.add(best);
    const rb = b[best];
    const lerp = (p: number, q: number) => p + (q - p) * t;
    // The moved rectangle plus a margin of the distance still to go: the pair's path is not quite straight.
    const m = bestD * 0.25;
    const x = lerp(ra.x, rb.x) - m, y = lerp(ra.y, rb.y) - m;
    out.push({ kind: ra.kind, block: Math.max(ra.block, rb.block), x: Math.max(0, Math.floor(x)), y: Math.max(0, Math.floor(y)), w: Math.ceil(lerp(ra.w, rb.w) + 2 * m), h: Math.ceil(lerp(ra.h, rb.h) + 2 * m) });
  }
  for (let j = 0; j < b.length; j++) if (!usedB.has(j)) out.push(b[j]);
  return out;
}

/**
 * Pixelates one rectangle of a yuv420p frame (Y plane, then U, then V) in place: every block
 * takes its average, in luma and in chroma. Averaged blocks keep no detail smaller than a block.
 */
export function pixelateYuv420(frame: Uint8Array, width: number, height: number, r: PixelRect, block: number): void {
  // Even edges and an even block keep luma and chroma blocks aligned.
  const x0 = Math.max(0, r.x & ~1), y0 = Math.max(0, r.y & ~1);
  const x1 = Math.min(width & ~1, (r.x + r.w + 1) & ~1), y1 = Math.min(height & ~1, (r.y + r.h + 1) & ~1);
  if (x1 <= x0 || y1 <= y0) return;
  const b = Math.max(2, block & ~1);
  averageBlocks(frame, 0, width, x0, y0, x1, y1, b);
  const cw = width >> 1, ch = height >> 1;
  averageBlocks(frame, width * height, cw, x0 >> 1, y0 >> 1, x1 >> 1, y1 >> 1, b >> 1);
  averageBlocks(frame, width * height + cw * ch, cw, x0 >> 1, y0 >> 1, x1 >> 1, y1 >> 1, b >> 1);
}

function averageBlocks(p: Uint8Array, base: number, stride: number, x0: number, y0: number, x1: number, y1: number, b: number): void {
  for (let by = y0; by < y1; by += b) {
    const ye = Math.min(y1, by + b);
    for (let bx = x0; bx < x1; bx += b) {
      const xe = Math.min(x1, bx + b);
      let s = 0;
      for (let y = by; y < ye; y++) for (let i = base + y * stride + bx, e = base + y * stride + xe; i < e; i++) s += p[i];
      const v = Math.round(s / ((ye - by) * (xe - bx)));
      for (let y = by; y < ye; y++) p.fill(v, base + y * stride + bx, base + y * stride + xe);
    }
  }
}

/** Paints a mask cover (1 byte a luma pixel, non-zero: hidden) black into a yuv420p frame, in place. */
export function paintCoverYuv420(frame: Uint8Array, width: number, height: number, cover: Uint8Array): void {
  const cw = width >> 1, uBase = width * height, vBase = uBase + cw * (height >> 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width; x < width; x++, i++) {
      if (!cover[i]) continue;
      frame[i] = 16; // black in limited range
      const c = (y >> 1) * cw + (x >> 1);
      frame[uBase + c] = 128;
      frame[vBase + c] = 128;
    }
  }
}

/** RGB (interleaved) of a yuv420p frame scaled down by an integer factor, for the detector (BT.601 limited range). */
export function yuv420ToRgbScaled(frame: Uint8Array, width: number, height: number, factor: number): { rgb: Uint8Array; width: number; height: number } {
  const f = Math.max(1, Math.floor(factor));
  const w = Math.floor(width / f), h = Math.floor(height / f);
  const rgb = new Uint8Array(w * h * 3);
  const cw = width >> 1, uBase = width * height, vBase = uBase + cw * (height >> 1);
  for (let y = 0, o = 0; y < h; y++) {
    const sy = y * f;
    for (let x = 0; x < w; x++, o += 3) {
      const sx = x * f;
      const Y = 1.164 * (frame[sy * width + sx] - 16);
      const c = (sy >> 1) * cw + (sx >> 1);
      const U = frame[uBase + c] - 128, V = frame[vBase + c] - 128;
      rgb[o] = clamp8(Y + 1.596 * V);
      rgb[o + 1] = clamp8(Y - 0.392 * U - 0.813 * V);
      rgb[o + 2] = clamp8(Y + 2.017 * U);
    }
  }
  return { rgb, width: w, height: h };
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
