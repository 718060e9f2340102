// Left object: a track that appeared after the scene was learnt, then stayed still for N seconds
// while no person stayed near it. Objects present from the start are the scene, not "left". Pure.
import { centre, type Box } from '../geometry.ts';
import type { Track } from '../tracker.ts';
import type { DetClass } from '../detector-types.ts';
import { FORGET_AFTER_S, type RuleEvent } from './types.ts';

export interface LeftObjectOptions {
  name: string;
  /** seconds still before it counts as left */
  seconds: number;
  /** classes that can be left (default: every class but person) */
  classes?: DetClass[];
  /** largest centre drift still counted as "still", normalised */
  stillness?: number;
  /** a person whose box centre is within this many object sizes is "near" */
  nearFactor?: number;
  /** tracks first seen within this many seconds of the first frame belong to the scene */
  warmup?: number;
}

interface Still { anchor: [number, number]; since: number; seen: number; fired: boolean; personNearAt: number }

export class LeftObjectRule {
  private readonly o: Required<LeftObjectOptions>;
  private start: number | null = null;
  private readonly state = new Map<number, Still>();

  constructor(opts: LeftObjectOptions) {
    this.o = {
      name: opts.name, seconds: opts.seconds,
      classes: opts.classes ?? ['bicycle', 'car', 'motorcycle', 'bus', 'truck'],
      stillness: opts.stillness ?? 0.01, nearFactor: opts.nearFactor ?? 1.5, warmup: opts.warmup ?? 2,
    };
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    if (this.start === null) this.start = t;
    const o = this.o;
    const persons = tracks.filter((tr) => tr.cls === 'person');
    const events: RuleEvent[] = [];
    for (const tr of tracks) {
      if (!o.classes.includes(tr.cls) || tr.firstSeen - this.start < o.warmup) continue;
      const c = centre(tr.box);
      let s = this.state.get(tr.id);
      if (!s || Math.hypot(c[0] - s.anchor[0], c[1] - s.anchor[1]) > o.stillness) {
        s = { anchor: c, since: t, seen: t, fired: s?.fired ?? false, personNearAt: -Infinity };
        this.state.set(tr.id, s);
      }
      s.seen = t;
      if (persons.some((p) => near(p.box, tr.box, o.nearFactor))) s.personNearAt = t;
      // "No person staying by it": nobody near now; whoever brought it has walked away.
      if (!s.fired && t - s.since >= o.seconds && s.personNearAt < t) {
        s.fired = true;
        events.push({ kind: 'left_object', rule: o.name, t, trackId: tr.id, cls: tr.cls, box: tr.box, detail: { stillSeconds: Math.round((t - s.since) * 10) / 10 } });
      }
    }
    for (const [id, s] of this.state) if (t - s.seen > FORGET_AFTER_S) this.state.delete(id);
    return events;
  }
}

function near(person: Box, obj: Box, factor: number): boolean {
  const a = centre(person);
  const b = centre(obj);
  const size = Math.max(obj[2] - obj[0], obj[3] - obj[1]);
  return Math.hypot(a[0] - b[0], a[1] - b[1]) <= factor * size + (person[2] - person[0]) / 2;
}
