// Privacy mask polygons: checked before they are stored, and turned into the pixels the server
// paints over. Points are normalised to the frame (0..1, y down) so one mask fits the main stream
// and the sub-stream alike. Pure.
import { PrivacyError } from './errors.ts';

export type Point = readonly [number, number];

export interface MaskShape {
  /** Normalised [x, y] vertices, 3..64, in order (either winding). */
  polygon: readonly Point[];
}

const MAX_POINTS = 64;
const MIN_AREA = 1e-6;

/** Throws PrivacyError BAD_REQUEST naming the field when the polygon cannot be a mask. */
export function validatePolygon(polygon: unknown, field = 'polygon'): Point[] {
  if (!Array.isArray(polygon)) throw new PrivacyError('BAD_REQUEST', `${field}: expected an array of [x, y] points`);
  if (polygon.length < 3 || polygon.length > MAX_POINTS) throw new PrivacyError('BAD_REQUEST', `${field}: a polygon needs 3 to ${MAX_POINTS} points, got ${polygon.length}`);
  const pts: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i] as unknown;
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new PrivacyError('BAD_REQUEST', `${field}/${i}: expected [x, y] with numbers`);
    }
    const [x, y] = p as [number, number];
    if (x < 0 || x > 1 || y < 0 || y > 1) throw new PrivacyError('BAD_REQUEST', `${field}/${i}: point (${x}, ${y}) is outside the frame (0..1 on both axes)`);
    pts.push([x, y]);
  }
  const crossing = selfCrossing(pts);
  if (crossing) throw new PrivacyError('BAD_REQUEST', `${field}: the polygon crosses itself (edges ${crossing[0]} and ${crossing[1]})`);
  if (Math.abs(signedArea(pts)) < MIN_AREA) throw new PrivacyError('BAD_REQUEST', `${field}: the polygon has no area`);
  return pts;
}

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

/** Pixel rectangle enclosing a set of polygons in a width×height frame (null: nothing to cover). */
export function maskBounds(polygons: readonly (readonly Point[])[], width: number, height: number): { x: number; y: number; w: number; h: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const poly of polygons) for (const [x, y] of poly) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) return null;
  // Even offsets and sizes: 4:2:0 chroma is subsampled by 2, an odd edge would leave half a chroma sample unpainted.
  const px0 = Math.max(0, Math.floor((x0 * width) / 2) * 2);
  const py0 = Math.max(0, Math.floor((y0 * height) / 2) * 2);
  const px1 = Math.min(width, Math.ceil((x1 * width) / 2) * 2);
  const py1 = Math.min(height, Math.ceil((y1 * height) / 2) * 2);
  if (px1 <= px0 || py1 <= py0) return null;
  return { x: px0, y: py0, w: px1 - px0, h: py1 - py0 };
}

/**
 * Coverage of the polygons on a width×height grid: 255 where a pixel is covered, else 0. A pixel is
 * covered when any part of it may be inside (the polygon is grown by a pixel's half-diagonal), so
 * no partly covered pixel at the edge leaks: masks err on the side of hiding.
 */
export function rasterizeMask(polygons: readonly (readonly Point[])[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (const poly of polygons) {
    const p = poly.map(([x, y]) => [x * width, y * height] as const);
    let minY = Infinity, maxY = -Infinity;
    for (const [, y] of p) { minY = Math.min(minY, y); maxY = Math.max(maxY, y); }
    for (let row = Math.max(0, Math.floor(minY) - 1); row <= Math.min(height - 1, Math.ceil(maxY)); row++) {
      // Scan the pixel row at its top, middle and bottom: any crossing span covers the pixel.
      for (const sy of [row + 0.001, row + 0.5, row + 0.999]) {
        const xs: number[] = [];
        for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
          const [xi, yi] = p[i], [xj, yj] = p[j];
          if ((yi > sy) !== (yj > sy)) xs.push(xi + ((sy - yi) * (xj - xi)) / (yj - yi));
        }
        xs.sort((a, b) => a - b);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          const a = Math.max(0, Math.floor(xs[k])), b = Math.min(width - 1, Math.ceil(xs[k + 1]) - 1);
          out.fill(255, row * width + a, row * width + Math.max(a, b) + 1);
        }
      }
    }
    // Vertices and near-horizontal edges between the scan lines: cover the pixels they pass through.
    for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
      const steps = Math.ceil(Math.max(Math.abs(p[i][0] - p[j][0]), Math.abs(p[i][1] - p[j][1])) * 2) + 1;
      for (let s = 0; s <= steps; s++) {
        const x = p[j][0] + ((p[i][0] - p[j][0]) * s) / steps, y = p[j][1] + ((p[i][1] - p[j][1]) * s) / steps;
        const px = Math.min(width - 1, Math.max(0, Math.floor(x))), py = Math.min(height - 1, Math.max(0, Math.floor(y)));
        out[py * width + px] = 255;
      }
    }
  }
  return out;
}
