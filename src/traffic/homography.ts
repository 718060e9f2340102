// Image-to-ground calibration: a plane homography from four or more image points (normalised 0..1,
// y down) with their ground positions in metres. Normalised DLT (Hartley: each point set moved to
// its centroid and scaled to a mean distance of √2, which makes the linear system well conditioned)
// gives the start; Levenberg–Marquardt then minimises the reprojection error in the image over the
// eight free entries: the ground positions are measured (tape, plans, marking standards) and the
// placing error is in the image, so that is where the least squares belongs (minimising metres
// instead lets the far points, where a pixel is metres, pull the fit away from the near ones).
// Points that cannot fix a plane are refused with the reason. Pure.
import type { Point } from '../analytics/index.ts';
import { symmetricEigen, solve, mul3, invert3, type Mat3 } from './linear-algebra.ts';
import { TrafficError } from './errors.ts';

export interface CalibrationPoint {
  /** normalised image position (0..1, x right, y down) */
  image: Point;
  /** ground position in metres, any planar frame (x, y) */
  ground: Point;
}

export interface CalibrationOptions {
  /**
   * How precisely a point was placed in the image, in normalised units (default 0.001: about one
   * pixel on a 1000 px wide still). With exactly four points the fit has no residual, so this is
   * what the calibration's uncertainty rests on.
   */
  clickUncertainty?: number;
}

export interface Calibration {
  points: CalibrationPoint[];
  /** image (normalised) → ground (metres), row-major 3×3 */
  toGround: Mat3;
  /** ground (metres) → image (normalised) */
  toImage: Mat3;
  /** per point: ground error |H(image) − ground| in metres, and image error |H⁻¹(ground) − image| (normalised) */
  residuals: { groundM: number; image: number }[];
  /** root mean square of the ground errors, metres */
  rmsGroundM: number;
  /** root mean square of the image errors (normalised units; × frame width ≈ pixels) */
  rmsImage: number;
  /** standard uncertainty of one mapped ground position due to the calibration, metres */
  groundSigmaM: number;
  /** relative standard uncertainty of a distance measured on the ground (scale error), e.g. 0.01 = 1 % */
  scaleSigma: number;
  /** +1 or −1: the sign of the homogeneous w of image points on the visible ground */
  side: 1 | -1;
}

const MIN_POINTS = 4;
/** twice a triangle's area over its longest side squared, below which three points count as on one line */
const COLLINEAR = 0.02;

function bad(message: string, details?: Record<string, unknown>): never {
  throw new TrafficError('DEGENERATE_CALIBRATION', message, details);
}

function apply(h: Mat3, p: Point): [number, number, number] {
  const w = h[6] * p[0] + h[7] * p[1] + h[8];
  return [(h[0] * p[0] + h[1] * p[1] + h[2]) / w, (h[3] * p[0] + h[4] * p[1] + h[5]) / w, w];
}

/** Hartley normalisation: centroid to the origin, mean distance √2. */
function normaliser(pts: Point[]): Mat3 {
  const cx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const d = pts.reduce((a, p) => a + Math.hypot(p[0] - cx, p[1] - cy), 0) / pts.length;
  const s = Math.SQRT2 / Math.max(d, 1e-12);
  return [s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1];
}

