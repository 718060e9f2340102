// Speed of one track from the ground positions of its box's bottom centre over time. Positions are
// averaged in consecutive chunks of time (each at least `chunkSeconds`, and at least two samples),
// and the speed is the length of the path through the chunk centroids over the time between the
// first and the last centroid: box jitter is averaged away inside a chunk, a bend in the road is
// followed from chunk to chunk, and the whole span counts. The span must reach `minSpanSeconds`
// (≥ 1 s) so that no speed rests on a frame or two.
//
// Uncertainty (one standard deviation, combined in quadrature):
// - jitter: the scatter of positions about a straight line within each chunk (pooled), carried to
//   the first and last centroids, whose difference the speed mostly rests on, with a floor of
//   `jitterFloorM` metres per position (a box edge is never steadier than a pixel or so);
// - consistency: the spread of the speeds between successive centroids, when it is larger than the
//   jitter accounts for (a track that jumped between vehicles shows here);
// - calibration: the calibration's relative scale error times the speed;
// - reference point: the box's lowest edge is not one fixed point of the vehicle (1 % by default).
// The reported error is `coverage` (default 2, about 95 %) standard deviations. Pure.
import type { Point } from '../analytics/index.ts';

export interface GroundSample {
  t: number;
  g: Point;
  /** the least standard uncertainty of this position (a pixel of box jitter on the ground there), metres */
  floorM?: number;
}

export interface SpeedOptions {
  /** shortest span of positions a speed may rest on, seconds (default 1, never less than 1) */
  minSpanSeconds?: number;
  /** chunk length, seconds (default: a third of the span, kept within 0.3..1 s) */
  chunkSeconds?: number;
  /** standard uncertainty of one position from box jitter at least, metres (default 0.05) */
  jitterFloorM?: number;
  /** relative standard uncertainty of ground distances from the calibration (Calibration.scaleSigma) */
  scaleSigma?: number;
  /**
   * relative standard uncertainty from the box's bottom centre not being one fixed point of the
   * vehicle: as the view of it changes, the lowest edge of its box slides along it (default 0.01)
   */
  referenceSigma?: number;
  /** the reported error in standard deviations (default 2) */
  coverage?: number;
}

export interface SpeedEstimate {
  /** metres per second */
  mps: number;
  kmh: number;
  /** ± this, km/h, at `coverage` standard deviations */
  errKmh: number;
  /** seconds between the first and last chunk centroid */
  spanSeconds: number;
  /** metres travelled along the smoothed path */
  distanceM: number;
  /** unit direction of travel on the ground, first centroid to last (null when it barely moved) */
  heading: Point | null;
  /** chunk centroids the estimate used (for evidence: the measured positions) */
  centroids: GroundSample[];
  samples: number;
}

