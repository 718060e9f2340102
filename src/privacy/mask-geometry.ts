// Privacy mask polygons: checked before they are stored, and turned into the pixels the server
// paints over. Points are normalised to the frame (0..1, y down) so one mask fits the main stream
// and the sub-stream alike. Pure.
import { PrivacyError } from './errors.ts';
import { polygonProblem, type Point } from './polygon.ts';

export type { Point };

export interface MaskShape {
  /** Normalised [x, y] vertices, 3..64, in order (either winding). */
  polygon: readonly Point[];
}

const MAX_POINTS = 64;

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
  const problem = polygonProblem(pts);
  if (problem?.kind === 'crosses') throw new PrivacyError('BAD_REQUEST', `${field}: the polygon crosses itself (edges ${problem.edges[0]} and ${problem.edges[1]})`);
  if (problem) throw new PrivacyError('BAD_REQUEST', `${field}: the polygon has no area`);
  return pts;
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
