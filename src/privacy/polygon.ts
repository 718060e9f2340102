// Whether a polygon is simple (no edge crosses or touches another): privacy masks and analytics
// zones are refused when they cross themselves. Imports nothing, so the web's drawing tool uses the
// very same check to say so before anything is sent. Pure.

export type Point = readonly [number, number];

export function signedArea(pts: readonly Point[]): number {
  let a = 0;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) a += (pts[j][0] - pts[i][0]) * (pts[j][1] + pts[i][1]);
  return a / 2;
}

function orient(a: Point, b: Point, c: Point): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return Math.abs(v) < 1e-12 ? 0 : Math.sign(v);
}

function onSegment(a: Point, b: Point, p: Point): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

function segmentsTouch(a: Point, b: Point, c: Point, d: Point): boolean {
  const o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, b, c)) || (o2 === 0 && onSegment(a, b, d)) || (o3 === 0 && onSegment(c, d, a)) || (o4 === 0 && onSegment(c, d, b));
}

/** The first pair of non-adjacent edges that touch or cross (edge i runs from point i to i+1), or null. */
export function selfCrossing(pts: readonly Point[]): [number, number] | null {
  const n = pts.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue; // neighbours share a vertex
      if (segmentsTouch(pts[i], pts[(i + 1) % n], pts[j], pts[(j + 1) % n])) return [i, j];
    }
  }
  // Adjacent edges folding back on each other (a spike of zero width) also make no simple polygon.
  for (let i = 0; i < n; i++) {
    const a = pts[(i + n - 1) % n], b = pts[i], c = pts[(i + 1) % n];
    if (orient(a, b, c) === 0 && (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0) return [(i + n - 1) % n, i];
  }
  return null;
}


/** Below this (normalised²) a polygon has no area to speak of. */
export const MIN_POLYGON_AREA = 1e-6;

export type PolygonProblem =
  | { kind: 'too_few'; points: number }
  | { kind: 'crosses'; edges: [number, number] }
  | { kind: 'no_area' };

/** Why these points make no usable zone (fewer than three, crossing itself, no area), or null. */
export function polygonProblem(pts: readonly Point[]): PolygonProblem | null {
  if (pts.length < 3) return { kind: 'too_few', points: pts.length };
  const edges = selfCrossing(pts);
  if (edges) return { kind: 'crosses', edges };
  if (Math.abs(signedArea(pts)) < MIN_POLYGON_AREA) return { kind: 'no_area' };
  return null;
}
