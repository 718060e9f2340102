import { DetectorError } from './errors.ts';
import { consumerCounts, type IrGraph, type IrNode, type IrTensor } from './onnx-ir.ts';
import {
  attrInts, attrString, decodeTfjsWeights, splitInputName,
  type ConstTensor, type TfjsModelJson, type TfjsNode,
} from './tfjs-graph.ts';

/**
 * Converts a TF.js graph model (as exported from ONNX by onnx-tf, like the human-models nanodet)
 * into an ONNX graph that onnxruntime runs. Pure: JSON + weight bytes in, graph out.
 *
 * TF keeps convolutions in NHWC between Transpose pairs; each NHWC op is emitted as
 * Transpose→op(NCHW)→Transpose and the pairs are then cancelled, so the result is a plain NCHW
 * graph (which is also what the int8 quantiser and ORT's kernels want). Integer shape constants
 * are folded at conversion time; Reshape targets keep the batch and let the spatial size follow
 * the input, and fixed Resize sizes become scales, so one graph serves any input size and batch.
 */
export interface ConvertOptions { inputName?: string }

export function convertTfjsToOnnx(model: TfjsModelJson, weights: Uint8Array, opts: ConvertOptions = {}): IrGraph {
  const consts = decodeTfjsWeights(model, weights);
  const nodes = topoSort(model.modelTopology.node);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const tensorName = (input: string) => {
    const [n, idx] = splitInputName(input);
    return idx === 0 ? n : `${n}:${idx}`;
  };
  const dataInputs = (n: TfjsNode) => (n.input ?? []).filter((i) => !i.startsWith('^')).map(tensorName);

  // Fold the integer shape arithmetic onnx-tf leaves behind (SparseToDense over empty indices + Add).
  const foldable = new Set(['SparseToDense', 'AddV2', 'Add', 'Cast', 'Identity']);
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of nodes) {
      if (consts.has(n.name) || n.op === 'Const' || n.op === 'Placeholder' || !foldable.has(n.op)) continue;
      const ins = dataInputs(n);
      if (!ins.every((i) => consts.get(i)?.kind === 'int')) continue;
      const v = ins.map((i) => consts.get(i) as Extract<ConstTensor, { kind: 'int' }>);
      if (n.op === 'SparseToDense') {
        const [idx, shape, vals, dflt] = v;
        if (idx.data.length !== 0 || vals.data.length !== 0) continue;
        const count = shape.data.reduce((a, b) => a * b, 1);
        consts.set(n.name, { kind: 'int', shape: shape.data.slice(), data: new Array(count).fill(dflt.data[0] ?? 0) });
      } else if (n.op === 'Cast' || n.op === 'Identity') {
        consts.set(n.name, v[0]);
      } else {
        const [a, b] = v;
        const len = Math.max(a.data.length, b.data.length);
        const data = Array.from({ length: len }, (_, i) => a.data[a.data.length === 1 ? 0 : i] + b.data[b.data.length === 1 ? 0 : i]);
        consts.set(n.name, { kind: 'int', shape: a.data.length >= b.data.length ? a.shape : b.shape, data });
      }
      changed = true;
    }
  }
  const constOf = (name: string, op: string): ConstTensor => {
    const c = consts.get(name);
    if (!c) throw new DetectorError('MODEL_UNSUPPORTED', `${op}: input ${name} must be constant`);
    return c;
  };
  const intsOf = (name: string, op: string) => {
    const c = constOf(name, op);
    return c.kind === 'int' ? c.data : Array.from(c.data);
  };

  // Shapes at the model's own input size: only needed to turn fixed Resize sizes into scales
  // and to find group counts.
  const shapes = new Map<string, number[]>();
  const shapeOf = (name: string) => {
    const c = consts.get(name);
    if (c) return c.shape;
    const s = shapes.get(name);
    if (!s) throw new DetectorError('MODEL_UNSUPPORTED', `no shape for ${name}`);
    return s;
  };

  const g: IrGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  let uid = 0;
  const fresh = (base: string) => `${base}__${uid++}`;
  const emit = (n: Omit<IrNode, 'name'> & { name?: string }) => {
    g.nodes.push({ name: n.name ?? fresh(n.op), ...n });
  };
  const init = (base: string, t: IrTensor) => {
    const name = fresh(base);
    g.initializers.set(name, t);
    return name;
  };
  const toNchw = (x: string) => { const y = fresh(`${x}_nchw`); emit({ op: 'Transpose', inputs: [x], outputs: [y], attrs: { perm: { ints: [0, 3, 1, 2] } } }); return y; };
  const toNhwc = (x: string, y: string) => emit({ op: 'Transpose', inputs: [x], outputs: [y], attrs: { perm: { ints: [0, 2, 3, 1] } } });
  const spatialPads = (padding: string, inHW: number[], k: number[], s: number[], dil: number[]) => {
    if (padding === 'VALID') return [0, 0, 0, 0];
    if (padding !== 'SAME') throw new DetectorError('MODEL_UNSUPPORTED', `padding ${padding}`);
    const total = inHW.map((d, i) => Math.max(0, (Math.ceil(d / s[i]) - 1) * s[i] + (k[i] - 1) * dil[i] + 1 - d));
    return [Math.floor(total[0] / 2), Math.floor(total[1] / 2), total[0] - Math.floor(total[0] / 2), total[1] - Math.floor(total[1] / 2)];
  };
  const outHW = (inHW: number[], k: number[], s: number[], pads: number[], dil: number[]) =>
    inHW.map((d, i) => Math.floor((d + pads[i] + pads[i + 2] - ((k[i] - 1) * dil[i] + 1)) / s[i]) + 1);

  // Which Conv2D outputs go only into an Add with a 1-D constant: that bias folds into the Conv.
  const consumers = new Map<string, TfjsNode[]>();
  for (const n of nodes) for (const i of dataInputs(n)) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const foldedBias = new Map<string, string>(); // conv name -> add node name
  for (const n of nodes) {
    if (n.op !== 'Conv2D') continue;
    const cs = consumers.get(n.name) ?? [];
    if (cs.length === 1 && (cs[0].op === 'Add' || cs[0].op === 'AddV2') && !consts.has(cs[0].name)) {
      const other = dataInputs(cs[0]).find((i) => i !== n.name);
      const c = other ? consts.get(other) : undefined;
      if (c?.kind === 'float' && c.shape.length === 1) foldedBias.set(n.name, cs[0].name);
    }
  }
  const skip = new Set(foldedBias.values());

  for (const n of nodes) {
    if (n.op === 'Const' || consts.has(n.name) || skip.has(n.name)) continue;
    const ins = dataInputs(n);
    const out = n.name;
    switch (n.op) {
      case 'Placeholder': {
        const dims = (n.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size ?? -1));
        shapes.set(out, dims);
        g.inputs.push({ name: opts.inputName ?? out, dims: ['batch', dims[1], 'height', 'width'] });
        if (opts.inputName && opts.inputName !== out) emit({ op: 'Identity', inputs: [opts.inputName], outputs: [out] });
        break;
      }
      case 'Conv2D': {
        if (attrString(n, 'data_format') !== 'NHWC') throw new DetectorError('MODEL_UNSUPPORTED', `${out}: only NHWC Conv2D`);
        const w = constOf(ins[1], out);
        if (w.kind !== 'float') throw new DetectorError('MODEL_UNSUPPORTED', `${out}: integer weights`);
        const [kh, kw, ci, co] = w.shape;
        const inShape = shapeOf(ins[0]);
        const group = inShape[3] / ci;
        const s = attrInts(n, 'strides').slice(1, 3);
        const dil = (attrInts(n, 'dilations').length ? attrInts(n, 'dilations') : [1, 1, 1, 1]).slice(1, 3);
        const pads = spatialPads(attrString(n, 'padding'), inShape.slice(1, 3), [kh, kw], s, dil);
        // TF [kh,kw,ci,co] → ONNX [co,ci,kh,kw]
        const wt = new Float32Array(w.data.length);
        for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) {
          wt[((o * ci + c) * kh + y) * kw + x] = w.data[((y * kw + x) * ci + c) * co + o];
        }
        const convIns = [toNchw(ins[0]), init(`${out}_W`, { type: 'float', dims: [co, ci, kh, kw], data: wt })];
        const addName = foldedBias.get(out);
        const finalName = addName ?? out;
        if (addName) {
          const bName = dataInputs(byName.get(addName)!).find((i) => i !== out)!;
          const b = constOf(bName, addName) as Extract<ConstTensor, { kind: 'float' }>;
          convIns.push(init(`${out}_B`, { type: 'float', dims: [co], data: b.data }));
        }
        const y = fresh(`${out}_conv`);
        emit({ op: 'Conv', name: out, inputs: convIns, outputs: [y], attrs: {
          kernel_shape: { ints: [kh, kw] }, strides: { ints: s }, pads: { ints: pads }, dilations: { ints: dil }, group: { i: group },
        } });
        toNhwc(y, finalName);
        shapes.set(finalName, [inShape[0], ...outHW(inShape.slice(1, 3), [kh, kw], s, pads, dil), co]);
        break;
      }
      case 'MaxPool': {
        if (attrString(n, 'data_format') !== 'NHWC') throw new DetectorError('MODEL_UNSUPPORTED', `${out}: only NHWC MaxPool`);
        const k = attrInts(n, 'ksize').slice(1, 3);
        const s = attrInts(n, 'strides').slice(1, 3);
        const inShape = shapeOf(ins[0]);
        const pads = spatialPads(attrString(n, 'padding'), inShape.slice(1, 3), k, s, [1, 1]);
        const y = fresh(`${out}_pool`);
        emit({ op: 'MaxPool', name: out, inputs: [toNchw(ins[0])], outputs: [y], attrs: { kernel_shape: { ints: k }, strides: { ints: s }, pads: { ints: pads } } });
        toNhwc(y, out);
        shapes.set(out, [inShape[0], ...outHW(inShape.slice(1, 3), k, s, pads, [1, 1]), inShape[3]]);
        break;
      }
      case 'ResizeBilinear': {
        const inShape = shapeOf(ins[0]);
        const size = intsOf(ins[1], out);
        const scales = [1, 1, size[0] / inShape[1], size[1] / inShape[2]];
        const mode = n.attr?.align_corners?.b ? 'align_corners' : n.attr?.half_pixel_centers?.b ? 'half_pixel' : 'asymmetric';
        const y = fresh(`${out}_resize`);
        emit({ op: 'Resize', name: out, inputs: [toNchw(ins[0]), '', init(`${out}_scales`, { type: 'float', dims: [4], data: scales })], outputs: [y], attrs: {
          mode: { s: 'linear' }, coordinate_transformation_mode: { s: mode },
        } });
        toNhwc(y, out);
        shapes.set(out, [inShape[0], size[0], size[1], inShape[3]]);
        break;
      }
      case 'Pad':
      case 'PadV2': {
        const p = intsOf(ins[1], out);
        const rank = p.length / 2;
        const pads = [...Array.from({ length: rank }, (_, i) => p[2 * i]), ...Array.from({ length: rank }, (_, i) => p[2 * i + 1])];
        const value = n.op === 'PadV2' ? (constOf(ins[2], out).data[0] ?? 0) : 0;
        emit({ op: 'Pad', name: out, inputs: [ins[0], init(`${out}_pads`, { type: 'int64', dims: [2 * rank], data: pads }), init(`${out}_value`, { type: 'float', dims: [], data: [value] })], outputs: [out], attrs: { mode: { s: 'constant' } } });
        shapes.set(out, shapeOf(ins[0]).map((d, i) => d + p[2 * i] + p[2 * i + 1]));
        break;
      }
      case 'Transpose': {
        const perm = intsOf(ins[1], out);
        emit({ op: 'Transpose', name: out, inputs: [ins[0]], outputs: [out], attrs: { perm: { ints: perm } } });
        shapes.set(out, perm.map((p) => shapeOf(ins[0])[p]));
        break;
      }
      case 'Add':
      case 'AddV2': {
        const operands = ins.map((i) => {
          const c = consts.get(i);
          if (!c) return i;
          return init(`${out}_c`, c.kind === 'float' ? { type: 'float', dims: c.shape, data: c.data } : { type: 'float', dims: c.shape, data: Float32Array.from(c.data) });
        });
        emit({ op: 'Add', name: out, inputs: operands, outputs: [out] });
        shapes.set(out, shapeOf(ins.find((i) => !consts.has(i)) ?? ins[0]));
        break;
      }
      case 'LeakyRelu':
        emit({ op: 'LeakyRelu', name: out, inputs: [ins[0]], outputs: [out], attrs: { alpha: { f: n.attr?.alpha?.f ?? 0.2 } } });
        shapes.set(out, shapeOf(ins[0]));
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
        emit({ op: n.op, name: out, inputs: [ins[0]], outputs: [out] });
        shapes.set(out, shapeOf(ins[0]));
        break;
      case 'ConcatV2': {
        const parts = ins.slice(0, -1);
        const rank = shapeOf(parts[0]).length;
        const axisRaw = intsOf(ins[ins.length - 1], out)[0];
        const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
        emit({ op: 'Concat', name: out, inputs: parts, outputs: [out], attrs: { axis: { i: axis } } });
        const s = shapeOf(parts[0]).slice();
        s[axis] = parts.reduce((a, p) => a + shapeOf(p)[axis], 0);
        shapes.set(out, s);
        break;
      }
      case 'SplitV': {
        const inShape = shapeOf(ins[0]);
        const axisRaw = intsOf(ins[2], out)[0];
        const axis = axisRaw < 0 ? axisRaw + inShape.length : axisRaw;
        const sizes = intsOf(ins[1], out).slice();
        const known = sizes.filter((v) => v >= 0).reduce((a, b) => a + b, 0);
        for (let i = 0; i < sizes.length; i++) if (sizes[i] < 0) sizes[i] = inShape[axis] - known;
        const outs = sizes.map((_, i) => (i === 0 ? out : `${out}:${i}`));
        emit({ op: 'Split', name: out, inputs: [ins[0], init(`${out}_split`, { type: 'int64', dims: [sizes.length], data: sizes })], outputs: outs, attrs: { axis: { i: axis } } });
        outs.forEach((o, i) => { const s = inShape.slice(); s[axis] = sizes[i]; shapes.set(o, s); });
        break;
      }
      case 'Reshape': {
        const target = intsOf(ins[1], out);
        // The graph's targets are fixed for its own input size; keep batch (0 = copy) and let the
        // last axis follow the input (-1) so other sizes and batches work.
        const generic = target.length >= 2 ? [0, ...target.slice(1, -1), -1] : target;
        emit({ op: 'Reshape', name: out, inputs: [ins[0], init(`${out}_shape`, { type: 'int64', dims: [generic.length], data: generic })], outputs: [out] });
        shapes.set(out, target);
        break;
      }
      default:
        throw new DetectorError('MODEL_UNSUPPORTED', `TF op ${n.op} (${out}) has no ONNX mapping`);
    }
  }

  const outputNames = Object.keys(model.signature?.outputs ?? {}).map((o) => splitInputName(o)[0]).sort();
  for (const o of outputNames) {
    const s = shapeOf(o);
    g.outputs.push({ name: o, dims: ['batch', ...s.slice(1, -1).map((_, i) => `${o}_d${i + 1}`), s[s.length - 1]] });
  }
  cancelTransposes(g);
  foldPadsIntoConv(g);
  return g;
}

