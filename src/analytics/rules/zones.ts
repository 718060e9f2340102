// Zone rules: intrusion (a track of a listed class enters, optionally only within a schedule) and
// dwell (a track stays over N seconds). Positions are bottom centres. Anonymous: a dwell is "some
// track stayed", never who. Pure.
import { bottomCentre, pointInPolygon, type Polygon } from '../geometry.ts';
import type { Track } from '../tracker.ts';
import type { DetClass } from '../detector-types.ts';
import { FORGET_AFTER_S, type RuleEvent } from './types.ts';

/** Active window: minutes after local midnight [from, to) (to < from spans midnight); days 0 = Sunday. */
export interface ScheduleWindow { days?: number[]; from: number; to: number }

export interface ZoneDef {
  name: string;
  polygon: Polygon;
  classes?: DetClass[];
  /** when an intrusion is armed (over IntrusionOptions.schedule); dwell ignores it */
  schedule?: ScheduleWindow[];
}

export interface IntrusionOptions {
  schedule?: ScheduleWindow[];
  /** stream seconds + this = Unix seconds (for schedules) */
  epochOffset?: number;
  /** local time = UTC + this */
  utcOffsetMinutes?: number;
}

export function scheduleActive(windows: ScheduleWindow[] | undefined, unixSeconds: number, utcOffsetMinutes = 0): boolean {
  if (!windows || windows.length === 0) return true;
  const local = new Date((unixSeconds + utcOffsetMinutes * 60) * 1000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const day = local.getUTCDay();
  return windows.some((w) => {
    if (w.from <= w.to) return (!w.days || w.days.includes(day)) && minute >= w.from && minute < w.to;
    // Spanning midnight: the part after midnight belongs to the previous day's window.
    if (minute >= w.from) return !w.days || w.days.includes(day);
    return minute < w.to && (!w.days || w.days.includes((day + 6) % 7));
  });
}

export class ZoneIntrusion {
  readonly zone: ZoneDef;
  private readonly opts: IntrusionOptions;
  /** tracks inside the zone: when last seen, and whether this stay has fired */
  private readonly inside = new Map<number, { seen: number; fired: boolean }>();

  constructor(zone: ZoneDef, opts: IntrusionOptions = {}) {
    this.zone = zone;
    this.opts = zone.schedule ? { ...opts, schedule: zone.schedule } : opts;
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    const events: RuleEvent[] = [];
    const active = scheduleActive(this.opts.schedule, t + (this.opts.epochOffset ?? 0), this.opts.utcOffsetMinutes);
    for (const tr of tracks) {
      if (this.zone.classes && !this.zone.classes.includes(tr.cls)) continue;
      if (!pointInPolygon(bottomCentre(tr.box), this.zone.polygon)) {
        this.inside.delete(tr.id);
        continue;
      }
      let s = this.inside.get(tr.id);
      if (!s) this.inside.set(tr.id, (s = { seen: t, fired: false }));
      s.seen = t;
      // Once per stay; a track already inside when the schedule opens fires then.
      if (active && !s.fired) {
        s.fired = true;
        events.push({ kind: 'zone_intrusion', rule: this.zone.name, t, trackId: tr.id, cls: tr.cls, box: tr.box });
      }
    }
    for (const [id, s] of this.inside) if (t - s.seen > FORGET_AFTER_S) this.inside.delete(id);
    return events;
  }
}

export class ZoneDwell {
  readonly zone: ZoneDef;
  readonly seconds: number;
  private readonly state = new Map<number, { since: number; seen: number; fired: boolean }>();

  constructor(zone: ZoneDef, seconds: number) {
    this.zone = zone;
    this.seconds = seconds;
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    const events: RuleEvent[] = [];
    for (const tr of tracks) {
      if (this.zone.classes && !this.zone.classes.includes(tr.cls)) continue;
      if (!pointInPolygon(bottomCentre(tr.box), this.zone.polygon)) {
        this.state.delete(tr.id);
        continue;
      }
      let s = this.state.get(tr.id);
      if (!s) this.state.set(tr.id, (s = { since: t, seen: t, fired: false }));
      s.seen = t;
      if (!s.fired && t - s.since >= this.seconds) {
        s.fired = true;
        events.push({ kind: 'dwell', rule: this.zone.name, t, trackId: tr.id, cls: tr.cls, box: tr.box, detail: { seconds: Math.round((t - s.since) * 10) / 10 } });
      }
    }
    for (const [id, s] of this.state) if (t - s.seen > FORGET_AFTER_S) this.state.delete(id);
    return events;
  }
}
