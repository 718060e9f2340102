import { removeUnusedInitializers } from './tfjs-to-onnx.ts';
import { consumerCounts, type IrGraph, type IrNode, type IrTensor } from './onnx-ir.ts';
import { DetectorError } from './errors.ts';

/**
 * Static int8 quantisation in QDQ form, written for Vigil because no npm tool does it:
 * QuantizeLinear/DequantizeLinear pairs around activations (uint8, per tensor, asymmetric, from
 * calibration ranges) and DequantizeLinear on Conv weights (int8, per output channel, symmetric)
 * and biases (int32). onnxruntime fuses DQ→Conv→Q into integer kernels (VNNI on this CPU).
 * The detection heads' outputs stay float: their scores and box logits are what we report.
 * Pure: graph + ranges in, new graph out.
 */
export interface TensorRange { min: number; max: number }

/** Ops whose float outputs are quantised (and so run as integer kernels when ORT can). */
const QUANTISED_OUTPUT_OPS = new Set(['Conv', 'LeakyRelu', 'Relu', 'MaxPool', 'Resize', 'Concat', 'Add', 'Pad']);

/**
 * Graph choices for speed in onnxruntime's CPU kernels; each is off unless asked for, and the
 * detector's model asks for all three (model-build.ts; measurements in
 * bench/results/detector-speed-2026-11-30.md).
 */
export interface QdqOptions {
  pixelNorm?: PixelNorm;
  /**
   * Quantise the detection heads' 1×1 convolutions too (their outputs then leave through a
   * DequantizeLinear): ORT runs them as QLinearConv in its NHWC integer path instead of a float Conv
   * behind a layout Transpose.
   */
  quantizeHeads?: boolean;
  /**
   * With pixelNorm: fold the normalisation into the first convolution's weights and bias, so the
   * uint8 pixels are that convolution's quantised input as they are (scale 1, zero point the mean
   * grey) and no float op runs on the input. Exact except where the convolution pads: the padding
   * is that grey, i.e. within 0.2 of the normalised 0 the float graph pads with.
   */
  foldPixelNorm?: boolean;
  /**
   * With foldPixelNorm: the first convolution (3×3, stride 2, 3 channels) reads the pixels through
   * SpaceToDepth(2) as a 2×2 stride-1 convolution over 12 channels, the same arithmetic. MLAS's
   * integer convolution is slow with 3 input channels (27-long dot products, a 3-byte im2col):
   * measured 1.0–1.4 ms vs 0.6 ms for the space-to-depth form, SpaceToDepth included.
   */
  spaceToDepth?: boolean;
  /**
   * With spaceToDepth: the graph takes the pixels already in that order and channels-last,
   * [N, S/2, S/2, 12] uint8 (preprocess.ts's 's2d' layout), behind a Transpose to NCHW that ORT
   * cancels against its own NCHW→NHWC one: no SpaceToDepth and no input transpose at run time.
   */
  s2dInput?: boolean;
}

/** The activations that need a calibrated range: the graph input and the quantised ops' outputs. */
export function tensorsToCalibrate(g: IrGraph, opts: { quantizeHeads?: boolean } = {}): string[] {
  const consumers = new Map<string, IrNode[]>();
  for (const n of g.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const names = new Set<string>(g.inputs.map((i) => i.name));
  for (const n of g.nodes) {
    if (!QUANTISED_OUTPUT_OPS.has(n.op)) continue;
    const out = n.outputs[0];
    // A Conv feeding the output Split is a detection head: keep its result float.
    if (!opts.quantizeHeads && n.op === 'Conv' && (consumers.get(out) ?? []).some((c) => c.op === 'Split')) continue;
    names.add(out);
  }
  return [...names];
}

/** Adds the tensors as graph outputs so one run of the float model reports them all. */
export function withCalibrationOutputs(g: IrGraph, names: string[]): IrGraph {
  const existing = new Set(g.outputs.map((o) => o.name));
  return { ...g, outputs: [...g.outputs, ...names.filter((n) => !existing.has(n)).map((name) => ({ name }))] };
}

export function uint8Params(r: TensorRange): { scale: number; zeroPoint: number } {
  const min = Math.min(0, r.min), max = Math.max(0, r.max);
  const scale = max > min ? (max - min) / 255 : 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-min / scale))) };
}

/**
 * `pixelNorm`: the graph takes uint8 pixels (0..255, planes in the float input's channel order)
 * in a new input `<input>_u8`, and normalises them itself: DequantizeLinear (scale 1) → Sub mean →
 * Mul 1/std per channel gives exactly the float input the network was calibrated on, which is then
 * quantised like any activation. The detector feeds camera bytes without a float copy; the few
 * elementwise ops on the input cost far less than one convolution.
 */
