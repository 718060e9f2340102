// A tour: the tour's cameras shown in turn on a layout's tiles, a page of them per dwell. Pure.

export interface Tour {
  /** seconds each page stays on the wall */
  dwellSeconds: number;
  cameraIds: string[];
}

/** The step of a tour that started at `startedAt`, at `now`. */
export function tourStep(tour: Tour, startedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - startedAt) / (tour.dwellSeconds * 1000)));
}

/**
 * The cameras of each tile at a tour's step: the tiles take the next `tiles` cameras of the list,
 * wrapping at its end (a list shorter than the wall repeats no camera on one page: spare tiles are
 * empty).
 */
export function tourPage(tour: Tour, tiles: number, step: number): (string | null)[] {
  const list = tour.cameraIds;
  if (list.length === 0 || tiles <= 0) return Array.from({ length: Math.max(0, tiles) }, () => null);
  if (list.length <= tiles) {
    // One page holds them all: turn the list by one each step so every camera gets the large tile.
    const turned = list.map((_, i) => list[(i + step) % list.length]);
    return Array.from({ length: tiles }, (_, i) => turned[i] ?? null);
  }
  const pages = Math.ceil(list.length / tiles);
  const start = (step % pages) * tiles;
  return Array.from({ length: tiles }, (_, i) => list[(start + i) % list.length]);
}

/** Milliseconds until the tour turns to its next step. */
export function msToNextStep(tour: Tour, startedAt: number, now: number): number {
  const dwell = tour.dwellSeconds * 1000;
  return dwell - (Math.max(0, now - startedAt) % dwell);
}
