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
export function onnxModelPath(variant: OnnxVariant): string {
  // The suffix versions the file's contract (int8 takes uint8 BGR pixels in preprocess.ts's 's2d'
  // layout and normalises them itself; model-build's INT8_GRAPH): a changed build gets a new name,
  // so a stale cached model is never reused.
  return join(modelCacheDir(), variant === 'int8' ? 'nanodet-int8-bgr-u8s2d-norm.onnx' : 'nanodet-fp32.onnx');
}

/** The TF.js nanodet graph and its weights, through the allow-list like every model load. */
export function readNanodetTfjs(): { json: TfjsModelJson; weights: Uint8Array; jsonPath: string } {
  const { json: jsonPath, dir } = resolveAllowedModel('nanodet', 'object-detection');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as TfjsModelJson;
  const weights = new Uint8Array(Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))))));
  return { json, weights, jsonPath };
}
