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
//
// Two more make it hold when the tracker loses an object near the line (issue 14: counts on footage
// nothing was tuned on), both from the tracks alone, at no detector cost:
// - A track that breaks is continued: a new track born where a track of its kind, lost less than
//   `continueSeconds` ago, could have got to (within a box size of the way from its last point on at
//   its last velocity) takes over that track's side and what it has already counted. An object lost on one
//   side and found again on the other is counted once; one counted, lost and found again is not
//   counted twice (the two share one record of what was counted, should the old track come back).
// - A track first seen just past the line, moving away from it, whose own first step taken back
//   once more lies on the other side, crossed while the detector did not yet see it (at 5 fps a car
//   near the camera moves a fifth of the frame per frame, and a weak detection starts its track a
//   frame late): it counts, unless its birth box lies on another track of its kind (a second track
//   on an object already followed).
// And a person riding a motorcycle or bicycle that the line counts is not counted a second time as
// a pedestrian (dense mixed traffic: the detector boxes the rider and the machine apart); a second
// track lying on an object another track has just counted (a lost track that took the object's box,
// a copy from an overlapping tile) is that object again and never counts.
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
  /** a new track continues a track of its kind lost at most this long ago (s; default 1; 0 = never) */
  continueSeconds?: number;
  /** whether a track first seen just past the line counts when its first step, taken back, crosses it (default true) */
  countLateBirths?: boolean;
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
  /** what this object has been counted for; shared with a track that continues it */
  counted: Set<Direction>;
  kind: Kind;
  /** last bottom centre seen, the box it was on, and its velocity (per s) */
  last: Point;
  box: Box;
  velocity: Point;
  /** a later track has continued this one */
  continued: boolean;
  /** found to be a second track on an object another track counted: it never counts */
  copy: boolean;
  /** when this track counted each direction */
  countedAt: Partial<Record<Direction, number>>;
}

export type ClassCounts = Partial<Record<DetClass, number>>;

/** Classes a weak detector swaps on one object count as one kind for continuing a track. */
type Kind = 'vehicle' | 'two-wheeler' | 'person';
function kindOf(c: DetClass): Kind {
  return c === 'person' ? 'person' : c === 'motorcycle' || c === 'bicycle' ? 'two-wheeler' : 'vehicle';
}

export class LineCounter {
  readonly def: LineDef;
  readonly positive: ClassCounts = {};
  readonly negative: ClassCounts = {};
  private readonly memory = new Map<number, Memory>();
  private readonly margin: number;
  private readonly minTravel: number;
  private readonly continueSeconds: number;
  private readonly countLateBirths: boolean;
  private readonly length: number;