/** Merges chains of Transposes and drops the ones that end up as the identity permutation. */
export function cancelTransposes(g: IrGraph): void {
  let changed = true;
  while (changed) {
    changed = false;
    const producers = new Map<string, IrNode>();
    for (const n of g.nodes) for (const o of n.outputs) producers.set(o, n);
    const uses = consumerCounts(g);
    for (const n of g.nodes) {
      if (n.op !== 'Transpose') continue;
      const p = producers.get(n.inputs[0]);
      if (!p || p.op !== 'Transpose' || uses.get(p.outputs[0]) !== 1) continue;
      const p1 = (p.attrs!.perm as { ints: number[] }).ints;
      const p2 = (n.attrs!.perm as { ints: number[] }).ints;
      n.attrs = { perm: { ints: p2.map((i) => p1[i]) } };
      n.inputs = [p.inputs[0]];
      g.nodes.splice(g.nodes.indexOf(p), 1);
      changed = true;
      break;
    }
  }
  const isGraphOutput = new Set(g.outputs.map((o) => o.name));
  for (const n of [...g.nodes]) {
    if (n.op !== 'Transpose') continue;
    const perm = (n.attrs!.perm as { ints: number[] }).ints;
    if (!perm.every((v, i) => v === i)) continue;
    if (isGraphOutput.has(n.outputs[0])) { n.op = 'Identity'; n.attrs = {}; continue; }
    renameInput(g, n.outputs[0], n.inputs[0]);
    g.nodes.splice(g.nodes.indexOf(n), 1);
  }
}

