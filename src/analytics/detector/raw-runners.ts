import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DetectorError } from './errors.ts';
import type { NanodetLevel } from './nanodet-decode.ts';
import type { InputLayout } from './preprocess.ts';

/** Runs NanoDet on a planar float batch and returns its per-level outputs per image. */
export interface RawRunner {
  /** the order the model takes its input values in (preprocess.ts InputLayout), read from the model */
  readonly layout: InputLayout;
  /** true when the model runs at its configured input size only (the TF.js graph) */
  readonly fixedSize: boolean;
  /** `size`: the square input side of this batch (default: the configured one) */
  run(input: Float32Array | Uint8Array, batch: number, size?: number): Promise<NanodetLevel[][]>;
  close(): Promise<void>;
}
export interface RunnerConfig {
  runtime: 'onnx' | 'tfjs-wasm';
  /** .onnx file for runtime onnx, model.json for tfjs-wasm */
  modelPath: string;
  inputSize: number;
  intraOpThreads: number;
  /** uint8: the int8 model takes pixel bytes directly (see quantizeQdq's pixelNorm) */
  inputType: 'float32' | 'uint8';
}

const require = createRequire(import.meta.url);

export async function createRawRunner(cfg: RunnerConfig): Promise<RawRunner> {
  return cfg.runtime === 'onnx' ? createOrtRunner(cfg) : createTfjsRunner(cfg);
}

/** Groups the six outputs by level: [cells,80] scores and [cells,4*(regMax+1)] distances. */
function splitLevels(outputs: { dims: readonly number[]; data: Float32Array }[], batch: number, inputSize: number): NanodetLevel[][] {
  const byCells = new Map<number, { scores?: { dims: readonly number[]; data: Float32Array }; reg?: { dims: readonly number[]; data: Float32Array } }>();
  for (const o of outputs) {
    const cells = o.dims[1];
    const entry = byCells.get(cells) ?? {};
    if (o.dims[2] === 80) entry.scores = o; else entry.reg = o;
    byCells.set(cells, entry);
  }
  const levels = [...byCells].map(([cells, e]) => {
    if (!e.scores || !e.reg) throw new DetectorError('MODEL_UNSUPPORTED', `no score/box output pair for ${cells} cells`);
    return { cells, stride: inputSize / Math.sqrt(cells), scores: e.scores, reg: e.reg };
  }).sort((a, b) => a.stride - b.stride);
  return Array.from({ length: batch }, (_, i) => levels.map((l) => {
    const sPer = l.scores.data.length / batch, rPer = l.reg.data.length / batch;
    return { stride: l.stride, scores: l.scores.data.subarray(i * sPer, (i + 1) * sPer), reg: l.reg.data.subarray(i * rPer, (i + 1) * rPer) };
  }));
}

async function createOrtRunner(cfg: RunnerConfig): Promise<RawRunner> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (err) {
    throw new DetectorError('BACKEND_UNAVAILABLE', 'onnxruntime-node is not installed; run npm ci', { cause: err });
  }
  const session = await ort.InferenceSession.create(cfg.modelPath, {
    intraOpNumThreads: cfg.intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const inputName = session.inputNames[0];
  // The int8 model built by this version takes [N, S/2, S/2, 12] (quantizeQdq's s2dInput); any
  // other ONNX model NCHW planes. Asking the model keeps a model file and its feeding in step.
  const shape = (session.inputMetadata?.[0] as { shape?: readonly (number | string)[] } | undefined)?.shape;
  const layout: InputLayout = shape?.[3] === 12 ? 's2d' : 'planes';
  return {
    layout,
    fixedSize: false,
    async run(input, batch, size = cfg.inputSize) {
      const dims = layout === 's2d' ? [batch, size / 2, size / 2, 12] : [batch, 3, size, size];
      const x = input instanceof Uint8Array ? new ort.Tensor('uint8', input, dims) : new ort.Tensor('float32', input, dims);
      const res = await session.run({ [inputName]: x });
      return splitLevels(Object.values(res).map((t) => ({ dims: t.dims, data: t.data as Float32Array })), batch, size);
    },
    close: () => session.release(),
  };
}

async function createTfjsRunner(cfg: RunnerConfig): Promise<RawRunner> {
  let tf: typeof import('@tensorflow/tfjs');
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    tf = await import('@tensorflow/tfjs');
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    throw new DetectorError('BACKEND_UNAVAILABLE', '@tensorflow/tfjs and @tensorflow/tfjs-backend-wasm are not installed; run npm ci', { cause: err });
  }
  // In Node the wasm binaries are read from the package itself, never fetched.
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  await tf.setBackend('wasm');
  await tf.ready();
  const json = JSON.parse(readFileSync(cfg.modelPath, 'utf8'));
  const bins = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dirname(cfg.modelPath), p))));
  const weightData = new Uint8Array(Buffer.concat(bins)).buffer;
  const model = await tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
    }),
  });
  const size = cfg.inputSize;
  return {
    layout: 'planes',
    fixedSize: true,
    async run(input, batch) {
      // The TF.js graph is fixed at batch 1 (its Reshape targets say so): one image at a time.
      const per = 3 * size * size;
      const images: NanodetLevel[][] = [];
      for (let i = 0; i < batch; i++) {
        const x = tf.tensor4d(input.subarray(i * per, (i + 1) * per) as Float32Array, [1, 3, size, size]);
        const outs = model.execute(x) as import('@tensorflow/tfjs').Tensor[];
        const data = await Promise.all(outs.map(async (t) => ({ dims: t.shape as number[], data: (await t.data()) as Float32Array })));
        tf.dispose([x, ...outs]);
        images.push(splitLevels(data, 1, size)[0]);
      }
      return images;
    },
    async close() { model.dispose(); },
  };
}
