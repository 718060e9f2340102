// A ground grid drawn over the camera's still, to check a calibration by eye: lines every `step`
// metres across the calibrated area (and a margin), as image polylines. A good calibration puts
// them along the lane lines and evenly along the road. Pure.
import type { Point } from '../analytics/index.ts';
import { groundToImage, type Calibration } from './homography.ts';

export interface GridOptions {
  /** spacing in metres (default: a round figure giving about 10 lines across the calibrated area) */
  step?: number;
  /** metres beyond the calibration points' extent (default one step) */
  margin?: number;
  /** samples per line (default 24) */
  samples?: number;
}

/** Image polylines (normalised), each a run of visible points of one ground line. */
export function groundGrid(cal: Calibration, opts: GridOptions = {}): { step: number; lines: Point[][] } {
  const xs = cal.points.map((p) => p.ground[0]), ys = cal.points.map((p) => p.ground[1]);
  const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const step = opts.step ?? roundStep(extent / 10);
  const margin = opts.margin ?? step;
  const x0 = Math.floor((Math.min(...xs) - margin) / step) * step, x1 = Math.ceil((Math.max(...xs) + margin) / step) * step;
  const y0 = Math.floor((Math.min(...ys) - margin) / step) * step, y1 = Math.ceil((Math.max(...ys) + margin) / step) * step;
  const samples = opts.samples ?? 24;
  const lines: Point[][] = [];
  const trace = (from: Point, to: Point) => {
    let run: Point[] = [];
    for (let k = 0; k <= samples; k++) {
      const f = k / samples;
      const p = groundToImage(cal, [from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f]);
      if (p && p[0] >= -0.5 && p[0] <= 1.5 && p[1] >= -0.5 && p[1] <= 1.5) run.push(p);
      else if (run.length) { if (run.length > 1) lines.push(run); run = []; }
    }
    if (run.length > 1) lines.push(run);
  };
  for (let x = x0; x <= x1 + 1e-9; x += step) trace([x, y0], [x, y1]);
  for (let y = y0; y <= y1 + 1e-9; y += step) trace([x0, y], [x1, y]);
  return { step, lines };
}

function roundStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-3)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