/**
 * A Pad on H/W only feeding one Conv (zero padding) or one MaxPool (-inf padding, which is what
 * MaxPool's own padding means) becomes that op's padding: fewer ops, and no -inf tensor for the
 * int8 calibration to choke on.
 */
export function foldPadsIntoConv(g: IrGraph): void {
  const uses = consumerCounts(g);
  const producers = new Map<string, IrNode>();
  for (const n of g.nodes) for (const o of n.outputs) producers.set(o, n);
  for (const op of g.nodes.filter((n) => n.op === 'Conv' || n.op === 'MaxPool')) {
    const pad = producers.get(op.inputs[0]);
    if (!pad || pad.op !== 'Pad' || uses.get(pad.outputs[0]) !== 1) continue;
    const pads = g.initializers.get(pad.inputs[1])!.data as number[];
    const value = g.initializers.get(pad.inputs[2])?.data[0] ?? 0;
    const neutral = op.op === 'Conv' ? value === 0 : value === -Infinity;
    if (pads.length !== 8 || !neutral || pads[0] || pads[1] || pads[4] || pads[5]) continue;
    const own = (op.attrs!.pads as { ints: number[] }).ints;
    op.attrs!.pads = { ints: [own[0] + pads[2], own[1] + pads[3], own[2] + pads[6], own[3] + pads[7]] };
    op.inputs[0] = pad.inputs[0];
    g.nodes.splice(g.nodes.indexOf(pad), 1);
  }
  removeUnusedInitializers(g);
}

export function renameInput(g: IrGraph, from: string, to: string): void {
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

export function removeUnusedInitializers(g: IrGraph): void {
  const used = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const k of [...g.initializers.keys()]) if (!used.has(k)) g.initializers.delete(k);
}

/** TF.js does not promise node order; shape propagation and ONNX both need producers first. */
function topoSort(nodes: TfjsNode[]): TfjsNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>();
  const out: TfjsNode[] = [];
  const visit = (n: TfjsNode) => {
    if (done.has(n.name)) return;
    done.add(n.name);
    const stack: [TfjsNode, number][] = [[n, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const ins = top[0].input ?? [];
      if (top[1] < ins.length) {
        const dep = byName.get(splitInputName(ins[top[1]++].replace(/^\^/, ''))[0]);
        if (dep && !done.has(dep.name)) { done.add(dep.name); stack.push([dep, 0]); }
      } else {
        out.push(top[0]);
        stack.pop();
      }
    }
  };
  for (const n of nodes) visit(n);
  return out;
}
