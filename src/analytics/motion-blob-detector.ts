// NOT a neural detector. A stand-in that reports the current motion blobs as objects, 'person'
// when taller than wide and 'car' otherwise, so the pipeline, tracker, rules and CLI can run for
// real before (or without) the model. It knows nothing about what moves: shadows, trees and two
// cars driving together are all "objects". Used by tests and by `vigil analyze --detector motion`.
import { unionBox, type Box } from './geometry.ts';
import type { Detection, Detector, DetectorInput } from './detector-types.ts';

/** A detector that wants the frame's motion boxes before `detect` (only this stand-in does). */
export interface MotionFedDetector extends Detector {
  observeMotion(boxes: Box[]): void;
}

export function isMotionFed(d: Detector): d is MotionFedDetector {
  return typeof (d as Partial<MotionFedDetector>).observeMotion === 'function';
}

export class MotionBlobDetector implements MotionFedDetector {
  readonly inputSize: number;
  private readonly aspect: number;
  private readonly mergeGap: number;
  private blobs: Box[] = [];

  /** aspect = frame width / height, so "taller than wide" is judged in pixels */
  constructor(opts: { aspect: number; inputSize?: number; mergeGap?: number }) {
    this.aspect = opts.aspect;
    this.inputSize = opts.inputSize ?? 320;
    this.mergeGap = opts.mergeGap ?? 0.01;
  }

  observeMotion(boxes: Box[]): void {
    this.blobs = mergeNear(boxes, this.mergeGap);
  }

  async detect(batch: DetectorInput[]): Promise<Detection[][]> {
    const taken = new Set<number>();
    return batch.map((input) => {
      const [rx1, ry1, rx2, ry2] = input.region;
      const out: Detection[] = [];
      this.blobs.forEach((b, i) => {
        const cx = (b[0] + b[2]) / 2;
        const cy = (b[1] + b[3]) / 2;
        if (taken.has(i) || cx < rx1 || cx > rx2 || cy < ry1 || cy > ry2) return;
        taken.add(i);
        const wPx = (b[2] - b[0]) * this.aspect;
        const hPx = b[3] - b[1];
        out.push({ cls: hPx > 1.2 * wPx ? 'person' : 'car', score: 0.9, box: b });
      });
      return out;
    });
  }

  async close(): Promise<void> {}
}

/** Joins boxes closer than `gap` (normalised) until none are: one moving car often leaves several blobs. */
export function mergeNear(boxes: Box[], gap: number): Box[] {
  const out = boxes.map((b) => b.slice() as Box);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < out.length && !changed; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i], b = out[j];
        if (a[0] - gap <= b[2] && b[0] - gap <= a[2] && a[1] - gap <= b[3] && b[1] - gap <= a[3]) {
          out[i] = unionBox(a, b);
          out.splice(j, 1);
          changed = true;
          break;
        }
      }
    }
  }
  return out;
}
