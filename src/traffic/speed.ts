// Speed of one track from the ground positions of its box's bottom centre over time: a straight
// line fitted to position against time over the track's whole life (as far as it was measured),
// robustly. Candidate velocities from pairs of positions far apart in time are scored by how many
// positions lie near the line they give (within a few pixels' worth of ground there, three times
// the positions' own scatter about their neighbours, and never less than `inlierM`); the best is refitted by weighted least squares on its inliers (far
// positions, where a pixel is metres, weigh less) twice. A box that jumped to another vehicle, a
// box cut short at the far end, a track that started on a neighbour: those positions are off the
// line and left out; what remains must still span `minSpanSeconds` (≥ 1 s). A road that bends in
// view (heading turns more than 20° between the first and last chunk of positions) is measured
// along the path through chunk centroids instead.
//
// Uncertainty (one standard deviation, combined in quadrature):
// - fit: the standard error of the slope from the scatter along the direction of travel (the
//   inliers', or the robust scale of all positions' or of their scatter about their neighbours
//   when larger; never less than what a pixel of
//   jitter is worth there), widened by the residuals' lag-1 autocorrelation (successive boxes are
//   not independent);
// - consistency: the spread of the speeds between successive chunk centroids, when larger (a track
//   that is still a mixture of two vehicles shows here);
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
  /** a position this near the fitted line (metres) is always an inlier (default 1.5) */
  inlierM?: number;
  /** … and so is one within this many of its own jitter floors (default 5) */
  inlierFloors?: number;
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
  /** positions the line was fitted to (the rest were off it: another vehicle, a cut box) */
  inliers: number;
}

export function estimateSpeed(samples: readonly GroundSample[], opts: SpeedOptions = {}): SpeedEstimate | null {
  if (samples.length < 4) return null;
  const minSpan = Math.max(1, opts.minSpanSeconds ?? 1);
  if (samples[samples.length - 1].t - samples[0].t < minSpan) return null;
  const floor = opts.jitterFloorM ?? 0.05;
  const sigmaOf = (s: GroundSample) => Math.max(floor, s.floorM ?? 0);
  // How much the positions scatter, whatever the speed: each one against the midpoint of its two
  // neighbours (a constant velocity has none; a jump to another vehicle moves two of them only).
  const mids: number[] = [];
  for (let i = 1; i + 1 < samples.length; i++) {
    const a = samples[i - 1], b = samples[i], c = samples[i + 1];
    const k = (b.t - a.t) / (c.t - a.t);
    mids.push(Math.hypot(b.g[0] - a.g[0] - k * (c.g[0] - a.g[0]), b.g[1] - a.g[1] - k * (c.g[1] - a.g[1])));
  }
  mids.sort((a, b) => a - b);
  const localSigma = (1.4826 * mids[Math.floor(mids.length / 2)]) / Math.sqrt(1.5);
  const inlierOf = (s: GroundSample) => Math.max(opts.inlierM ?? 1.5, (opts.inlierFloors ?? 5) * sigmaOf(s), 3 * localSigma);

  // Robust straight line: candidates from pairs of positions far apart in time, scored on a subsample.
  const pick = (n: number, k: number) => Array.from({ length: Math.min(n, k) }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, Math.min(n, k) - 1)));
  const scoreIdx = pick(samples.length, 60);
  const candIdx = pick(samples.length, 16);
  const span = samples[samples.length - 1].t - samples[0].t;
  const m = scoreIdx.length;
  const ts = new Float64Array(m), xs = new Float64Array(m), ys = new Float64Array(m), th2 = new Float64Array(m);
  scoreIdx.forEach((k, i) => { const s = samples[k]; ts[i] = s.t; xs[i] = s.g[0]; ys[i] = s.g[1]; th2[i] = inlierOf(s) ** 2; });
  let best: Line | null = null, bestScore = -1;
  for (let a = 0; a < candIdx.length; a++) {
    for (let b = a + 1; b < candIdx.length; b++) {
      const p = samples[candIdx[a]], q = samples[candIdx[b]];
      const dt = q.t - p.t;
      if (dt < Math.min(0.5, span / 3)) continue;
      const vx = (q.g[0] - p.g[0]) / dt, vy = (q.g[1] - p.g[1]) / dt;
      // MSAC: an inlier costs its squared distance, an outlier the threshold's
      let score = 0;
      for (let i = 0; i < m; i++) {
        const d = ts[i] - p.t, ex = xs[i] - p.g[0] - vx * d, ey = ys[i] - p.g[1] - vy * d;
        const e2 = ex * ex + ey * ey;
        if (e2 < th2[i]) score += th2[i] - e2;
      }
      if (score > bestScore) { bestScore = score; best = { t0: p.t, g0: p.g, v: [vx, vy] }; }
    }
  }
  if (!best) return null;
  let inl = samples.filter((s) => distance2(best!, s) <= inlierOf(s) ** 2);
  for (let iter = 0; iter < 2 && inl.length >= 4; iter++) {
    const fit = weightedLine(inl, sigmaOf);
    if (!fit) break;
    best = fit;
    inl = samples.filter((s) => distance2(best!, s) <= inlierOf(s) ** 2);
  }
  if (inl.length < 4) return null;
  const t0 = inl[0].t, t1 = inl[inl.length - 1].t;
  if (t1 - t0 < minSpan) return null;
  const fit = weightedLine(inl, sigmaOf);
  if (!fit) return null;

  // chunk centroids of the inliers: evidence, the consistency term, and a bend in the road
  const chunkS = opts.chunkSeconds ?? Math.min(1, Math.max(0.3, (t1 - t0) / 3));
  const minN = inl.length >= 6 ? 3 : 2;
  const chunks: GroundSample[][] = [];
  let cur: GroundSample[] = [];
  for (const s of inl) {
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
  const dtc = centroids[centroids.length - 1].t - centroids[0].t;
  if (dtc <= 0) return null;
  let path = 0;
  for (let i = 1; i < centroids.length; i++) path += Math.hypot(centroids[i].g[0] - centroids[i - 1].g[0], centroids[i].g[1] - centroids[i - 1].g[1]);
  const lineMps = Math.hypot(fit.v[0], fit.v[1]);
  const bend = centroids.length >= 3 ? turnDegrees(centroids[0].g, centroids[1].g, centroids[centroids.length - 2].g, centroids[centroids.length - 1].g) : 0;
  const mps = bend > 20 ? path / dtc : lineMps;
  const heading: Point | null = lineMps > 1e-6 ? [fit.v[0] / lineMps, fit.v[1] / lineMps] : null;

  // fit: standard error of the slope along the direction of travel
  const dir = heading ?? [0, 1];
  const res = inl.map((s) => {
    const dt = s.t - fit.t0;
    return (s.g[0] - fit.g0[0] - fit.v[0] * dt) * dir[0] + (s.g[1] - fit.g0[1] - fit.v[1] * dt) * dir[1];
  });
  const tm = inl.reduce((a, s) => a + s.t, 0) / inl.length;
  const stt = inl.reduce((a, s) => a + (s.t - tm) ** 2, 0);
  // the inliers' scatter, or the robust scale of every position's residual when larger: positions
  // bouncing all over (not a few off the line) are a poor measurement even if some agree
  const all = samples.map((s) => {
    const dt = s.t - fit.t0;
    return Math.abs((s.g[0] - fit.g0[0] - fit.v[0] * dt) * dir[0] + (s.g[1] - fit.g0[1] - fit.v[1] * dt) * dir[1]);
  }).sort((a, b) => a - b);
  const mad = 1.4826 * all[Math.floor(all.length / 2)];
  const scatter = Math.max(mad, localSigma, Math.sqrt(res.reduce((a, r) => a + r * r, 0) / Math.max(1, inl.length - 2)));
  const meanFloor = inl.reduce((a, s) => a + sigmaOf(s), 0) / inl.length;
  let rho = 0;
  if (res.length >= 6) {
    let num = 0, den = 0;
    for (let i = 0; i < res.length; i++) { den += res[i] * res[i]; if (i) num += res[i] * res[i - 1]; }
    rho = den > 0 ? Math.max(0, Math.min(0.9, num / den)) : 0;
  }
  const fitMps = (Math.max(scatter, meanFloor) / Math.sqrt(stt)) * Math.sqrt((1 + rho) / (1 - rho));
  let consistencyMps = 0;
  if (centroids.length >= 3) {
    const seg = centroids.slice(1).map((c, i) => Math.hypot(c.g[0] - centroids[i].g[0], c.g[1] - centroids[i].g[1]) / (c.t - centroids[i].t));
    const m = seg.reduce((x, y) => x + y, 0) / seg.length;
    consistencyMps = Math.sqrt(seg.reduce((x, v) => x + (v - m) ** 2, 0) / (seg.length - 1)) / Math.sqrt(seg.length);
  }
  const calMps = mps * Math.hypot(opts.scaleSigma ?? 0, opts.referenceSigma ?? 0.01);
  const sigma = Math.hypot(Math.max(fitMps, consistencyMps), calMps);
  const k = opts.coverage ?? 2;
  return { mps, kmh: mps * 3.6, errKmh: k * sigma * 3.6, spanSeconds: t1 - t0, distanceM: mps * (t1 - t0), heading, centroids, samples: samples.length, inliers: inl.length };
}

