// Who stands in a zone now: the count of each class whose box's bottom centre lies in the zone's
// polygon. Shared by the crowd rule and by `vigil analyze`'s occupancy output, so what the alarm
// counts and what a user checks against a hand count are one and the same number. Pure.
import { bottomCentre, pointInPolygon, type Box, type Point, type Polygon } from '../geometry.ts';
import type { DetClass } from '../detector-types.ts';
import type { Track } from '../tracker.ts';

export type ClassCount = Partial<Record<DetClass, number>>;

/**
 * How far inside the frame a standing point is pulled before the polygon test. A person whose feet
 * are cut by the frame's bottom edge has a box ending at exactly 1.0, and a zone drawn to the
 * frame's edge has its edge there too: on the boundary the even-odd test may go either way, and
 * such people dropped out of a whole-frame zone. Pulled in, they count.
 */
const EDGE_PULL = 1e-4;

export function standingPoint(b: Box): Point {
  const [x, y] = bottomCentre(b);
  return [Math.min(Math.max(x, EDGE_PULL), 1 - EDGE_PULL), Math.min(Math.max(y, EDGE_PULL), 1 - EDGE_PULL)];
}

export function inZone(b: Box, polygon: Polygon): boolean {
  return pointInPolygon(standingPoint(b), polygon);
}

/** The tracks standing in `polygon`, counted per class. */
export function zoneOccupancy(tracks: readonly Track[], polygon: Polygon): ClassCount {
  const out: ClassCount = {};
  for (const tr of tracks) if (inZone(tr.box, polygon)) out[tr.cls] = (out[tr.cls] ?? 0) + 1;
  return out;
}
