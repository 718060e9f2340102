// Synthetic grey frames and tracks for the analytics unit tests.
import type { Track } from '../../src/analytics/tracker.ts';
import type { Box } from '../../src/analytics/geometry.ts';
import type { DetClass } from '../../src/analytics/detector-types.ts';

/** A textured grey scene (so it is neither uniform nor edge-free), brightness shifted by `offset`. */
export function scene(w: number, h: number, offset = 0, shiftX = 0): Uint8Array {
  const g = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    // smooth shapes plus fixed fine texture (what real scenes have and defocus destroys)
    const grain = ((((x + shiftX) * 73856093) ^ (y * 19349663)) >>> 0) % 31 - 15;
    const v = 110 + 40 * Math.sin((x + shiftX) / 5) * Math.sin(y / 7) + 20 * Math.sin((x + shiftX + 2 * y) / 23) + grain + offset;
    g[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return g;
}

export function drawSquare(g: Uint8Array, w: number, x: number, y: number, size: number, value: number): void {
  for (let yy = y; yy < y + size; yy++) for (let xx = x; xx < x + size; xx++) g[yy * w + xx] = value;
}

let nextFake = 1000;
export function track(box: Box, opts: { id?: number; cls?: DetClass; firstSeen?: number; t?: number; firstBox?: Box } = {}): Track {
  return { id: opts.id ?? nextFake++, cls: opts.cls ?? 'car', score: 0.9, box, state: 'confirmed', hits: 5, misses: 0, firstSeen: opts.firstSeen ?? 0, lastSeen: opts.t ?? 0, firstBox: opts.firstBox ?? box };
}

/** A box of size s whose bottom centre is at (x, y). */
export function boxAt(x: number, y: number, s = 0.05): Box {
  return [x - s / 2, y - s, x + s / 2, y];
}
