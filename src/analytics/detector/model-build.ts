import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
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
 * this machine has and of OpenCV's vtest.avi, at `size` px. Only the calibration script
 * (scripts/calibrate-int8.ts) and experiments calibrate on a machine's clips; the model every
 * machine runs by default is built from the committed table (int8-calibration.json, decision 072).
 */
export interface CalibrationSet { clips: string[]; perClip: number; size: number }

export function calibrationSet(perClip = 6, size = 320): CalibrationSet {
  const clips = sharedVideoFiles();
  if (existsSync(VTEST_AVI)) clips.push(VTEST_AVI);
  if (!clips.length) throw new DetectorError('MODEL_NOT_FOUND', `no video for int8 calibration: apt-get install opencv-doc (for ${VTEST_AVI})`);
  return { clips, perClip, size };
}

/** A calibration set as the committed table records it: clip file names and sizes, not paths. */
export interface RecordedSet { clips: { file: string; bytes: number; sha256?: string }[]; perClip: number; size: number }

/** The committed int8 calibration: the set it was made from and each activation's [min, max]. */
export interface CalibrationTable { about: string; set: RecordedSet; ranges: Record<string, [number, number]> }

export const CALIBRATION_TABLE = join(import.meta.dirname, 'int8-calibration.json');

export function recordSet(set: CalibrationSet): RecordedSet {
  return {
    clips: set.clips.map((c) => ({ file: basename(c), bytes: existsSync(c) ? statSync(c).size : 0 })),
    perClip: set.perClip, size: set.size,
  };
}

/**
 * A short fingerprint of a calibration set (clip names and sizes, frames per clip, size): part of
 * the int8 model's file name, so the model a run used is named in its output (`vigil analyze`'s
 * `model`) and two sets never share a cached file. The committed table's model gets the key of the
 * set it records: the name a machine calibrating on that same set gives its model.
 */
export function calibrationKey(set: CalibrationSet | RecordedSet): string {
  const rec: RecordedSet = set.clips.every((c) => typeof c === 'string') ? recordSet(set as CalibrationSet) : set as RecordedSet;
  const clips = rec.clips.map((c) => `${c.file}:${c.bytes}`).sort();
  return createHash('sha256').update(JSON.stringify({ clips, perClip: rec.perClip, size: rec.size })).digest('hex').slice(0, 10);
}

export function readCalibrationTable(path = CALIBRATION_TABLE): CalibrationTable {
  return JSON.parse(readFileSync(path, 'utf8')) as CalibrationTable;
}

export function tableRanges(table: CalibrationTable): Map<string, TensorRange> {
  return new Map(Object.entries(table.ranges).map(([n, [min, max]]) => [n, { min, max }]));
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
  const g = convertNanodet();
  let path: string;
  let ranges: Map<string, TensorRange>;
  if (opts.framesPerClip === undefined && opts.calibrationSize === undefined) {
    // The default: one model on every machine, whatever footage it has (decision 072).
    const table = readCalibrationTable();
    path = onnxModelPath('int8', calibrationKey(table.set));
    if (existsSync(path) && !opts.force) return path;
    ranges = tableRanges(table);
    const missing = tensorsToCalibrate(g, { quantizeHeads: true }).filter((n) => !ranges.has(n));
    if (missing.length) throw new DetectorError('MODEL_NOT_FOUND', `int8-calibration.json lacks ${missing.length} tensors (${missing.slice(0, 3).join(', ')}, …): the graph changed; run npm run models:calibrate`);
  } else {
    // Experiments and tests: calibrated on this machine's clips, named by that set.
    const set = calibrationSet(opts.framesPerClip, opts.calibrationSize);
    path = onnxModelPath('int8', calibrationKey(set));
    if (existsSync(path) && !opts.force) return path;
    ranges = await calibrate(g, await calibrationFrames(set), set.size);
  }
  writeAtomic(path, serializeOnnx(quantizeQdq(g, ranges, { pixelNorm: NANODET_NORM, ...INT8_GRAPH, ...opts.qdq })));
  return path;
}
