// Worker thread: one inference runtime instance (ORT session or TF.js wasm backend) that
// preprocesses, runs and decodes its share of a batch, so all three use this worker's core.
import { parentPort, workerData } from 'node:worker_threads';
import type { DetectorInput, Detection } from '../detector-types.ts';
import { NANODET_NORM, writeCropTensor } from './preprocess.ts';
import { decodeNanodet, type NanodetLevel } from './nanodet-decode.ts';
import { createRawRunner, type RawRunner, type RunnerConfig } from './raw-runners.ts';

export interface WorkerConfig extends RunnerConfig { scoreThreshold: number }
export type WorkerRequest = { id: number; inputs: DetectorInput[] };
export type WorkerReply = { id: number; detections?: Detection[][]; error?: { code: string; message: string } };

const config = workerData as WorkerConfig;
let runner: RawRunner | undefined;
let tensor: Float32Array | Uint8Array = config.inputType === 'uint8' ? new Uint8Array(0) : new Float32Array(0);

async function handle(req: WorkerRequest): Promise<Detection[][]> {
  runner ??= await createRawRunner(config);
  const layout = runner.layout;
  const size = config.inputSize;
  const per = 3 * size * size;
  if (tensor.length < per * req.inputs.length) tensor = config.inputType === 'uint8' ? new Uint8Array(per * req.inputs.length) : new Float32Array(per * req.inputs.length);
  req.inputs.forEach((input, i) => writeCropTensor(input, size, tensor, i * per, NANODET_NORM, layout));
  const levels: NanodetLevel[][] = await runner.run(tensor.subarray(0, per * req.inputs.length), req.inputs.length);
  return levels.map((lv, i) => decodeNanodet(lv, { inputSize: size, scoreThreshold: config.scoreThreshold, region: req.inputs[i].region }));
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
