import { mkdirSync, readdirSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { convertTfjsToOnnx } from './tfjs-to-onnx.ts';
import { serializeOnnx, type IrGraph } from './onnx-ir.ts';
import { quantizeQdq, tensorsToCalibrate, withCalibrationOutputs, type QdqOptions, type TensorRange } from './qdq-quantize.ts';
import { onnxModelPath, readNanodetTfjs, type OnnxVariant } from './model-files.ts';
import { NANODET_NORM, writeCropTensor } from './preprocess.ts';
import { decodeRgbFrames } from '../../media/index.ts';
import { sharedVideoFiles, VTEST_AVI } from '../../simulator/index.ts';
import { DetectorError } from './errors.ts';

export function convertNanodet(): IrGraph {
  const { json, weights } = readNanodetTfjs();
  return convertTfjsToOnnx(json, weights);
}

/**
 * What an int8 model is calibrated on: a few frames (`perClip`, one every 2 s) of each shared clip
 * this machine has and of OpenCV's vtest.avi, at `size` px. A machine without the shared clips (a
 * fresh install, CI, a worktree away from shared/) calibrates on vtest.avi alone.
 */
export interface CalibrationSet { clips: string[]; perClip: number; size: number }

export function calibrationSet(perClip = 6, size = 320): CalibrationSet {
  const clips = sharedVideoFiles();
  if (existsSync(VTEST_AVI)) clips.push(VTEST_AVI);
  if (!clips.length) throw new DetectorError('MODEL_NOT_FOUND', `no video for int8 calibration: apt-get install opencv-doc (for ${VTEST_AVI})`);
  return { clips, perClip, size };
}

/**
 * A short fingerprint of a calibration set (clip names and sizes, frames per clip, size): part of
 * the int8 model's file name, so the model a run used is named in its output (`vigil analyze`'s
 * `model`) and two sets never share a cached file.
 */
export function calibrationKey(set: CalibrationSet): string {
  const clips = set.clips.map((c) => `${basename(c)}:${existsSync(c) ? statSync(c).size : 0}`).sort();
  return createHash('sha256').update(JSON.stringify({ clips, perClip: set.perClip, size: set.size })).digest('hex').slice(0, 10);
}

/** int8 models already in the cache, newest first. */
export function builtInt8Models(): string[] {
  const dir = dirname(onnxModelPath('int8', 'x'));
  if (!existsSync(dir)) return [];
  const prefix = basename(onnxModelPath('int8', 'x')).replace(/x\.onnx$/, '');
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.onnx'))
    .map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

/** Real frames for calibration, as `set` says. */
export async function calibrationFrames(set: CalibrationSet): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for (const clip of set.clips) frames.push(...await decodeRgbFrames(clip, { count: set.perClip, width: set.size, height: set.size, everySeconds: 2 }));
  return frames;
}

/** Runs the float graph on the frames and keeps each activation's min/max. */
export async function calibrate(g: IrGraph, frames: Uint8Array[], size: number): Promise<Map<string, TensorRange>> {
  const ort = await import('onnxruntime-node');
  // Every candidate, heads included: which of them get quantised is quantizeQdq's choice.
  const names = tensorsToCalibrate(g, { quantizeHeads: true });
  const session = await ort.InferenceSession.create(serializeOnnx(withCalibrationOutputs(g, names)), { intraOpNumThreads: 2, graphOptimizationLevel: 'basic' });
  const ranges = new Map<string, TensorRange>(names.map((n) => [n, { min: Infinity, max: -Infinity }]));
  const x = new Float32Array(3 * size * size);
  for (const rgb of frames) {
    writeCropTensor({ rgb, width: size, height: size, region: [0, 0, 1, 1] }, size, x, 0);
    const res = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, [1, 3, size, size]) }, names);
    for (const n of names) {
      const d = res[n].data as Float32Array;
      const r = ranges.get(n)!;
      for (let i = 0; i < d.length; i++) { const v = d[i]; if (v < r.min) r.min = v; if (v > r.max) r.max = v; }
    }
  }
  await session.release();
  return ranges;
}

function writeAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

/**
 * The int8 graph's speed choices (see QdqOptions): 7.3 → 5.9 CPU ms per 320 px inference with one
 * thread (bench/results/detector-speed-2026-11-30.md). Changing them changes the model: bump the int8
 * file name in model-files.ts with them. foldPixelNorm stays off: folded, the first convolution pads
 * with one grey (the zero point) instead of each channel's mean, and on the shared clips that lost a
 * car residential_tjunction's counts had at 5 fps (7 of 8 instead of 8 of 8, eval:analytics); it
 * costs ~0.6 ms per inference (6.68 → 7.31 median, bench/detector-ab.ts, same run).
 */
export const INT8_GRAPH: Omit<QdqOptions, 'pixelNorm'> = { quantizeHeads: true, foldPixelNorm: false, spaceToDepth: true, s2dInput: true };

/** Builds (or reuses) the ONNX model for a variant in the cache dir; returns its path. */
export async function ensureOnnxModel(variant: OnnxVariant, opts: {
  force?: boolean; calibrationSize?: number; framesPerClip?: number;
  /** overrides of INT8_GRAPH, for measuring them: only with a model dir of their own (VIGIL_MODEL_DIR) */
  qdq?: Omit<QdqOptions, 'pixelNorm'>;
} = {}): Promise<string> {
  if (variant === 'fp32') {
    const path = onnxModelPath('fp32');
    if (!existsSync(path) || opts.force) writeAtomic(path, serializeOnnx(convertNanodet()));
    return path;
  }
  let set: CalibrationSet;
  try {
    set = calibrationSet(opts.framesPerClip, opts.calibrationSize);
  } catch (e) {
    // No frames here to calibrate on (nor to name the model by): a model built beforehand (by
    // scripts/convert-models.ts on a machine with them) is used as it is; its name says how it was made.
    const built = builtInt8Models();
    if (built.length && !opts.force) return built[0];
    throw e;
  }
  const path = onnxModelPath('int8', calibrationKey(set));
  if (existsSync(path) && !opts.force) return path;
  const g = convertNanodet();
  const ranges = await calibrate(g, await calibrationFrames(set), set.size);
  writeAtomic(path, serializeOnnx(quantizeQdq(g, ranges, { pixelNorm: NANODET_NORM, ...INT8_GRAPH, ...opts.qdq })));
  return path;
}
