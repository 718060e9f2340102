// Counting line. A crossing is "positive" when the bottom centre of the box goes from the side
// where cross(P2−P1, p−P1) < 0 to the side where it is > 0 (image coordinates, y down: for a line
// drawn left to right, moving down the image). The movement must pass through the segment itself,
// not its extension; each track counts at most once per direction. Pure.
//
// Three guards make the count hold on real detector output (bench/results/eval-analytics-2026-11-30.md):
// - A track is judged from where it was born (its first, still tentative, box), so an object that
//   crosses while its track is being confirmed is counted, and a track born past the line (one
//   re-born after a gap, or a second track on an object already counted) never counts.
// - Hysteresis: a side only counts once the point is a margin (a fraction of the box height) away
//   from the line, so a box that swells or jitters across it and back is no crossing.
// - Only an object that has moved counts: a static thing the detector boxes now and then (a
//   shadow, a sign) may sit on the line; its crossing waits, pending, until the track has been at
//   least half its own size away from where it was born, and lapses if it goes back.
import { bottomCentre, cross, segmentsIntersect, type Box, type Point } from '../geometry.ts';
import type { Track } from '../tracker.ts';
import type { DetClass } from '../detector-types.ts';
import { FORGET_AFTER_S, type RuleEvent } from './types.ts';

export interface LineDef { name: string; p1: Point; p2: Point; classes?: DetClass[] }

export interface LineCounterOptions {
  /** dead band either side of the line, as a fraction of the box height (default 0.1) */
  margin?: number;
  /** distance from its birth point a track must have reached, in birth-box sizes, to be counted (default 0.5) */
  minTravel?: number;
}

type Direction = 'positive' | 'negative';

interface Memory {
  /** the side the track was last clearly on (-1, +1; 0 = born exactly on the line) */
  side: number;
  /** its last point clearly on that side */
  point: Point;
  birth: Point;
  /** max(width, height) of the birth box */
  birthSize: number;
  moved: boolean;
  pending: Direction | null;
  seen: number;
  counted: Set<Direction>;
}

export type ClassCounts = Partial<Record<DetClass, number>>;

export class LineCounter {
  readonly def: LineDef;
  readonly positive: ClassCounts = {};
  readonly negative: ClassCounts = {};
  private readonly memory = new Map<number, Memory>();
  private readonly margin: number;
  private readonly minTravel: number;
  private readonly length: number;

  constructor(def: LineDef, opts: LineCounterOptions = {}) {
    this.def = def;
    this.margin = opts.margin ?? 0.1;
    this.minTravel = opts.minTravel ?? 0.5;
    this.length = Math.max(1e-9, Math.hypot(def.p2[0] - def.p1[0], def.p2[1] - def.p1[1]));
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    const { classes } = this.def;
    const events: RuleEvent[] = [];
    for (const tr of tracks) {
      if (classes && !classes.includes(tr.cls)) continue;
      const p = bottomCentre(tr.box);
      let m = this.memory.get(tr.id);
      if (!m) {
        const born = bottomCentre(tr.firstBox);
        const fb = tr.firstBox;
        // No dead band at birth: a track has no history to jitter about yet, and one born on the
        // line as its object crosses (late, at mid distance) must still count.
        m = { side: Math.sign(cross(this.def.p1, this.def.p2, born)), point: born, birth: born, birthSize: Math.max(fb[2] - fb[0], fb[3] - fb[1]), moved: false, pending: null, seen: t, counted: new Set() };
        this.memory.set(tr.id, m);
      }
      m.seen = t;
      if (!m.moved && Math.hypot(p[0] - m.birth[0], p[1] - m.birth[1]) >= this.minTravel * m.birthSize) m.moved = true;
      const s = this.sideOf(p, tr.box);
      if (s !== 0 && s !== m.side) {
        // A change of side through the segment is a crossing, pending until the track has moved.
        // Going back while one is pending drops it (and is no crossing either: the object is
        // where it was); so does going round the segment's end.
        const through = m.side !== 0 && segmentsIntersect(m.point, p, this.def.p1, this.def.p2);
        m.pending = through && !m.pending ? (s > 0 ? 'positive' : 'negative') : null;
        m.side = s;
      }
      if (s !== 0) m.point = p;
      if (m.pending && m.moved) {
        const direction = m.pending;
        m.pending = null;
        if (!m.counted.has(direction)) {
          m.counted.add(direction);
          const counts = direction === 'positive' ? this.positive : this.negative;
          counts[tr.cls] = (counts[tr.cls] ?? 0) + 1;
          events.push({ kind: 'line_crossing', rule: this.def.name, t, trackId: tr.id, cls: tr.cls, box: tr.box, direction });
        }
      }
    }
    for (const [id, m] of this.memory) if (t - m.seen > FORGET_AFTER_S) this.memory.delete(id);
    return events;
  }

  /** -1 / +1 when the point is clearly on one side (beyond the margin), else 0 */
  private sideOf(p: Point, box: Box): number {
    const d = cross(this.def.p1, this.def.p2, p) / this.length;
    const band = this.margin * (box[3] - box[1]);
    return d > band ? 1 : d < -band ? -1 : 0;
  }
}
