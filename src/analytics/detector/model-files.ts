import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveAllowedModel } from './model-allowlist.ts';
import type { TfjsModelJson } from './tfjs-graph.ts';

/**
 * Where converted models live: $VIGIL_MODEL_DIR, else $VIGIL_DATA_DIR/models, else the repo's
 * .cache/models. They are generated (scripts/convert-models.ts or on first use), never committed.
 */
export function modelCacheDir(): string {
  if (process.env.VIGIL_MODEL_DIR) return process.env.VIGIL_MODEL_DIR;
  if (process.env.VIGIL_DATA_DIR) return join(process.env.VIGIL_DATA_DIR, 'models');
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.cache', 'models');
}

export type OnnxVariant = 'fp32' | 'int8';
/**
 * `calibration`: the int8 model's calibration key (model-build.ts calibrationKey). int8 ranges come
 * from real frames, and which frames (the shared clips or only vtest.avi) changes the model and what
 * it finds (highway_overpass 27 vs 26 of 27): models calibrated differently (the default one from
 * the committed table, experiments on a machine's own clips) never share a file name.
 */
export function onnxModelPath(variant: OnnxVariant, calibration?: string): string {
  // The suffix versions the file's contract (int8 takes uint8 BGR pixels in preprocess.ts's 's2d'
  // layout and normalises them itself; model-build's INT8_GRAPH): a changed build gets a new name,
  // so a stale cached model is never reused.
  if (variant === 'fp32') return join(modelCacheDir(), 'nanodet-fp32.onnx');
  return join(modelCacheDir(), `nanodet-int8-bgr-u8s2d-norm${calibration ? `-cal${calibration}` : ''}.onnx`);
}

/** The TF.js nanodet graph and its weights, through the allow-list like every model load. */
export function readNanodetTfjs(): { json: TfjsModelJson; weights: Uint8Array; jsonPath: string } {
  const { json: jsonPath, dir } = resolveAllowedModel('nanodet', 'object-detection');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as TfjsModelJson;
  const weights = new Uint8Array(Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))))));
  return { json, weights, jsonPath };
}
