// Worker thread: one inference runtime instance (ORT session or TF.js wasm backend) that
// preprocesses, runs and decodes its share of a batch, so all three use this worker's core.
import { parentPort, workerData } from 'node:worker_threads';
import type { DetectorInput, Detection } from '../detector-types.ts';
import { NANODET_NORM, fitOf, inputRegion, writeCropTensor } from './preprocess.ts';
import { decodeNanodet, type NanodetLevel } from './nanodet-decode.ts';
import { DetectorError } from './errors.ts';
import { createRawRunner, type RawRunner, type RunnerConfig } from './raw-runners.ts';

export interface WorkerConfig extends RunnerConfig { scoreThreshold: number }
export type WorkerRequest = { id: number; inputs: DetectorInput[] };
export type WorkerReply = { id: number; detections?: Detection[][]; error?: { code: string; message: string } };

const config = workerData as WorkerConfig;
let runner: RawRunner | undefined;
let tensor: Float32Array | Uint8Array = config.inputType === 'uint8' ? new Uint8Array(0) : new Float32Array(0);

async function handle(req: WorkerRequest): Promise<Detection[][]> {
  runner ??= await createRawRunner(config);
  // One model run per input size in the batch (cameras may be configured for different sizes).
  const out: Detection[][] = new Array(req.inputs.length);
  const bySize = new Map<number, number[]>();
  req.inputs.forEach((input, i) => {
    const size = input.size ?? config.inputSize;
    if (size !== config.inputSize && runner!.fixedSize) throw new DetectorError('BAD_INPUT', `this model runs only at ${config.inputSize} px, not ${size}`);
    if (size % 32 !== 0 || size < 64) throw new DetectorError('BAD_INPUT', `input size ${size} must be a multiple of 32 (the model's largest stride)`);
    bySize.set(size, [...(bySize.get(size) ?? []), i]);
  });
  for (const [size, idx] of bySize) {
    const per = 3 * size * size;
    if (tensor.length < per * idx.length) tensor = config.inputType === 'uint8' ? new Uint8Array(per * idx.length) : new Float32Array(per * idx.length);
    idx.forEach((i, k) => writeCropTensor(req.inputs[i], size, tensor, k * per, NANODET_NORM, runner!.layout));
    const levels: NanodetLevel[][] = await runner.run(tensor.subarray(0, per * idx.length), idx.length, size);
    levels.forEach((lv, k) => {
      const input = req.inputs[idx[k]];
      const fit = fitOf(input, size);
      if (fit.w === size && fit.h === size) { out[idx[k]] = decodeNanodet(lv, { inputSize: size, scoreThreshold: config.scoreThreshold, region: input.region }); return; }
      // letterboxed: decoded over the whole input, then cut to the crop (a box reaching into a bar ends at the crop's edge)
      const [x1, y1, x2, y2] = input.region;
      out[idx[k]] = decodeNanodet(lv, { inputSize: size, scoreThreshold: config.scoreThreshold, region: inputRegion(input.region, fit, size) })
        .map((d) => ({ ...d, box: [Math.max(x1, d.box[0]), Math.max(y1, d.box[1]), Math.min(x2, d.box[2]), Math.min(y2, d.box[3])] as Detection['box'] }))
        .filter((d) => d.box[2] > d.box[0] && d.box[3] > d.box[1]);
    });
  }
  return out;
}

let chain = Promise.resolve();
parentPort!.on('message', (req: WorkerRequest | 'close') => {
  if (req === 'close') {
    chain = chain.then(async () => { await runner?.close(); parentPort!.close(); });
    return;
  }
  chain = chain.then(async () => {
    try {
      parentPort!.postMessage({ id: req.id, detections: await handle(req) } satisfies WorkerReply);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      parentPort!.postMessage({ id: req.id, error: { code: e.code ?? 'INFERENCE_FAILED', message: String(e.message ?? err) } } satisfies WorkerReply);
    }
  });
});
