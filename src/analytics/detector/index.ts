import { availableParallelism } from 'node:os';
import type { Detector } from '../detector-types.ts';
import { DetectorError } from './errors.ts';
import { WorkerPoolDetector, type BatchingOptions } from './detector-pool.ts';
import { ensureOnnxModel } from './model-build.ts';
import { readNanodetTfjs } from './model-files.ts';

export type { Detector, Detection, DetectorInput, DetClass } from '../detector-types.ts';
export { DetectorError, type DetectorErrorCode } from './errors.ts';
export { ALLOWED_MODELS, isAllowedModel, resolveAllowedModel, type AllowedModelName, type ModelPurpose } from './model-allowlist.ts';
export { ensureOnnxModel } from './model-build.ts';
export { modelCacheDir, onnxModelPath } from './model-files.ts';
export { nms } from './nanodet-decode.ts';
export { iou } from '../geometry.ts';

export type DetectorBackend = 'onnx' | 'onnx-int8' | 'tfjs-wasm';
export interface DetectorOptions {
  backend: DetectorBackend;
  /** square model input in px; ONNX backends take any multiple of 32, TF.js only the graph's 416 */
  inputSize?: number;
  /** worker threads, each with one single-threaded runtime (default: one per core) */
  workers?: number;
  scoreThreshold?: number;
  /** how the worker pool gathers crops of concurrent calls into batches (see BatchingOptions) */
  batching?: BatchingOptions;
}

/**
 * NanoDet (COCO) on CPU, reporting person, bicycle, car, motorcycle, bus and truck. The ONNX
 * models are converted from the TF.js graph (the int8 one quantised with the committed calibration
 * table, int8-calibration.json) into the model cache on first use, or beforehand by
 * scripts/convert-models.ts.
 */
export async function createDetector(opts: DetectorOptions): Promise<Detector> {
  const workers = Math.max(1, opts.workers ?? availableParallelism());
  const scoreThreshold = opts.scoreThreshold ?? 0.35;
  if (opts.backend === 'tfjs-wasm') {
    const inputSize = opts.inputSize ?? 416;
    if (inputSize !== 416) throw new DetectorError('BAD_INPUT', 'the TF.js nanodet graph is fixed at 416 px; use an onnx backend for other sizes');
    const { jsonPath } = readNanodetTfjs();
    return new WorkerPoolDetector({ runtime: 'tfjs-wasm', modelPath: jsonPath, inputSize, intraOpThreads: 1, inputType: 'float32', scoreThreshold }, workers, opts.batching);
  }
  if (opts.backend !== 'onnx' && opts.backend !== 'onnx-int8') throw new DetectorError('BAD_INPUT', `unknown detector backend ${String(opts.backend)}`);
  const inputSize = opts.inputSize ?? 320;
  if (inputSize % 32 !== 0 || inputSize < 64) throw new DetectorError('BAD_INPUT', `inputSize ${inputSize} must be a multiple of 32 (the model's largest stride)`);
  const int8 = opts.backend === 'onnx-int8';
  const modelPath = await ensureOnnxModel(int8 ? 'int8' : 'fp32');
  return new WorkerPoolDetector({ runtime: 'onnx', modelPath, inputSize, intraOpThreads: 1, inputType: int8 ? 'uint8' : 'float32', scoreThreshold }, workers, opts.batching);
}
