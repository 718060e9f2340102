// Ground area of an image zone from an image-to-ground homography. A homography maps straight
// lines to straight lines, so a polygon's image maps to the polygon of its mapped vertices, and its
// area is that polygon's (shoelace) area. Takes a row-major 3×3 matrix from normalised image
// coordinates (u, v in 0..1) to ground metres, like the traffic part's Calibration.toGround (live
// cameras use their stored calibration through src/app/crowd-ground-area.ts). Pure.
import { AnalyticsError } from './errors.ts';
import { polygonArea, type Point, type Polygon } from './geometry.ts';

/** Row-major 3×3: [X, Y, W] = H · [u, v, 1]; ground point (X/W, Y/W) in metres. */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

export function toGround(h: Homography, p: Point): Point {
  const w = h[6] * p[0] + h[7] * p[1] + h[8];
  // A point on or above the horizon has no place on the ground.
  if (!(w > 1e-12)) throw new AnalyticsError('BAD_ARGUMENT', `image point (${p[0]}, ${p[1]}) lies on or beyond the horizon of the ground calibration`);
  return [(h[0] * p[0] + h[1] * p[1] + h[2]) / w, (h[3] * p[0] + h[4] * p[1] + h[5]) / w];
}

/** The zone's area on the ground, m². */
export function groundAreaM2(polygon: Polygon, h: Homography): number {
  return polygonArea(polygon.map((p) => toGround(h, p)));
}
