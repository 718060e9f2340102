import { DetectorError } from './errors.ts';

/** The parts of a TF.js graph model (model.json) the converter reads. */
export interface TfjsModelJson {
  modelTopology: { node: TfjsNode[] };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  signature?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
}
export interface TfjsNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttr>;
}
export interface TfjsAttr {
  f?: number;
  i?: string;
  b?: boolean;
  s?: string;
  type?: string;
  list?: { i?: string[]; f?: number[]; s?: string[] };
  shape?: { dim?: { size?: string }[] };
  tensor?: unknown;
}
interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number; original_dtype?: string };
}

/** A constant: float tensors keep Float32Array, integer ones plain numbers (int64 in TF fits). */
export type ConstTensor =
  | { kind: 'float'; shape: number[]; data: Float32Array }
  | { kind: 'int'; shape: number[]; data: number[] };

export function fp16ToFp32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes the weights binary into named constants, in manifest order (how TF.js lays them out). */
export function decodeTfjsWeights(model: TfjsModelJson, bin: Uint8Array): Map<string, ConstTensor> {
  const out = new Map<string, ConstTensor>();
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let offset = 0;
  for (const group of model.weightsManifest) {
    for (const w of group.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      if (w.dtype === 'float32') {
        const data = new Float32Array(count);
        if (!q) {
          for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
          offset += 4 * count;
        } else if (q.dtype === 'float16') {
          for (let i = 0; i < count; i++) data[i] = fp16ToFp32(view.getUint16(offset + 2 * i, true));
          offset += 2 * count;
        } else {
          const bytes = q.dtype === 'uint8' ? 1 : 2;
          for (let i = 0; i < count; i++) {
            const v = bytes === 1 ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
            data[i] = v * (q.scale ?? 1) + (q.min ?? 0);
          }
          offset += bytes * count;
        }
        out.set(w.name, { kind: 'float', shape: w.shape, data });
      } else if (w.dtype === 'int32') {
        const data: number[] = [];
        for (let i = 0; i < count; i++) data.push(view.getInt32(offset + 4 * i, true));
        offset += 4 * count;
        out.set(w.name, { kind: 'int', shape: w.shape, data });
      } else {
        throw new DetectorError('MODEL_UNSUPPORTED', `weight ${w.name}: dtype ${w.dtype} not supported`);
      }
    }
  }
  if (offset !== bin.byteLength) {
    throw new DetectorError('MODEL_UNSUPPORTED', `weights file has ${bin.byteLength} bytes, manifest describes ${offset}`);
  }
  return out;
}

export function attrInts(node: TfjsNode, key: string): number[] {
  return (node.attr?.[key]?.list?.i ?? []).map(Number);
}
export function attrString(node: TfjsNode, key: string): string {
  const s = node.attr?.[key]?.s;
  return s === undefined ? '' : Buffer.from(s, 'base64').toString('latin1');
}
/** "name:1" → ["name", 1]; control inputs ("^name") are dropped by the caller. */
export function splitInputName(input: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(input);
  return m ? [m[1], Number(m[2])] : [input, 0];
}