/** How far three points are from a line: 2·area / (longest side)², 0 = on one line. */
function flatness(a: Point, b: Point, c: Point): number {
  const area2 = Math.abs((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
  const long = Math.max(Math.hypot(b[0] - a[0], b[1] - a[1]), Math.hypot(c[0] - a[0], c[1] - a[1]), Math.hypot(c[0] - b[0], c[1] - b[1]));
  return long === 0 ? 0 : area2 / (long * long);
}

/** Indices (1-based in messages) of a repeated point, or of three nearly collinear ones, or null. */
function checkGeometry(pts: Point[], what: 'image' | 'ground'): void {
  const n = pts.length;
  const spread = Math.max(...pts.map((p) => Math.max(...pts.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1])))));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    if (Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]) <= 1e-3 * spread) {
      bad(`points ${i + 1} and ${j + 1} are at the same ${what} position: every point must be a different place`, { points: [i + 1, j + 1], space: what });
    }
  }
  // Four points fix a plane only if no three of them are on one line; more points need at least
  // one such four among them (e.g. two points on each of two lane lines, not all on one line).
  const quads: number[][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) for (let c = b + 1; c < n; c++) for (let d = c + 1; d < n; d++) quads.push([a, b, c, d]);
  let worst: number[] | null = null;
  for (const q of quads) {
    const triples = [[q[0], q[1], q[2]], [q[0], q[1], q[3]], [q[0], q[2], q[3]], [q[1], q[2], q[3]]];
    let bent = true;
    for (const t of triples) {
      if (flatness(pts[t[0]], pts[t[1]], pts[t[2]]) < COLLINEAR) {
        bent = false;
        worst ??= t;
        break;
      }
    }
    if (bent) return;
  }
  const t = worst ?? [0, 1, 2];
  const all = n > 4 ? ` (with ${n} points, at least four must have no three of them on one line)` : '';
  bad(`points ${t.map((i) => i + 1).join(', ')} lie on one line in the ${what}: they cannot fix a plane${all}. Add points off that line, e.g. on the other side of the road`, { points: t.map((i) => i + 1), space: what });
}

/** The normalised DLT solution (src → dst) in the normalised frames. */
function dlt(src: Point[], dst: Point[]): Mat3 {
  const A: number[][] = [];
  for (let i = 0; i < src.length; i++) {
    const [u, v] = src[i];
    const [x, y] = dst[i];
    A.push([-u, -v, -1, 0, 0, 0, u * x, v * x, x]);
    A.push([0, 0, 0, -u, -v, -1, u * y, v * y, y]);
  }
  const AtA = Array.from({ length: 9 }, (_, i) => Array.from({ length: 9 }, (_, j) => A.reduce((s, r) => s + r[i] * r[j], 0)));
  return symmetricEigen(AtA).vectors[0] as Mat3;
}

