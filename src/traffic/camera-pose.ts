// The camera behind a ground calibration: a plane homography is K·[r1 r2 t] up to scale, so with
// square pixels and the principal point at the frame's centre (what nearly every fixed camera
// has) its one unknown, the focal length, follows from r1 ⟂ r2 and |r1| = |r2| (Zhang's
// constraints for a single view), and with it the camera's height over the road and where a point
// above the ground appears. Used to tell what cannot be a vehicle: a box whose top reaches higher
// in the image than any vehicle standing where its bottom is could reach. Pure.
import type { Point } from '../analytics/index.ts';
import { imageToGround, type Calibration } from './homography.ts';

type Vec3 = [number, number, number];

/**
 * How far from orthonormal the recovered ground axes may be (relative) for the camera to be
 * believed: a frame sheared by a few degrees (lane dashes taken as level across the road when
 * they are not: highway_nl's is 0.085) still places a point above the road within a few pixels.
 */
const MAX_SKEW = 0.15;

export interface CameraPose {
  /** focal length in frame heights */
  focal: number;
  /** width / height of the frame */
  aspect: number;
  /** the camera's centre in the ground frame (metres); z is its height over the ground plane (> 0) */
  centre: Vec3;
  /** normalised image position of a point (ground x, y, height z in metres); null behind the camera */
  project(p: Vec3): Point | null;
}

/** The camera of a calibration made on a frame of this aspect (width / height); null when the homography does not fix one. */
export function cameraFromCalibration(cal: Calibration, aspect: number): CameraPose | null {
  const h = cal.toImage;
  // ground → image in square units (x × aspect), principal point at the centre
  const cx = aspect / 2, cy = 0.5;
  const col = (j: number): Vec3 => [h[j] * aspect, h[3 + j], h[6 + j]];
  const g1 = col(0), g2 = col(1), g3 = col(2);
  const p = (g: Vec3): [number, number] => [g[0] - cx * g[2], g[1] - cy * g[2]];
  const p1 = p(g1), p2 = p(g2);
  // (p1·p2)·x + q1q2 = 0 and (|p1|² − |p2|²)·x + (q1² − q2²) = 0, x = 1/f², in least squares
  const a1 = p1[0] * p2[0] + p1[1] * p2[1], b1 = g1[2] * g2[2];
  const a2 = p1[0] ** 2 + p1[1] ** 2 - p2[0] ** 2 - p2[1] ** 2, b2 = g1[2] ** 2 - g2[2] ** 2;
  const den = a1 * a1 + a2 * a2;
  if (!(den > 0)) return null;
  const x = -(a1 * b1 + a2 * b2) / den;
  if (!(x > 0) || !Number.isFinite(x)) return null;
  const f = 1 / Math.sqrt(x);
  const unK = (g: Vec3): Vec3 => [(g[0] - cx * g[2]) / f, (g[1] - cy * g[2]) / f, g[2]];
  let r1 = unK(g1), r2 = unK(g2), t = unK(g3);
  const lambda = (norm(r1) + norm(r2)) / 2;
  // A ground frame that is not metric (sheared, two scales) fits no pinhole: r1, r2 stay unequal or
  // skewed. Then nothing is said about the camera.
  if (Math.abs(norm(r1) - norm(r2)) / lambda > MAX_SKEW || Math.abs(dot(r1, r2)) / (lambda * lambda) > MAX_SKEW) return null;
  r1 = scale(r1, 1 / lambda); r2 = scale(r2, 1 / lambda); t = scale(t, 1 / lambda);
  // the visible ground is in front of the camera
  if (t[2] < 0) { r1 = scale(r1, -1); r2 = scale(r2, -1); t = scale(t, -1); }
  const r3 = unit(cross(r1, r2));
  // camera centre C = −Rᵀt, R's columns r1 r2 r3
  const c: Vec3 = [-dot(r1, t), -dot(r2, t), -dot(r3, t)];
  // "up" is the side of the ground the camera is on
  const up = c[2] >= 0 ? 1 : -1;
  const centre: Vec3 = [c[0], c[1], Math.abs(c[2])];
  return {
    focal: f, aspect, centre,
    project([X, Y, Z]) {
      const z = up * Z;
      const q: Vec3 = [r1[0] * X + r2[0] * Y + r3[0] * z + t[0], r1[1] * X + r2[1] * Y + r3[1] * z + t[1], r1[2] * X + r2[2] * Y + r3[2] * z + t[2]];
      if (q[2] <= 1e-9) return null;
      return [(f * q[0] / q[2] + cx) / aspect, f * q[1] / q[2] + cy];
    },
  };
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const norm = (a: Vec3) => Math.sqrt(dot(a, a));
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const unit = (a: Vec3): Vec3 => scale(a, 1 / norm(a));
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** The tallest road vehicle (a double-deck bus, a car transporter), metres, with room for a loose box. */
export const VEHICLE_MAX_HEIGHT_M = 5;
/** The longest (an articulated bus or lorry: 18.75 m in the EU). */
export const VEHICLE_MAX_LENGTH_M = 19;

/**
 * For a calibration made on frames of this aspect: the highest a vehicle's top can appear in the
 * image (smallest normalised y) when its box's bottom centre is at a given image point; null where
 * nothing can be said (no camera fits the calibration, the point is not on the ground). A vehicle
 * reaches highest in the image at its far end, so the bound is the top of the tallest vehicle
 * standing there and reaching the longest vehicle's length away from the camera; a box cut by the
 * frame's bottom stands nearer, which only lowers its top (when the camera is above it).
 */
export function vehicleTopBound(cal: Calibration, aspect: number): ((bottom: Point) => number | null) | null {
  const cam = cameraFromCalibration(cal, aspect);
  // a camera not well above the tallest vehicle sees vehicles reach above its horizon, the nearer the higher
  if (!cam || cam.centre[2] < 1.5 * VEHICLE_MAX_HEIGHT_M) return null;
  return (bottom) => {
    const g = imageToGround(cal, bottom);
    if (!g) return null;
    const dx = g[0] - cam.centre[0], dy = g[1] - cam.centre[1], d = Math.hypot(dx, dy) || 1;
    const near = cam.project([g[0], g[1], VEHICLE_MAX_HEIGHT_M]);
    const far = cam.project([g[0] + (dx / d) * VEHICLE_MAX_LENGTH_M, g[1] + (dy / d) * VEHICLE_MAX_LENGTH_M, VEHICLE_MAX_HEIGHT_M]);
    if (!near || !far) return null;
    return Math.min(near[1], far[1]);
  };
}
