// A rotated rectangle of an RGB picture sampled (bilinear) into an upright strip of a given
// height: what the recogniser reads, and the plate crop kept with a violation. Pure.
import type { RotatedRect } from './text-regions.ts';

export interface Strip { rgb: Uint8Array; width: number; height: number }

/**
 * `rect` is in picture pixels. The strip is `height` tall and as wide as the rectangle's aspect
 * gives, within [minWidth, maxWidth].
 */
export function sampleStrip(rgb: Uint8Array, W: number, H: number, rect: RotatedRect, height: number, minWidth = 16, maxWidth = 640): Strip {
  const width = Math.max(minWidth, Math.min(maxWidth, Math.round((height * rect.length) / Math.max(1e-6, rect.height))));
  const out = new Uint8Array(width * height * 3);
  const sx = rect.length / width, sy = rect.height / height;
  for (let j = 0; j < height; j++) {
    const b = (j + 0.5) * sy - rect.height / 2;
    for (let i = 0; i < width; i++) {
      const a = (i + 0.5) * sx - rect.length / 2;
      const x = rect.cx + a * rect.ux - b * rect.uy - 0.5, y = rect.cy + a * rect.uy + b * rect.ux - 0.5;
      const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
      const o = (j * width + i) * 3;
      for (let c = 0; c < 3; c++) {
        const p = (xx: number, yy: number) => rgb[(Math.min(H - 1, Math.max(0, yy)) * W + Math.min(W - 1, Math.max(0, xx))) * 3 + c];
        out[o + c] = Math.round((p(x0, y0) * (1 - fx) + p(x0 + 1, y0) * fx) * (1 - fy) + (p(x0, y0 + 1) * (1 - fx) + p(x0 + 1, y0 + 1) * fx) * fy);
      }
    }
  }
  return { rgb: out, width, height };
}

/** A picture's region scaled (bilinear) to w × h: the detector's input. */
export function resizeRegion(rgb: Uint8Array, W: number, H: number, x0: number, y0: number, rw: number, rh: number, w: number, h: number): Uint8Array {
  return sampleStrip(rgb, W, H, { cx: x0 + rw / 2, cy: y0 + rh / 2, ux: 1, uy: 0, length: rw, height: rh, score: 1 }, h, w, w).rgb;
}