interface Line { t0: number; g0: Point; v: Point }

function distance2(l: Line, s: GroundSample): number {
  const dt = s.t - l.t0;
  return (s.g[0] - l.g0[0] - l.v[0] * dt) ** 2 + (s.g[1] - l.g0[1] - l.v[1] * dt) ** 2;
}

/** Weighted least-squares line of x and y against t (weights 1/σ²). */
function weightedLine(ss: readonly GroundSample[], sigmaOf: (s: GroundSample) => number): Line | null {
  let sw = 0, st = 0, sx = 0, sy = 0;
  for (const s of ss) { const w = 1 / sigmaOf(s) ** 2; sw += w; st += w * s.t; sx += w * s.g[0]; sy += w * s.g[1]; }
  const tm = st / sw, xm = sx / sw, ym = sy / sw;
  let stt = 0, stx = 0, sty = 0;
  for (const s of ss) { const w = 1 / sigmaOf(s) ** 2, dt = s.t - tm; stt += w * dt * dt; stx += w * dt * (s.g[0] - xm); sty += w * dt * (s.g[1] - ym); }
  if (!(stt > 0)) return null;
  return { t0: tm, g0: [xm, ym], v: [stx / stt, sty / stt] };
}

/** Angle between the directions a→b and c→d, degrees. */
function turnDegrees(a: Point, b: Point, c: Point, d: Point): number {
  const u = [b[0] - a[0], b[1] - a[1]], v = [d[0] - c[0], d[1] - c[1]];
  const n = Math.hypot(u[0], u[1]) * Math.hypot(v[0], v[1]);
  if (n < 1e-9) return 0;
  return (Math.acos(Math.max(-1, Math.min(1, (u[0] * v[0] + u[1] * v[1]) / n))) * 180) / Math.PI;
}
