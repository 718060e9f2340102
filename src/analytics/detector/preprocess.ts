import { DetectorError } from './errors.ts';
import type { DetectorInput } from '../detector-types.ts';

/**
 * Writes one RGB crop, stretched to size×size (bilinear, half-pixel centres like TF's
 * resizeBilinear), as planar RGB into `dst` at `offset` (NCHW, one image): floats scaled to 0..1,
 * or for the int8 model's uint8 input the rounded pixel values themselves.
 * Stretching rather than letterboxing keeps the mapping back to the frame a plain affine one.
 */
export function writeCropTensor(input: DetectorInput, size: number, dst: Float32Array | Uint8Array, offset: number): void {
  const { rgb, width: w, height: h } = input;
  if (!(w > 0 && h > 0) || rgb.length < w * h * 3) {
    throw new DetectorError('BAD_INPUT', `crop ${w}x${h} needs ${w * h * 3} bytes, got ${rgb.length}`);
  }
  const plane = size * size;
  // uint8 stores truncate: +0.5 makes them round.
  const k = dst instanceof Uint8Array ? 1 : INV255;
  const add = dst instanceof Uint8Array ? 0.5 : 0;
  const r = offset, g = offset + plane, b = offset + 2 * plane;
  if (w === size && h === size) {
    // Crops already at model size (what the motion stage aims for) need no resampling.
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      dst[r + i] = rgb[p] * k; dst[g + i] = rgb[p + 1] * k; dst[b + i] = rgb[p + 2] * k;
    }
    return;
  }
  const xt = axisTable(w, size);
  const yt = axisTable(h, size);
  for (let y = 0; y < size; y++) {
    const row0 = yt.i0[y] * w * 3, row1 = yt.i1[y] * w * 3, wy = yt.f[y];
    const o = y * size;
    for (let x = 0; x < size; x++) {
      const c0 = xt.i0[x] * 3, c1 = xt.i1[x] * 3, wx = xt.f[x];
      const a = row0 + c0, e = row0 + c1, c = row1 + c0, d = row1 + c1;
      // Channels unrolled: V8 keeps this loop monomorphic and free of bounds re-checks.
      let top = rgb[a] + (rgb[e] - rgb[a]) * wx;
      let bottom = rgb[c] + (rgb[d] - rgb[c]) * wx;
      dst[r + o + x] = (top + (bottom - top) * wy) * k + add;
      top = rgb[a + 1] + (rgb[e + 1] - rgb[a + 1]) * wx;
      bottom = rgb[c + 1] + (rgb[d + 1] - rgb[c + 1]) * wx;
      dst[g + o + x] = (top + (bottom - top) * wy) * k + add;
      top = rgb[a + 2] + (rgb[e + 2] - rgb[a + 2]) * wx;
      bottom = rgb[c + 2] + (rgb[d + 2] - rgb[c + 2]) * wx;
      dst[b + o + x] = (top + (bottom - top) * wy) * k + add;
    }
  }
}

const INV255 = 1 / 255;

interface AxisTable { i0: Int32Array; i1: Int32Array; f: Float32Array }
const tables = new Map<string, AxisTable>();

/** Source indices and weights along one axis; crops come in a handful of sizes, so cache them. */
function axisTable(src: number, dst: number): AxisTable {
  const key = `${src}>${dst}`;
  let t = tables.get(key);
  if (t) return t;
  t = { i0: new Int32Array(dst), i1: new Int32Array(dst), f: new Float32Array(dst) };
  const scale = src / dst;
  for (let i = 0; i < dst; i++) {
    const pos = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), src - 1);
    t.i0[i] = Math.floor(pos);
    t.i1[i] = Math.min(t.i0[i] + 1, src - 1);
    t.f[i] = pos - t.i0[i];
  }
  if (tables.size > 64) tables.clear();
  tables.set(key, t);
  return t;
}