  constructor(def: LineDef, opts: LineCounterOptions = {}) {
    this.def = def;
    this.margin = opts.margin ?? 0.1;
    this.minTravel = opts.minTravel ?? 0.5;
    this.continueSeconds = opts.continueSeconds ?? 1;
    this.countLateBirths = opts.countLateBirths ?? true;
    this.length = Math.max(1e-9, Math.hypot(def.p2[0] - def.p1[0], def.p2[1] - def.p1[1]));
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    const { classes } = this.def;
    const events: RuleEvent[] = [];
    const here = tracks.filter((tr) => !classes || classes.includes(tr.cls));
    const present = new Set(here.map((tr) => tr.id));
    for (const tr of here) {
      const p = bottomCentre(tr.box);
      let m = this.memory.get(tr.id);
      if (!m) {
        m = this.begin(tr, p, t, here, present);
        this.memory.set(tr.id, m);
      } else if (t > m.seen) {
        const v: Point = [(p[0] - m.last[0]) / (t - m.seen), (p[1] - m.last[1]) / (t - m.seen)];
        m.velocity = [(m.velocity[0] + v[0]) / 2, (m.velocity[1] + v[1]) / 2];
      }
      m.seen = t;
      m.last = p;
      m.box = tr.box;
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
          // a rider crosses as part of the motorcycle or bicycle under it, which counts itself
          if (m.kind === 'person' && this.ridesOn(tr, m, here)) continue;
          if (m.copy || this.secondTrackOnCounted(tr, m, direction, here, t)) {
            // and stays that object's copy: its later crossings (back, as it jumps off) are not counted either
            m.copy = true;
            continue;
          }
          m.countedAt[direction] = t;
          const counts = direction === 'positive' ? this.positive : this.negative;
          counts[tr.cls] = (counts[tr.cls] ?? 0) + 1;
          events.push({ kind: 'line_crossing', rule: this.def.name, t, trackId: tr.id, cls: tr.cls, box: tr.box, direction });
        }
      }
    }
    for (const [id, m] of this.memory) if (t - m.seen > FORGET_AFTER_S) this.memory.delete(id);
    return events;
  }

  /** The record of a track seen for the first time: its own, or the one of the track it continues. */
  private begin(tr: Track, p: Point, t: number, here: Track[], present: Set<number>): Memory {
    const fb = tr.firstBox;
    const born = bottomCentre(fb);
    const birthSize = Math.max(fb[2] - fb[0], fb[3] - fb[1]);
    const dt = t - tr.firstSeen;
    const velocity: Point = dt > 0 ? [(p[0] - born[0]) / dt, (p[1] - born[1]) / dt] : [0, 0];
    const kind = kindOf(tr.cls);
    const from = this.lostTrackAt(born, fb, kind, tr.firstSeen, present);
    if (from) {
      from.continued = true;
      // The old track's side and its last point on it: a move from there to here through the
      // segment is the crossing it did not live to make.
      return { ...from, birth: from.birth, pending: from.pending, seen: t, last: p, box: tr.box, velocity, continued: false, countedAt: {}, copy: from.copy };
    }
    // No dead band at birth: a track has no history to jitter about yet, and one born on the
    // line as its object crosses (late, at mid distance) must still count.
    const m: Memory = { side: Math.sign(cross(this.def.p1, this.def.p2, born)), point: born, birth: born, birthSize, moved: false, pending: null, seen: t, counted: new Set(), kind, last: p, box: tr.box, velocity, continued: false, countedAt: {}, copy: false };
    if (this.countLateBirths && m.side !== 0 && tr.hits >= 2) {
      // one step back from its birth at the pace of its first steps
      const step: Point = [(p[0] - born[0]) / (tr.hits - 1), (p[1] - born[1]) / (tr.hits - 1)];
      const back: Point = [born[0] - step[0], born[1] - step[1]];
      const crossedBefore = Math.sign(cross(this.def.p1, this.def.p2, back)) === -m.side && segmentsIntersect(back, born, this.def.p1, this.def.p2);
      const awayFromLine = Math.abs(cross(this.def.p1, this.def.p2, p)) > Math.abs(cross(this.def.p1, this.def.p2, born));
      const onAnother = here.some((o) => o.id !== tr.id && kindOf(o.cls) === kind && overlapOfSmaller(fb, o.box) >= 0.5);
      if (crossedBefore && awayFromLine && !onAnother && Math.hypot(step[0], step[1]) <= 1.5 * birthSize) {
        m.side = -m.side;
        m.point = back;
      }
    }
    return m;
  }

  /** A track of this kind lost lately whose motion leads to where this one was born. */
  private lostTrackAt(born: Point, box: Box, kind: Kind, bornAt: number, present: Set<number>): Memory | null {
    if (this.continueSeconds <= 0) return null;
    let best: Memory | null = null;
    let bestD = Infinity;
    for (const [id, m] of this.memory) {
      if (m.continued || present.has(id) || m.kind !== kind || bornAt - m.seen > this.continueSeconds || bornAt < m.seen) continue;
      const gap = bornAt - m.seen;
      const at: Point = [m.last[0] + m.velocity[0] * gap, m.last[1] + m.velocity[1] * gap];
      const size = Math.max(m.box[2] - m.box[0], m.box[3] - m.box[1]);
      const ratio = area(box) / Math.max(1e-12, area(m.box));
      // anywhere from where it was last seen to where its pace would have taken it (it may have slowed)
      const d = distanceToSegment(born, m.last, at);
      if (d <= size && ratio >= 0.33 && ratio <= 3 && d < bestD) {
        best = m;
        bestD = d;
      }
    }
    return best;
  }

  /**
   * Whether a person is riding a two-wheeler this line also counts: a box of one moving under the
   * person (overlapping it across half the narrower width, below its middle, touching it) and moving
   * the same way (a parked bicycle a pedestrian walks past does not carry them).
   */
  private ridesOn(person: Track, m: Memory, here: Track[]): boolean {
    const p = person.box;
    return here.some((o) => {
      if (kindOf(o.cls) !== 'two-wheeler') return false;
      const b = o.box;
      const overlapX = Math.min(p[2], b[2]) - Math.max(p[0], b[0]);
      const under = (b[1] + b[3]) / 2 > (p[1] + p[3]) / 2 && p[3] >= b[1];
      if (overlapX < 0.5 * Math.min(p[2] - p[0], b[2] - b[0]) || !under) return false;
      const v = this.memory.get(o.id)?.velocity;
      if (!v) return false;
      const dot = v[0] * m.velocity[0] + v[1] * m.velocity[1];
      return dot > 0 && Math.hypot(v[0], v[1]) >= 0.5 * Math.hypot(m.velocity[0], m.velocity[1]);
    });
  }

  /**
   * Two tracks on one object (a lost track that took the object's box while the object's own track
   * went on, or copies of it from two overlapping tiles): a track whose box lies mostly (70 %) on the
   * box of another track of its kind in view now, which was counted in this direction within the
   * last second, is that object again.
   */
  private secondTrackOnCounted(tr: Track, m: Memory, direction: Direction, here: Track[], t: number): boolean {
    return here.some((o) => {
      if (o.id === tr.id || kindOf(o.cls) !== m.kind) return false;
      const om = this.memory.get(o.id);
      const at = om?.countedAt[direction];
      return om !== undefined && om.counted !== m.counted && at !== undefined && t - at <= 1 && overlapOfSmaller(tr.box, o.box) >= 0.7;
    });
  }

  /** -1 / +1 when the point is clearly on one side (beyond the margin), else 0 */
  private sideOf(p: Point, box: Box): number {
    const d = cross(this.def.p1, this.def.p2, p) / this.length;
    const band = this.margin * (box[3] - box[1]);
    return d > band ? 1 : d < -band ? -1 : 0;
  }
}

function area(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const u = len2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2)) : 0;
  return Math.hypot(p[0] - a[0] - u * dx, p[1] - a[1] - u * dy);
}

/** The overlap of two boxes as a fraction of the smaller one. */
function overlapOfSmaller(a: Box, b: Box): number {
  const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / Math.max(1e-12, Math.min(area(a), area(b)));
}
