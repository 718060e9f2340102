// Which tracks the detector may leave alone for a frame. The model is most of the CPU a frame
// costs, and on a busy camera much of what it looks at is objects already tracked, moving as the
// tracker expects. Such a track is "carried" instead: the pipeline feeds its predicted box to the
// tracker as its detection, and the detector looks at it again on the next frame. Everything else
// goes to the detector as before, on the same frame:
//  - motion not lying on a carried track's predicted box (something new, or a track going astray):
//    new objects are looked at at once;
//  - tentative tracks (they need a real sighting or die), lost ones, young ones (few hits) and ones
//    without a velocity (missed on one of the last two frames);
//  - a track carried on the last frame (`maxSkip` frames in a row at most);
//  - a track whose movement until the next frame comes near a counting line or a zone edge: counts
//    and zone entries are decided on real detections, never on a prediction;
//  - a track whose box meets a crop the detector looks at anyway (it is seen whole, not cut).
// When every track is carried and all motion lies on them, the detector does not run at all.
// Pure.
import { segmentsIntersect, bottomCentre, type Box, type Point } from './geometry.ts';
import type { Track } from './tracker.ts';

export interface SkipOptions {
  /** most frames in a row a track is carried (default 1: looked at on every other frame at least; 0: never carry) */
  maxSkip?: number;
  /** a track is carried only after this many detections (default 3) */
  minHits?: number;
  /**
   * ... and when its last detection scored at least this (default 0: a confirmed track matched on
   * the last frame, even by a weak detection (partly hidden, far away), is carried like any other)
   */
  minScore?: number;
  /** a predicted box explains motion after growing by this fraction of its size on each side (default 0.25) */
  grow?: number;
  /** fraction of a motion box that must lie inside grown predicted boxes to be explained (default 0.85) */
  cover?: number;
  /** distance from lines and zone edges, in box heights, inside which a track is always detected (default 0.5) */
  guardMargin?: number;
}

/** A confirmed track and where it should be on this frame. */
export interface Carried { track: Track; predicted: Box }

export interface PlanInput {
  /** normalised motion boxes of this frame */
  motion: Box[];
  /** every live track (tracker.all()) */
  tracks: Track[];
  /** a track's predicted box on this frame and on the next (null: no velocity known) */
  predict: (t: Track) => { now: Box; next: Box } | null;
  /** frames in a row a track has just been carried (0 if it was detected) */
  carriedInARow: (t: Track) => number;
  /** counting lines and zone edges */
  guards: [Point, Point][];
  /** the crops the detector would look at for these boxes (normalised), e.g. motionCrops */
  cropsFor: (look: Box[]) => Box[];
}

export interface Plan {
  /** crops for the detector (normalised; empty: the detector rests) */
  crops: Box[];
  /** tracks carried to their predicted boxes instead */
  carried: Carried[];
}

export function planDetection(input: PlanInput, opts: SkipOptions = {}): Plan {
  const maxSkip = opts.maxSkip ?? 1;
  const minHits = opts.minHits ?? 3;
  const minScore = opts.minScore ?? 0;
  const grow = opts.grow ?? 0.25;
  const margin = opts.guardMargin ?? 0.5;
  const cover = opts.cover ?? 0.85;
  // Tracks looked at for sure: where the tracker expects them (as without carrying).
  const fixed: Box[] = [];
  let candidates: (Carried & { grown: Box })[] = [];
  for (const tr of input.tracks) {
    if (tr.state === 'tentative') continue; // the motion it stands on brings the detector
    const p = tr.state === 'confirmed' && tr.misses === 0 && tr.hits >= minHits && tr.score >= minScore && input.carriedInARow(tr) < maxSkip ? input.predict(tr) : null;
    if (!p || nearGuard(tr.box, p.next, input.guards, margin)) { fixed.push(tr.box); continue; }
    const w = p.now[2] - p.now[0], h = p.now[3] - p.now[1];
    candidates.push({ track: tr, predicted: p.now, grown: [p.now[0] - grow * w, p.now[1] - grow * h, p.now[2] + grow * w, p.now[3] + grow * h] });
  }
  if (candidates.length === 0) return { crops: input.cropsFor([...input.motion, ...fixed]), carried: [] };
  // Drop candidates until none meets what the detector looks at: motion they do not explain, the
  // fixed tracks, dropped candidates, and the crops all those make.
  for (;;) {
    const look = [...fixed];
    for (const m of input.motion) if (coveredFraction(m, candidates.map((c) => c.grown)) < cover) look.push(m);
    const crops = look.length ? input.cropsFor(look) : [];
    const keep = candidates.filter((c) => !crops.some((r) => overlaps(r, c.grown)));
    if (keep.length === candidates.length) return { crops, carried: candidates.map(({ track, predicted }) => ({ track, predicted })) };
    for (const c of candidates) if (!keep.includes(c)) fixed.push(c.track.box);
    candidates = keep;
    if (candidates.length === 0) return { crops: input.cropsFor([...input.motion, ...fixed]), carried: [] };
  }
}

function overlaps(a: Box, b: Box): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * Whether the way a track's bottom centre (where line and zone rules measure) goes from its box now
 * to its predicted box on the next frame passes within `margin` box heights of a guard.
 */
function nearGuard(now: Box, next: Box, guards: [Point, Point][], margin: number): boolean {
  if (guards.length === 0) return false;
  const a = bottomCentre(now), b = bottomCentre(next);
  const m = margin * Math.max(now[3] - now[1], next[3] - next[1]);
  const r: Box = [Math.min(a[0], b[0]) - m, Math.min(a[1], b[1]) - m, Math.max(a[0], b[0]) + m, Math.max(a[1], b[1]) + m];
  return guards.some(([p, q]) => segmentMeetsBox(p, q, r));
}

export function segmentMeetsBox(p: Point, q: Point, r: Box): boolean {
  const inside = (s: Point) => s[0] >= r[0] && s[0] <= r[2] && s[1] >= r[1] && s[1] <= r[3];
  if (inside(p) || inside(q)) return true;
  const c: Point[] = [[r[0], r[1]], [r[2], r[1]], [r[2], r[3]], [r[0], r[3]]];
  for (let i = 0; i < 4; i++) if (segmentsIntersect(p, q, c[i], c[(i + 1) % 4])) return true;
  return false;
}

/** Fraction of a box inside the union of `boxes`, sampled on an 8×8 grid of cell centres. */
export function coveredFraction(m: Box, boxes: Box[]): number {
  const n = 8;
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const y = m[1] + ((i + 0.5) / n) * (m[3] - m[1]);
    for (let j = 0; j < n; j++) {
      const x = m[0] + ((j + 0.5) / n) * (m[2] - m[0]);
      for (const b of boxes) if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) { hit++; break; }
    }
  }
  return hit / (n * n);
}
