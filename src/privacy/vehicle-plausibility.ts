// Which of the detector's vehicle boxes are vehicles, for plate search and for finding a
// violator's vehicle. NanoDet at its 320 px input often fires a low-score box over the whole view
// (car, bus or truck at 0.15–0.35 on most frames of the shared motorway and top-down clips). Its
// plate search then pixelates whatever has the most edges in the lower part of the frame (the
// verge), and in a violation's evidence such a box, taken for the violator, would spare every
// plate inside it. Its score does not tell it apart from a vehicle that really fills the view
// (real cars cut out and blown up to fill a frame scored 0.15–0.39 too), so it is told apart by
// what a vehicle that close could not do: have other, much smaller vehicles found wholly inside
// its box (it would hide them). With a calibration, and the camera it implies, two more: a box whose
// top reaches higher in the image than the tallest, longest vehicle standing where its bottom is
// could (traffic/camera-pose.ts), and a box whose bottom edge spans more ground than any vehicle's
// footprint. Anything else stays a vehicle: a plate is better hidden on a false box than shown on a
// real one. Pure.
import { VEHICLE_CLASSES, type FoundObject } from './redaction-regions.ts';

type Box = readonly [number, number, number, number];
type Point = [number, number];

export interface PlausibilityOptions {
  /**
   * Ground position in metres of a normalised image point, where the camera's calibration
   * measures it (null elsewhere: on or beyond the horizon, or far outside the calibrated area).
   */
  toGround?: (p: Point) => Point | null;
  /**
   * The highest (smallest normalised y) a vehicle's top can appear when its box's bottom centre is
   * at this image point (the calibrated camera's view of the tallest, longest vehicle there); null: unknown.
   */
  topBound?: (bottom: Point) => number | null;
  /** The widest a vehicle's box can be on the ground, metres (default MAX_FOOTPRINT_M). */
  maxFootprintM?: number;
}

/**
 * The longest road vehicle (an articulated bus or lorry, 18.75 m in the EU) seen from any side
 * spans at most ~19 m along its box's bottom edge; 25 m leaves room for a loose box.
 */
export const MAX_FOOTPRINT_M = 25;
/** A box covering at least this share of the frame is "the whole view" (the artefact's boxes cover 0.78–1.0). */
export const WHOLE_VIEW_AREA = 0.6;
/** ...and is no vehicle when at least this many vehicles under a quarter of its size lie wholly inside it. */
export const HIDDEN_VEHICLES = 2;
/** A box's top may be this much (of the frame's height) above the calibrated bound: a loose box. */
export const TOP_SLACK = 0.05;

export type Implausible = 'covers the view over other vehicles' | 'wider on the ground than any vehicle' | 'reaches higher than any vehicle standing there';

/** Why a vehicle box is not a vehicle, or null when it may be one. */
export function implausibleVehicle(f: FoundObject, found: readonly FoundObject[], o: PlausibilityOptions = {}): Implausible | null {
  if (!VEHICLE_CLASSES.has(f.cls)) return null;
  const a = area(f.box);
  if (a >= WHOLE_VIEW_AREA) {
    const inside = found.filter((g) => g !== f && VEHICLE_CLASSES.has(g.cls) && area(g.box) < a / 4 && contains(f.box, g.box));
    if (inside.length >= HIDDEN_VEHICLES) return 'covers the view over other vehicles';
  }
  if (o.topBound) {
    const top = o.topBound([(f.box[0] + f.box[2]) / 2, f.box[3]]);
    if (top !== null && f.box[1] < top - TOP_SLACK) return 'reaches higher than any vehicle standing there';
  }
  if (o.toGround) {
    const l = o.toGround([f.box[0], f.box[3]]), r = o.toGround([f.box[2], f.box[3]]);
    if (l && r && Math.hypot(l[0] - r[0], l[1] - r[1]) > (o.maxFootprintM ?? MAX_FOOTPRINT_M)) return 'wider on the ground than any vehicle';
  }
  return null;
}

/** The objects found, without the vehicle boxes that cannot be vehicles (people and others untouched). */
export function plausibleObjects(found: readonly FoundObject[], o: PlausibilityOptions = {}): FoundObject[] {
  return found.filter((f) => implausibleVehicle(f, found, o) === null);
}

const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
const contains = (outer: Box, inner: Box) => inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3];
