// Counting line. A crossing is "positive" when the bottom centre of the box goes from the side
// where cross(P2−P1, p−P1) < 0 to the side where it is > 0 (image coordinates, y down: for a line
// drawn left to right, moving down the image). The movement must pass through the segment itself,
// not its extension; each track counts at most once per direction. Pure.
import { bottomCentre, cross, segmentsIntersect, type Point } from '../geometry.ts';
import type { Track } from '../tracker.ts';
import type { DetClass } from '../detector-types.ts';
import { FORGET_AFTER_S, type RuleEvent } from './types.ts';

export interface LineDef { name: string; p1: Point; p2: Point; classes?: DetClass[] }

interface Memory { side: number; point: Point; seen: number; counted: Set<'positive' | 'negative'> }

export type ClassCounts = Partial<Record<DetClass, number>>;

export class LineCounter {
  readonly def: LineDef;
  readonly positive: ClassCounts = {};
  readonly negative: ClassCounts = {};
  private readonly memory = new Map<number, Memory>();

  constructor(def: LineDef) {
    this.def = def;
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    const { p1, p2, classes } = this.def;
    const events: RuleEvent[] = [];
    for (const tr of tracks) {
      if (classes && !classes.includes(tr.cls)) continue;
      const p = bottomCentre(tr.box);
      const s = Math.sign(cross(p1, p2, p));
      const m = this.memory.get(tr.id);
      if (!m) {
        this.memory.set(tr.id, { side: s, point: p, seen: t, counted: new Set() });
        continue;
      }
      m.seen = t;
      if (s === 0) continue;
      if (m.side !== 0 && s !== m.side && segmentsIntersect(m.point, p, p1, p2)) {
        const direction = s > 0 ? 'positive' : 'negative';
        if (!m.counted.has(direction)) {
          m.counted.add(direction);
          const counts = direction === 'positive' ? this.positive : this.negative;
          counts[tr.cls] = (counts[tr.cls] ?? 0) + 1;
          events.push({ kind: 'line_crossing', rule: this.def.name, t, trackId: tr.id, cls: tr.cls, box: tr.box, direction });
        }
      }
      m.side = s;
      m.point = p;
    }
    for (const [id, m] of this.memory) if (t - m.seen > FORGET_AFTER_S) this.memory.delete(id);
    return events;
  }
}