export interface PixelNorm { mean: readonly number[]; std: readonly number[] }

export function quantizeQdq(src: IrGraph, ranges: Map<string, TensorRange>, opts: QdqOptions = {}): IrGraph {
  const g: IrGraph = {
    nodes: src.nodes.map((n) => ({ ...n, inputs: n.inputs.slice(), outputs: n.outputs.slice() })),
    initializers: new Map(src.initializers),
    inputs: src.inputs,
    outputs: src.outputs,
  };
  const added: IrNode[] = [];
  const scaleOf = new Map<string, number>();
  // The first convolution (the one reading the graph input), and tensors that get no Q/DQ pair.
  const inputNames = new Set(src.inputs.map((i) => i.name));
  const firstConv = g.nodes.find((n) => n.op === 'Conv' && inputNames.has(n.inputs[0]));
  const floatTensors = new Set<string>();
  const fold = opts.pixelNorm && opts.foldPixelNorm && firstConv && src.inputs.length === 1
    && g.nodes.filter((n) => n.inputs.includes(src.inputs[0].name)).length === 1;
  if (opts.pixelNorm && fold) {
    const { mean, std } = opts.pixelNorm;
    const n = src.inputs[0].name;
    g.inputs = src.inputs.map((i) => ({ ...i, name: `${i.name}_u8`, elem: 'uint8' as const }));
    g.initializers.set(`${n}__u8scale`, { type: 'float', dims: [], data: [1] });
    // The zero point is the mean colour (one value for all channels: it is per tensor), so the
    // convolution's zero padding is that grey, within 0.2 of the normalised 0 it pads with in float.
    const zp = Math.round(mean.reduce((a, b) => a + b, 0) / mean.length);
    g.initializers.set(`${n}__u8zp`, { type: 'uint8', dims: [], data: [zp] });
    const pixels: IrNode = { op: 'DequantizeLinear', name: `${n}__pixels`, inputs: [`${n}_u8`, `${n}__u8scale`, `${n}__u8zp`], outputs: [`${n}__dq`] };
    added.push(pixels);
    // conv(W, (x − m) / s) + b = conv(W / s, x − zp) + (b − Σ W·(m − zp) / s), per input channel c.
    const w = g.initializers.get(firstConv.inputs[1])!;
    const [co, ci] = w.dims;
    const k = w.data.length / (co * ci);
    const wd = Float32Array.from(w.data as ArrayLike<number>);
    const bias = new Float32Array(co);
    const b0 = firstConv.inputs[2] ? g.initializers.get(firstConv.inputs[2]) : undefined;
    if (b0) bias.set(b0.data as ArrayLike<number>);
    for (let o = 0; o < co; o++) {
      for (let c = 0; c < ci; c++) {
        for (let j = 0; j < k; j++) {
          const at = (o * ci + c) * k + j;
          bias[o] -= (wd[at] * (mean[c] - zp)) / std[c];
          wd[at] /= std[c];
        }
      }
    }
    g.initializers.set(`${firstConv.name}__wfold`, { type: 'float', dims: w.dims, data: wd });
    g.initializers.set(`${firstConv.name}__bfold`, { type: 'float', dims: [co], data: bias });
    firstConv.inputs = [`${n}__dq`, `${firstConv.name}__wfold`, `${firstConv.name}__bfold`];
    if (opts.spaceToDepth && spaceToDepthConv(firstConv, g)) {
      pixels.inputs[0] = `${n}__s2d`;
      if (opts.s2dInput) {
        const batch = src.inputs[0].dims?.[0] ?? 'batch';
        g.inputs = [{ name: `${n}_u8`, elem: 'uint8', dims: [batch, 'height_half', 'width_half', 12] }];
        added.push({ op: 'Transpose', name: `${n}__nchw`, inputs: [`${n}_u8`], outputs: [`${n}__s2d`], attrs: { perm: { ints: [0, 3, 1, 2] } } });
      } else {
        added.push({ op: 'SpaceToDepth', name: `${n}__space_to_depth`, inputs: [`${n}_u8`], outputs: [`${n}__s2d`], attrs: { blocksize: { i: 2 } } });
      }
    }
    floatTensors.add(n);
    scaleOf.set(n, 1); // the bias's scale: input scale (1) × weight scale
  } else if (opts.pixelNorm) {
    const { mean, std } = opts.pixelNorm;
    g.inputs = src.inputs.map((i) => ({ ...i, name: `${i.name}_u8`, elem: 'uint8' as const }));
    for (const i of src.inputs) {
      const c = mean.length, n = i.name;
      g.initializers.set(`${n}__u8scale`, { type: 'float', dims: [], data: [1] });
      g.initializers.set(`${n}__u8zp`, { type: 'uint8', dims: [], data: [0] });
      g.initializers.set(`${n}__mean`, { type: 'float', dims: [1, c, 1, 1], data: Float32Array.from(mean) });
      g.initializers.set(`${n}__invstd`, { type: 'float', dims: [1, c, 1, 1], data: Float32Array.from(std, (s) => 1 / s) });
      added.push({ op: 'DequantizeLinear', name: `${n}__pixels`, inputs: [`${n}_u8`, `${n}__u8scale`, `${n}__u8zp`], outputs: [`${n}__f`] });
      added.push({ op: 'Sub', name: `${n}__center`, inputs: [`${n}__f`, `${n}__mean`], outputs: [`${n}__c`] });
      added.push({ op: 'Mul', name: `${n}__scale`, inputs: [`${n}__c`, `${n}__invstd`], outputs: [n] });
    }
  }
  const uses = consumerCounts(g);

  // MaxPool and (bilinear) Resize never leave their input's range: giving their output the input's
  // quantisation is exact, and lets ORT keep them in uint8 (no float island, no layout reorders).
  const sameAsInput = new Map<string, string>();
  for (const n of g.nodes) if (n.op === 'MaxPool' || n.op === 'Resize') sameAsInput.set(n.outputs[0], n.inputs[0]);
  const rangeOf = (name: string): TensorRange | undefined => {
    const from = sameAsInput.get(name);
    return from !== undefined && ranges.has(from) ? rangeOf(from) : ranges.get(name);
  };
  for (const name of tensorsToCalibrate(src, opts)) {
    if (floatTensors.has(name)) continue;
    const r = rangeOf(name);
    if (!r) throw new DetectorError('MODEL_UNSUPPORTED', `no calibration range for ${name}`);
    // A tensor holding ±inf (e.g. a -inf padding the converter could not fold) stays float.
    if (!uses.get(name) || !Number.isFinite(r.min) || !Number.isFinite(r.max)) continue;
    const { scale, zeroPoint } = uint8Params(r);
    scaleOf.set(name, scale);
    const s = `${name}__qscale`, z = `${name}__zp`;
    g.initializers.set(s, { type: 'float', dims: [], data: [scale] });
    g.initializers.set(z, { type: 'uint8', dims: [], data: [zeroPoint] });
    const q = `${name}__q`, dq = `${name}__dq`;
    for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === name ? dq : i));
    added.push({ op: 'QuantizeLinear', name: `${name}__Q`, inputs: [name, s, z], outputs: [q] });
    added.push({ op: 'DequantizeLinear', name: `${name}__DQ`, inputs: [q, s, z], outputs: [dq] });
  }

  for (const conv of g.nodes.filter((n) => n.op === 'Conv')) {
    const wName = conv.inputs[1];
    const w = g.initializers.get(wName);
    if (!w || w.type !== 'float') continue;
    const { q, scales } = quantizeWeightsPerChannel(w);
    const base = `${conv.name}__w`;
    g.initializers.set(`${base}_q`, { type: 'int8', dims: w.dims, data: q });
    g.initializers.set(`${base}_scale`, { type: 'float', dims: [scales.length], data: Float32Array.from(scales) });
    g.initializers.set(`${base}_zp`, { type: 'int8', dims: [scales.length], data: new Int8Array(scales.length) });
    added.push({ op: 'DequantizeLinear', name: `${base}_DQ`, inputs: [`${base}_q`, `${base}_scale`, `${base}_zp`], outputs: [`${base}_dq`], attrs: { axis: { i: 0 } } });
    conv.inputs[1] = `${base}_dq`;
    // The bias becomes int32 at input_scale × weight_scale, the form ORT's QDQ Conv fusion expects.
    const inScale = scaleOf.get(conv.inputs[0].replace(/__dq$/, ''));
    const bName = conv.inputs[2];
    const b = bName ? g.initializers.get(bName) : undefined;
    if (b && b.type === 'float' && inScale !== undefined) {
      const bs = scales.map((s) => s * inScale);
      const bq = Int32Array.from(b.data as ArrayLike<number>, (v, i) => Math.round(v / bs[i]));
      g.initializers.set(`${base}_bq`, { type: 'int32', dims: b.dims, data: bq });
      g.initializers.set(`${base}_bscale`, { type: 'float', dims: [bs.length], data: Float32Array.from(bs) });
      g.initializers.set(`${base}_bzp`, { type: 'int32', dims: [bs.length], data: new Int32Array(bs.length) });
      added.push({ op: 'DequantizeLinear', name: `${base}_bDQ`, inputs: [`${base}_bq`, `${base}_bscale`, `${base}_bzp`], outputs: [`${base}_bdq`], attrs: { axis: { i: 0 } } });
      conv.inputs[2] = `${base}_bdq`;
    }
  }
  g.nodes = topoOrder([...added, ...g.nodes], g);
  removeUnusedInitializers(g);
  return g;
}