/** Levenberg–Marquardt on the error at dst (src → dst), h[8] held at 1 (scale is free). */
function refine(h0: Mat3, src: Point[], dst: Point[]): Mat3 {
  let h = h0.map((x) => x / h0[8]) as Mat3;
  const cost = (m: Mat3) => src.reduce((s, p, i) => {
    const [x, y] = apply(m, p);
    return s + (x - dst[i][0]) ** 2 + (y - dst[i][1]) ** 2;
  }, 0);
  let c = cost(h);
  let lambda = 1e-3;
  for (let iter = 0; iter < 50 && c > 1e-24; iter++) {
    const JtJ = Array.from({ length: 8 }, () => new Array(8).fill(0));
    const Jtr = new Array(8).fill(0);
    for (let i = 0; i < src.length; i++) {
      const [u, v] = src[i];
      const [x, y, w] = apply(h, src[i]);
      const jx = [u / w, v / w, 1 / w, 0, 0, 0, (-x * u) / w, (-x * v) / w];
      const jy = [0, 0, 0, u / w, v / w, 1 / w, (-y * u) / w, (-y * v) / w];
      const rx = x - dst[i][0], ry = y - dst[i][1];
      for (let a = 0; a < 8; a++) {
        Jtr[a] += jx[a] * rx + jy[a] * ry;
        for (let b = 0; b < 8; b++) JtJ[a][b] += jx[a] * jx[b] + jy[a] * jy[b];
      }
    }
    let improved = false;
    for (let tries = 0; tries < 10 && !improved; tries++) {
      const damped = JtJ.map((r, a) => r.map((x, b) => (a === b ? x * (1 + lambda) + 1e-15 : x)));
      const step = solve(damped, Jtr.map((x) => -x));
      if (!step) { lambda *= 10; continue; }
      const cand = h.map((x, k) => (k < 8 ? x + step[k] : x)) as Mat3;
      const cc = cost(cand);
      if (cc < c) {
        const gain = c - cc;
        h = cand; c = cc; lambda = Math.max(lambda / 10, 1e-12); improved = true;
        if (gain < 1e-14 * (1 + c)) iter = 1e9;
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  return h;
}

/** Fits the image → ground homography; throws DEGENERATE_CALIBRATION with the reason when it cannot. */
export function fitHomography(points: CalibrationPoint[], opts: CalibrationOptions = {}): Calibration {
  if (points.length < MIN_POINTS) bad(`a calibration needs at least ${MIN_POINTS} points (image position with its ground position), got ${points.length}`);
  if (points.length > 64) bad(`at most 64 calibration points, got ${points.length}`);
  for (const [i, p] of points.entries()) {
    if (![...p.image, ...p.ground].every(Number.isFinite)) bad(`point ${i + 1} has a coordinate that is not a finite number`);
    if (p.image.some((v) => v < 0 || v > 1)) bad(`point ${i + 1}: image position ${p.image.join(',')} is outside 0..1 (image positions are normalised to the frame)`);
  }
  const img = points.map((p) => p.image);
  const gnd = points.map((p) => p.ground);
  checkGeometry(img, 'image');
  checkGeometry(gnd, 'ground');
  const Ti = normaliser(img);
  const Tg = normaliser(gnd);
  const nImg = img.map((p) => apply(Ti, p).slice(0, 2) as Point);
  const nGnd = gnd.map((p) => apply(Tg, p).slice(0, 2) as Point);
  const hn = refine(dlt(nGnd, nImg), nGnd, nImg);
  let toImage = mul3(invert3(Ti)!, mul3(hn, Tg));
  let toGround = invert3(toImage);
  if (!toGround || !Number.isFinite(toGround[0])) bad('the points give a singular mapping: check that image and ground positions are paired correctly');
  // Scaled so that w > 0 on the visible ground (the sign is free), as analytics' toGround expects.
  if (apply(toGround, img[0])[2] < 0) {
    toGround = toGround.map((x) => -x) as Mat3;
    toImage = toImage.map((x) => -x) as Mat3;
  }
  // Every calibration point must be on the same side of the horizon; a fit that folds the plane
  // means image and ground positions were paired in different orders.
  const ws = img.map((p) => apply(toGround!, p)[2]);
  const side = ws[0] > 0 ? 1 : -1;
  if (ws.some((w) => Math.sign(w) !== side)) bad('the ground positions are not in the same arrangement as the image points (the fit folds the plane): check that each image point has its own ground position');
  const residuals = points.map((p) => {
    const [x, y] = apply(toGround, p.image);
    const [u, v] = apply(toImage, p.ground);
    return { groundM: Math.hypot(x - p.ground[0], y - p.ground[1]), image: Math.hypot(u - p.image[0], v - p.image[1]) };
  });
  const n = points.length;
  const rms = (k: 'groundM' | 'image') => Math.sqrt(residuals.reduce((s, r) => s + r[k] ** 2, 0) / n);
  const rmsGroundM = rms('groundM');
  const rmsImage = rms('image');
  const partial: Calibration = { points, toGround, toImage, residuals, rmsGroundM, rmsImage, groundSigmaM: 0, scaleSigma: 0, side };
  // The uncertainty of a placed point in the image: the fit's own scatter (its residual with the
  // degrees of freedom the eight parameters left: 2n − 8) or the placing precision, whichever is
  // larger; carried to the ground through the local scale at the points.
  const click = opts.clickUncertainty ?? 0.001;
  const imageSigma = Math.max(click, n > 4 ? rmsImage * Math.sqrt((2 * n) / (2 * n - 8)) : 0);
  const groundSigmaM = imageSigma * Math.sqrt(img.reduce((s, p) => s + localScale(partial, p) ** 2, 0) / n);
  // A distance's relative error: the point errors spread over the calibrated extent (the RMS
  // distance of the ground points from their centroid, doubled for a span), averaged over n points.
  const cx = gnd.reduce((a, p) => a + p[0], 0) / n, cy = gnd.reduce((a, p) => a + p[1], 0) / n;
  const radius = Math.sqrt(gnd.reduce((a, p) => a + (p[0] - cx) ** 2 + (p[1] - cy) ** 2, 0) / n);
  const scaleSigma = (2 * groundSigmaM) / (2 * radius * Math.sqrt(n));
  return { ...partial, groundSigmaM, scaleSigma };
}

/** Ground position (metres) of a normalised image point; null on or beyond the horizon. */
export function imageToGround(cal: Calibration, p: Point): Point | null {
  const [x, y, w] = apply(cal.toGround, p);
  if (Math.sign(w) !== cal.side || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  return [x, y];
}

/** Image position (normalised) of a ground point; null when it is behind the camera. */
export function groundToImage(cal: Calibration, g: Point): Point | null {
  const [u, v, w] = apply(cal.toImage, g);
  // toImage·(ground) has w = 1/(image-side w) up to the same sign, so the visible ground keeps `side`.
  if (Math.sign(w) !== cal.side || !Number.isFinite(u) || !Number.isFinite(v)) return null;
  return [u, v];
}

/** Metres on the ground per normalised image unit around p (root mean square over the two axes). */
export function localScale(cal: Calibration, p: Point): number {
  const e = 1e-4;
  const g0 = apply(cal.toGround, p), gx = apply(cal.toGround, [p[0] + e, p[1]]), gy = apply(cal.toGround, [p[0], p[1] + e]);
  const dx = Math.hypot(gx[0] - g0[0], gx[1] - g0[1]) / e, dy = Math.hypot(gy[0] - g0[0], gy[1] - g0[1]) / e;
  return Math.sqrt((dx * dx + dy * dy) / 2);
}

/**
 * How far a ground point lies outside the area the calibration points span (their convex hull),
 * metres; 0 inside. Beyond it the mapping is extrapolated: a pixel there can be metres on the
 * ground, so positions far outside are not fit to measure with.
 */
export function distanceOutsideCalibration(cal: Calibration, g: Point): number {
  const hull = convexHull(cal.points.map((p) => p.ground));
  let inside = true, best = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i], b = hull[(i + 1) % hull.length];
    const cr = (b[0] - a[0]) * (g[1] - a[1]) - (b[1] - a[1]) * (g[0] - a[0]);
    if (cr < 0) inside = false;
    const L2 = (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2;
    const f = L2 > 0 ? Math.max(0, Math.min(1, ((g[0] - a[0]) * (b[0] - a[0]) + (g[1] - a[1]) * (b[1] - a[1])) / L2)) : 0;
    best = Math.min(best, Math.hypot(g[0] - a[0] - f * (b[0] - a[0]), g[1] - a[1] - f * (b[1] - a[1])));
  }
  return inside ? 0 : best;
}

/**
 * How far beyond the calibrated area a ground position is still fit to measure with: the larger of
 * 5 m and a quarter of the area's extent (further out a pixel can be metres).
 */
export function measureMargin(cal: Calibration): number {
  return Math.max(5, calibratedExtent(cal) / 4);
}

/** Ground position of an image point where the calibration measures it (within `marginM` of its area); null elsewhere. */
export function measuredGround(cal: Calibration, p: Point, marginM = measureMargin(cal)): Point | null {
  const g = imageToGround(cal, p);
  return g && distanceOutsideCalibration(cal, g) <= marginM ? g : null;
}

/** The calibrated area's largest extent, metres (the hull's diameter). */
export function calibratedExtent(cal: Calibration): number {
  const g = cal.points.map((p) => p.ground);
  let d = 0;
  for (const a of g) for (const b of g) d = Math.max(d, Math.hypot(a[0] - b[0], a[1] - b[1]));
  return d;
}

/** Counter-clockwise convex hull (monotone chain). */
function convexHull(pts: Point[]): Point[] {
  const p = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [], upper: Point[] = [];
  for (const q of p) { while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop(); lower.push(q); }
  for (const q of p.reverse()) { while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop(); upper.push(q); }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}
