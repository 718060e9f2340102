import { DetectorError } from './errors.ts';
import type { DetectorInput } from '../detector-types.ts';

/**
 * Writes one RGB crop, stretched to size×size (bilinear, half-pixel centres like TF's
 * resizeBilinear), as planar float RGB scaled to 0..1 into `dst` at `offset` (NCHW, one image).
 * Stretching rather than letterboxing keeps the mapping back to the frame a plain affine one.
 */
export function writeCropTensor(input: DetectorInput, size: number, dst: Float32Array, offset: number): void {
  const { rgb, width: w, height: h } = input;
  if (!(w > 0 && h > 0) || rgb.length < w * h * 3) {
    throw new DetectorError('BAD_INPUT', `crop ${w}x${h} needs ${w * h * 3} bytes, got ${rgb.length}`);
  }
  const plane = size * size;
  const sx = w / size;
  const sy = h / size;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = fx - x0;
      const a = (y0 * w + x0) * 3, b = (y0 * w + x1) * 3, c = (y1 * w + x0) * 3, d = (y1 * w + x1) * 3;
      const o = offset + y * size + x;
      for (let ch = 0; ch < 3; ch++) {
        const top = rgb[a + ch] + (rgb[b + ch] - rgb[a + ch]) * wx;
        const bottom = rgb[c + ch] + (rgb[d + ch] - rgb[c + ch]) * wx;
        dst[o + ch * plane] = (top + (bottom - top) * wy) / 255;
      }
    }
  }
}