/**
 * Rewrites a stride-2 Conv (no dilation, one group) to read the output of SpaceToDepth(2): stride 1,
 * 4× the input channels, a kernel of half the size (rounded up). ONNX's SpaceToDepth puts input
 * channel c at block offset (dy, dx) in channel (dy·2 + dx)·C + c. With top padding p, kernel row kh
 * reads input row 2i + kh − p = 2(i + a) + dy with a = ⌊(kh − p)/2⌋, dy = (kh − p) mod 2; the new
 * kernel spans the a's, padded on top by −min(a). Taps the old kernel did not have get weight 0.
 * Returns false (and changes nothing) when the Conv is not of that form or its output size would
 * differ (the new padding keeps S/2 outputs for an even input S, as the old one gave).
 */
export function spaceToDepthConv(conv: IrNode, g: IrGraph): boolean {
  const ints = (k: string) => (conv.attrs?.[k] as { ints: number[] } | undefined)?.ints;
  const w = g.initializers.get(conv.inputs[1]);
  const [kh, kw] = ints('kernel_shape') ?? [];
  const [pt, pl, pb, pr] = ints('pads') ?? [0, 0, 0, 0];
  const group = (conv.attrs?.group as { i: number } | undefined)?.i ?? 1;
  if (!w || w.type !== 'float' || w.dims.length !== 4 || group !== 1 || conv.attrs?.auto_pad) return false;
  if (`${ints('strides')}` !== '2,2' || (ints('dilations') ?? [1, 1]).some((d) => d !== 1)) return false;
  const axis = (k: number, p0: number, p1: number) => {
    const lo = Math.floor(-p0 / 2), hi = Math.floor((k - 1 - p0) / 2);
    const size = hi - lo + 1;
    // Old output count for even S: ⌊(S + p0 + p1 − k)/2⌋ + 1; new: S/2 + pads − size + 1.
    const padTotal = size + Math.floor((p0 + p1 - k) / 2);
    return { lo, size, p0: -lo, p1: padTotal - -lo };
  };
  const ay = axis(kh, pt, pb), ax = axis(kw, pl, pr);
  if (ay.p1 < 0 || ax.p1 < 0) return false;
  const [co, ci] = w.dims;
  const src = w.data as Float32Array;
  const dst = new Float32Array(co * ci * 4 * ay.size * ax.size);
  const mod2 = (v: number) => ((v % 2) + 2) % 2;
  for (let o = 0; o < co; o++) {
    for (let c = 0; c < ci; c++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const ty = y - pt, tx = x - pl;
          const c2 = (mod2(ty) * 2 + mod2(tx)) * ci + c;
          const ny = Math.floor(ty / 2) - ay.lo, nx = Math.floor(tx / 2) - ax.lo;
          dst[((o * ci * 4 + c2) * ay.size + ny) * ax.size + nx] = src[((o * ci + c) * kh + y) * kw + x];
        }
      }
    }
  }
  const name = `${conv.name}__ws2d`;
  g.initializers.set(name, { type: 'float', dims: [co, ci * 4, ay.size, ax.size], data: dst });
  conv.inputs[1] = name;
  conv.attrs = { ...conv.attrs, kernel_shape: { ints: [ay.size, ax.size] }, strides: { ints: [1, 1] }, pads: { ints: [ay.p0, ax.p0, ay.p1, ax.p1] } };
  return true;
}

export function quantizeWeightsPerChannel(w: IrTensor): { q: Int8Array; scales: number[] } {
  const data = w.data as Float32Array;
  const channels = w.dims[0];
  const per = data.length / channels;
  const q = new Int8Array(data.length);
  const scales: number[] = [];
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = 0; i < per; i++) max = Math.max(max, Math.abs(data[c * per + i]));
    const scale = max > 0 ? max / 127 : 1;
    scales.push(scale);
    for (let i = 0; i < per; i++) q[c * per + i] = Math.max(-127, Math.min(127, Math.round(data[c * per + i] / scale)));
  }
  return { q, scales };
}

function topoOrder(nodes: IrNode[], g: IrGraph): IrNode[] {
  const ready = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.keys(), '']);
  const out: IrNode[] = [];
  let pending = nodes;
  while (pending.length) {
    const next: IrNode[] = [];
    for (const n of pending) {
      if (n.inputs.every((i) => ready.has(i))) { out.push(n); for (const o of n.outputs) ready.add(o); } else next.push(n);
    }
    if (next.length === pending.length) throw new DetectorError('MODEL_UNSUPPORTED', `graph has a cycle or a missing input at ${next[0].name}`);
    pending = next;
  }
  return out;
}