export function estimateSpeed(samples: readonly GroundSample[], opts: SpeedOptions = {}): SpeedEstimate | null {
  if (samples.length < 4) return null;
  const minSpan = Math.max(1, opts.minSpanSeconds ?? 1);
  const t0 = samples[0].t, t1 = samples[samples.length - 1].t;
  const span = t1 - t0;
  if (span < minSpan) return null;
  const chunkS = opts.chunkSeconds ?? Math.min(1, Math.max(0.3, span / 3));
  // consecutive chunks of ≥ chunkS seconds and ≥ 3 samples (2 when there are few); a short tail
  // joins the last chunk
  const minN = samples.length >= 6 ? 3 : 2;
  const chunks: GroundSample[][] = [];
  let cur: GroundSample[] = [];
  for (const s of samples) {
    if (cur.length >= minN && s.t - cur[0].t >= chunkS) { chunks.push(cur); cur = []; }
    cur.push(s);
  }
  if (cur.length >= minN && (chunks.length === 0 || cur[cur.length - 1].t - cur[0].t >= chunkS / 2)) chunks.push(cur);
  else if (chunks.length) chunks[chunks.length - 1].push(...cur);
  if (chunks.length < 2) return null;
  const centroids = chunks.map((c) => ({
    t: c.reduce((a, s) => a + s.t, 0) / c.length,
    g: [c.reduce((a, s) => a + s.g[0], 0) / c.length, c.reduce((a, s) => a + s.g[1], 0) / c.length] as Point,
  }));
  const dt = centroids[centroids.length - 1].t - centroids[0].t;
  if (dt <= 0) return null;
  let dist = 0;
  for (let i = 1; i < centroids.length; i++) dist += Math.hypot(centroids[i].g[0] - centroids[i - 1].g[0], centroids[i].g[1] - centroids[i - 1].g[1]);
  const a = centroids[0].g, b = centroids[centroids.length - 1].g;
  const net = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const heading: Point | null = net > 1e-6 ? [(b[0] - a[0]) / net, (b[1] - a[1]) / net] : null;
  const mps = dist / dt;

  // Scatter along the direction of travel (what moves a speed) about a constant-velocity line,
  // pooled over the chunks; with too few samples per chunk to see it, about one line through all
  // of them (a bend then counts as jitter, which errs towards a wider error).
  const dir = heading ?? [0, 1];
  const along = (c: readonly GroundSample[]) => c.map((s) => s.g[0] * dir[0] + s.g[1] * dir[1]);
  let ss = 0, dof = 0;
  for (const c of chunks) {
    if (c.length < 3) continue;
    ss += residualSS(c.map((s) => s.t), along(c));
    dof += c.length - 2;
  }
  if (dof < 4) {
    ss = residualSS(samples.map((s) => s.t), along(samples));
    dof = samples.length - 2;
  }
  const floor = opts.jitterFloorM ?? 0.05;
  const scatter = Math.sqrt(ss / dof);
  // each end's positions: the larger of the seen scatter and what a pixel of jitter is worth there
  const endSigma = (c: readonly GroundSample[]) => Math.max(floor, scatter, c.reduce((a, s) => a + (s.floorM ?? 0), 0) / c.length);
  const first = chunks[0], lastChunk = chunks[chunks.length - 1];
  const jitterMps = Math.sqrt(endSigma(first) ** 2 / first.length + endSigma(lastChunk) ** 2 / lastChunk.length) / dt;
  // What the path itself says: the speeds between successive centroids should agree; when they
  // do not (a track that jumped to another vehicle, a box that grew over a neighbour), their spread
  // is the better measure of the error.
  let consistencyMps = 0;
  if (centroids.length >= 3) {
    const seg = centroids.slice(1).map((c, i) => Math.hypot(c.g[0] - centroids[i].g[0], c.g[1] - centroids[i].g[1]) / (c.t - centroids[i].t));
    const m = seg.reduce((x, y) => x + y, 0) / seg.length;
    consistencyMps = Math.sqrt(seg.reduce((x, v) => x + (v - m) ** 2, 0) / (seg.length - 1)) / Math.sqrt(seg.length);
  }
  const calMps = mps * Math.hypot(opts.scaleSigma ?? 0, opts.referenceSigma ?? 0.01);
  const sigma = Math.hypot(Math.max(jitterMps, consistencyMps), calMps);
  const k = opts.coverage ?? 2;
  return { mps, kmh: mps * 3.6, errKmh: k * sigma * 3.6, spanSeconds: dt, distanceM: dist, heading, centroids, samples: samples.length };
}

/** Sum of squared residuals of a least-squares line y = a + b·t. */
function residualSS(t: number[], y: number[]): number {
  const n = t.length;
  const mt = t.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let stt = 0, sty = 0;
  for (let i = 0; i < n; i++) { stt += (t[i] - mt) ** 2; sty += (t[i] - mt) * (y[i] - my); }
  const b = stt > 0 ? sty / stt : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i] - my - b * (t[i] - mt)) ** 2;
  return ss;
}
