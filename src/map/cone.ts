// A camera's field of view on the ground: a circular sector from its position (fixed camera) or a
// full circle of reach (PTZ, which can turn to any bearing).
import { angleDiff, fromLocal, metresPerDegreeLon, METRES_PER_DEGREE_LAT, toLocal, type BBox, type LonLat } from './geo.ts';

export interface ViewCone {
  lon: number;
  lat: number;
  /** Where the camera looks: degrees from north, clockwise. */
  bearing: number;
  /** Horizontal field of view in degrees (1–360). */
  angle: number;
  /** How far it usefully sees, in metres. */
  range: number;
  /** A PTZ camera reaches the whole circle, whatever its current bearing. */
  ptz: boolean;
}

export function coneCoversFullCircle(cone: ViewCone): boolean {
  return cone.ptz || cone.angle >= 360;
}

/** Is the point inside the cone (its edge included)? */
export function coneContains(cone: ViewCone, p: LonLat): boolean {
  const { x, y } = toLocal([cone.lon, cone.lat], p);
  const d2 = x * x + y * y;
  if (d2 > cone.range * cone.range) return false;
  if (coneCoversFullCircle(cone) || d2 === 0) return true;
  const towards = (Math.atan2(x, y) * 180) / Math.PI;
  return Math.abs(angleDiff(cone.bearing, towards)) <= cone.angle / 2 + 1e-9;
}

/** The cone as a closed polygon ring (for drawing and GeoJSON); `steps` segments along the arc. */
export function conePolygon(cone: ViewCone, steps = 24): LonLat[] {
  const origin: LonLat = [cone.lon, cone.lat];
  const full = coneCoversFullCircle(cone);
  const span = full ? 360 : cone.angle;
  const start = full ? 0 : cone.bearing - span / 2;
  const ring: LonLat[] = full ? [] : [origin];
  const n = Math.max(2, Math.ceil((steps * span) / 90));
  for (let i = 0; i < (full ? n : n + 1); i++) {
    const deg = ((start + (span * i) / n) * Math.PI) / 180;
    ring.push(fromLocal(origin, Math.sin(deg) * cone.range, Math.cos(deg) * cone.range));
  }
  ring.push(ring[0]!);
  return ring;
}

/** A box holding the whole cone (the circle of its range: cheap and always enough). */
export function coneBBox(cone: ViewCone): BBox {
  const dLon = cone.range / metresPerDegreeLon(cone.lat);
  const dLat = cone.range / METRES_PER_DEGREE_LAT;
  return { west: cone.lon - dLon, south: cone.lat - dLat, east: cone.lon + dLon, north: cone.lat + dLat };
}
