// Geometry on a city's scale: a few tens of kilometres, where a local equirectangular projection
// around a reference point is accurate to well under a metre per kilometre, and far cheaper than
// great-circle formulas in the inner loops (coverage samples millions of points).

/** Longitude, latitude in degrees (WGS 84), GeoJSON order. */
export type LonLat = readonly [number, number];

export interface BBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
export const METRES_PER_DEGREE_LAT = EARTH_RADIUS_M * RAD;

/** Metres per degree of longitude at a latitude. */
export function metresPerDegreeLon(lat: number): number {
  return METRES_PER_DEGREE_LAT * Math.cos(lat * RAD);
}

/** Offset in metres (x east, y north) of `p` from `origin`. */
export function toLocal(origin: LonLat, p: LonLat): { x: number; y: number } {
  return { x: (p[0] - origin[0]) * metresPerDegreeLon(origin[1]), y: (p[1] - origin[1]) * METRES_PER_DEGREE_LAT };
}

/** The point `x` metres east and `y` metres north of `origin`. */
export function fromLocal(origin: LonLat, x: number, y: number): LonLat {
  return [origin[0] + x / metresPerDegreeLon(origin[1]), origin[1] + y / METRES_PER_DEGREE_LAT];
}

export function distanceM(a: LonLat, b: LonLat): number {
  const { x, y } = toLocal(a, b);
  return Math.hypot(x, y);
}

/** Compass bearing from a to b in degrees, 0 = north, clockwise, in [0, 360). */
export function bearingDeg(a: LonLat, b: LonLat): number {
  const { x, y } = toLocal(a, b);
  return normalizeBearing(Math.atan2(x, y) / RAD);
}

export function normalizeBearing(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/** Signed smallest difference b - a in degrees, in (-180, 180]. */
export function angleDiff(a: number, b: number): number {
  const d = normalizeBearing(b - a);
  return d > 180 ? d - 360 : d;
}

export function isValidLonLat(lon: number, lat: number): boolean {
  return Number.isFinite(lon) && Number.isFinite(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

export function bboxOf(points: readonly LonLat[]): BBox {
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (const [lon, lat] of points) {
    if (lon < west) west = lon;
    if (lon > east) east = lon;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  return { west, south, east, north };
}

export function bboxIntersects(a: BBox, b: BBox): boolean {
  return a.west <= b.east && b.west <= a.east && a.south <= b.north && b.south <= a.north;
}

export function bboxContains(b: BBox, p: LonLat): boolean {
  return p[0] >= b.west && p[0] <= b.east && p[1] >= b.south && p[1] <= b.north;
}

/** Ray casting; a ring is closed implicitly (the last point may or may not repeat the first). */
export function pointInRing(p: LonLat, ring: readonly LonLat[]): boolean {
  let inside = false;
  const [x, y] = p;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Area of a ring in square metres (shoelace on the local projection). */
export function ringAreaM2(ring: readonly LonLat[]): number {
  if (ring.length < 3) return 0;
  const origin = ring[0]!;
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = toLocal(origin, ring[j]!);
    const b = toLocal(origin, ring[i]!);
    twice += a.x * b.y - b.x * a.y;
  }
  return Math.abs(twice) / 2;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, not closed. */
export function convexHull(points: readonly LonLat[]): LonLat[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const cross = (o: LonLat, a: LonLat, b: LonLat) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: LonLat[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: LonLat[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}
