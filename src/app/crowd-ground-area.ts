// A crowd zone's ground area from the camera's stored image-to-ground calibration (issue 14's
// points, fitted by the traffic part): wired here, in the composition root, because the traffic part
// already depends on analytics. The polygon's vertices mapped to the ground bound the zone's ground
// polygon (a homography keeps straight lines straight), whose area is the shoelace area.
import { polygonArea, type Point } from '../analytics/index.ts';
import { fitHomography, imageToGround } from '../traffic/index.ts';
import type { Store } from '../store/index.ts';

export function crowdGroundArea(store: Store): (cameraId: string, polygon: Point[]) => Promise<number | null> {
  return async (cameraId, polygon) => {
    const row = await store.getCameraCalibration(cameraId);
    if (!row) return null;
    let ground: (Point | null)[];
    try {
      const cal = fitHomography(row.points);
      ground = polygon.map((p) => imageToGround(cal, p));
    } catch {
      return null;
    }
    // A zone reaching above the horizon has no finite ground area.
    if (ground.some((g) => g === null)) return null;
    return polygonArea(ground as Point[]);
  };
}
