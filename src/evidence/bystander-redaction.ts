// A violation's clip shows other road users, who did nothing the package is about: their plates
// (and people's faces) are pixelated with the export redaction of src/privacy, and the violator's
// own vehicle is spared. It is followed through the clip from its measured boxes: inside the
// measured span by its measured box at that time, before it by the box extrapolated from the
// measurements, after it from look to look by the detection that overlaps the one it was last
// matched with. When the match is in doubt (little overlap, or a neighbour that overlaps almost as
// much and the match is not close to exact) nothing is spared at that look: better the violator's plate hidden for a moment than
// another's shown. A person whose box centre is inside the violator's vehicle (its rider or driver) is its
// part of the evidence and is spared with it, as is anything found inside its box (its plate found
// again through a second, overlapping detection of the same vehicle). Pure: boxes in, the objects
// to hide and the box to keep out.
import type { FoundObject } from '../privacy/index.ts';
import { VEHICLE_CLASSES, implausibleVehicle } from '../privacy/index.ts';

type Box = [number, number, number, number];
export interface TimedBox { wallMs: number; box: Box }

/**
 * The selection for `redactVideo`'s `select`: every found object is hidden except the violator's
 * vehicle, and nothing inside its box (its plate found through a second, overlapping detection of
 * it; its rider or driver).
 */
export function spareViolator(track: readonly TimedBox[], fileStartMs: number): (seconds: number, found: readonly FoundObject[]) => { hide: FoundObject[]; keep: Box[] } {
  const path = [...track].sort((a, b) => a.wallMs - b.wallMs);
  let last: Box | null = null;
  return (seconds, found) => {
    const at = fileStartMs + seconds * 1000;
    // inside the measured span its measured box; outside it the box it was last matched with, or
    // (before any match) the extrapolated one
    const before = path.length > 0 && at < path[0].wallMs;
    const after = path.length > 0 && at > path[path.length - 1].wallMs;
    const expected = after ? (last ?? boxAt(path, at)) : boxAt(path, at);
    let best = -1, bestScore = 0, second = 0;
    if (expected) {
      found.forEach((f, i) => {
        // a box over the whole view overlaps a large violator's box well: kept, it would spare every plate inside it
        if (!VEHICLE_CLASSES.has(f.cls) || implausibleVehicle(f, found)) return;
        const score = iou(f.box, expected);
        if (score > bestScore) { second = bestScore; bestScore = score; best = i; } else if (score > second) second = score;
      });
    }
    // Not found at this look (hidden behind another vehicle, missed), or not told apart from a
    // neighbour (a row of parked cars): everything found is hidden. Before the measurements the
    // box is only extrapolated, so more overlap is asked for.
    if (best < 0 || bestScore < (before ? 0.5 : 0.2) || (second > 0.7 * bestScore && bestScore < 0.8)) return { hide: [...found], keep: [] };
    const v = found[best].box as Box;
    last = v;
    return { hide: found.filter((f, i) => i !== best && !(f.cls === 'person' && inside(centre(f.box as Box), v))), keep: [v] };
  };
}

/**
 * The measured box at a time: linear between measurements; beyond them (by at most 2 s) along the
 * motion from the first to the last measurement (two neighbours close in time would extrapolate
 * their jitter).
 */
export function boxAt(path: readonly TimedBox[], wallMs: number): Box | null {
  if (!path.length) return null;
  const first = path[0], last = path[path.length - 1];
  const lerp = (a: TimedBox, b: TimedBox, at: number): Box => {
    const dt = b.wallMs - a.wallMs;
    const k = dt === 0 ? 0 : (at - a.wallMs) / dt;
    return a.box.map((v, j) => v + (b.box[j] - v) * k) as Box;
  };
  if (wallMs < first.wallMs) return last === first ? first.box : lerp(first, last, Math.max(wallMs, first.wallMs - 2000));
  if (wallMs > last.wallMs) return last === first ? last.box : lerp(first, last, Math.min(wallMs, last.wallMs + 2000));
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
