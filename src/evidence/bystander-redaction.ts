// A violation's clip shows other road users, who did nothing the package is about: their plates
// (and people's faces) are pixelated with the export redaction of src/privacy, and the violator's
// own vehicle is spared. It is followed through the clip from its measured boxes: inside the
// measured span by its box at that time, before and after it by the box extrapolated from the
// nearest two, and from look to look by the detection that overlaps the last one it was matched
// with. A person whose box centre is inside the violator's vehicle (its rider or driver) is its
// part of the evidence and is spared with it. Pure: boxes in, the objects to hide out.
import type { FoundObject } from '../privacy/index.ts';
import { VEHICLE_CLASSES } from '../privacy/index.ts';

type Box = [number, number, number, number];
export interface TimedBox { wallMs: number; box: Box }

/** The selection for `redactVideo`'s `select`: every found object except the violator's vehicle (and who rides in it). */
export function spareViolator(track: readonly TimedBox[], fileStartMs: number): (seconds: number, found: readonly FoundObject[]) => FoundObject[] {
  const path = [...track].sort((a, b) => a.wallMs - b.wallMs);
  let last: Box | null = null;
  return (seconds, found) => {
    const expected = last ?? boxAt(path, fileStartMs + seconds * 1000);
    const measured = boxAt(path, fileStartMs + seconds * 1000);
    let best = -1, bestScore = 0;
    found.forEach((f, i) => {
      if (!VEHICLE_CLASSES.has(f.cls)) return;
      // the box expected from the measurements while they last, else the one followed so far
      const score = Math.max(measured ? iou(f.box, measured) : 0, expected ? iou(f.box, expected) : 0);
      if (score > bestScore) { bestScore = score; best = i; }
    });
    if (best < 0 || bestScore < 0.2) {
      // not found at this look: it may be hidden behind another vehicle; the followed box is kept
      return [...found];
    }
    const v = found[best].box as Box;
    last = v;
    return found.filter((f, i) => i !== best && !(f.cls === 'person' && inside(centre(f.box as Box), v)));
  };
}

/**
 * The measured box at a time: linear between measurements; beyond them (by at most 2 s) along the
 * motion between the end and the middle measurement (two neighbours close in time extrapolate
 * their jitter).
 */
export function boxAt(path: readonly TimedBox[], wallMs: number): Box | null {
  if (!path.length) return null;
  const first = path[0], last = path[path.length - 1], mid = path[Math.floor(path.length / 2)];
  const lerp = (a: TimedBox, b: TimedBox, at: number): Box => {
    const dt = b.wallMs - a.wallMs;
    const k = dt === 0 ? 0 : (at - a.wallMs) / dt;
    return a.box.map((v, j) => v + (b.box[j] - v) * k) as Box;
  };
  if (wallMs < first.wallMs) return mid === first ? first.box : lerp(first, mid, Math.max(wallMs, first.wallMs - 2000));
  if (wallMs > last.wallMs) return mid === last ? last.box : lerp(mid, last, Math.min(wallMs, last.wallMs + 2000));
  let i = 0;
  while (i < path.length - 2 && path[i + 1].wallMs < wallMs) i++;
  return lerp(path[i], path[i + 1], wallMs);
}

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

const centre = (b: Box): [number, number] => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
const inside = (p: [number, number], b: Box) => p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
