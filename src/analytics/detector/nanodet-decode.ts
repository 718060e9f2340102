import type { DetClass, Detection } from '../detector-types.ts';
import { iou } from '../geometry.ts';

/** The COCO indices of the classes Vigil reports; everything else the model knows is ignored. */
export const COCO_CLASSES: readonly [number, DetClass][] = [
  [0, 'person'], [1, 'bicycle'], [2, 'car'], [3, 'motorcycle'], [5, 'bus'], [7, 'truck'],
];
const NUM_COCO = 80;

/** One pyramid level of NanoDet's output for one image: per cell, 80 class scores (sigmoid) and 4×(regMax+1) distance logits. */
export interface NanodetLevel { stride: number; scores: Float32Array; reg: Float32Array }

export interface DecodeOptions {
  inputSize: number;
  scoreThreshold: number;
  /** where the crop sits in the frame, normalised; boxes come back in frame coordinates */
  region: [number, number, number, number];
  iouThreshold?: number;
  maxDetections?: number;
}

/**
 * NanoDet (GFL head) decoding: each side's distance is the expectation of a softmax over
 * regMax+1 bins, times the stride, measured from the cell centre. Then per-class NMS.
 */
export function decodeNanodet(levels: NanodetLevel[], opts: DecodeOptions): Detection[] {
  const { inputSize, scoreThreshold, region } = opts;
  const [rx1, ry1, rx2, ry2] = region;
  const rw = rx2 - rx1, rh = ry2 - ry1;
  const found: Detection[] = [];
  const probs = new Float64Array(64);
  for (const { stride, scores, reg } of levels) {
    const cells = scores.length / NUM_COCO;
    const bins = reg.length / cells / 4;
    const grid = Math.round(inputSize / stride);
    for (let i = 0; i < cells; i++) {
      let best = -1, bestScore = scoreThreshold;
      for (const [k] of COCO_CLASSES) {
        const s = scores[i * NUM_COCO + k];
        if (s > bestScore) { bestScore = s; best = k; }
      }
      if (best < 0) continue;
      const cx = ((i % grid) + 0.5) * stride;
      const cy = (Math.floor(i / grid) + 0.5) * stride;
      const dist = [0, 0, 0, 0];
      for (let side = 0; side < 4; side++) {
        const base = i * 4 * bins + side * bins;
        let max = -Infinity;
        for (let b = 0; b < bins; b++) max = Math.max(max, reg[base + b]);
        let sum = 0;
        for (let b = 0; b < bins; b++) { probs[b] = Math.exp(reg[base + b] - max); sum += probs[b]; }
        let e = 0;
        for (let b = 0; b < bins; b++) e += (b * probs[b]) / sum;
        dist[side] = e * stride;
      }
      const clamp = (v: number) => Math.min(Math.max(v / inputSize, 0), 1);
      const x1 = clamp(cx - dist[0]), y1 = clamp(cy - dist[1]), x2 = clamp(cx + dist[2]), y2 = clamp(cy + dist[3]);
      if (x2 <= x1 || y2 <= y1) continue;
      found.push({
        cls: COCO_CLASSES.find(([k]) => k === best)![1],
        score: bestScore,
        box: [rx1 + x1 * rw, ry1 + y1 * rh, rx1 + x2 * rw, ry1 + y2 * rh],
      });
    }
  }
  return nms(found, opts.iouThreshold ?? 0.5, opts.maxDetections ?? 100);
}

/** Greedy per-class non-maximum suppression, highest score first. */
export function nms(dets: Detection[], iouThreshold: number, max: number): Detection[] {
  const sorted = dets.slice().sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.length >= max) break;
    if (kept.some((k) => k.cls === d.cls && iou(k.box, d.box) > iouThreshold)) continue;
    kept.push(d);
  }
  return kept;
}
