// Crowd density for crush safety: persons standing in a zone, and persons per m² of the zone's
// ground area when it is known (given by hand, or from the camera's ground calibration).
// Crowd-safety guidance starts worrying around 4–5 persons/m². The threshold is in persons or in
// persons/m²; the alarm gives both figures when the area is known. Fires after the value has held
// for `holdSeconds`, and again only after it has dropped below.
//
// Detection counts people it can see apart. In a packed crowd (hundreds in view, people occluding
// each other) it finds a fraction and the number it gives is too low, which must never read as
// "calm": when the zone is mostly moving but the people found cover little of what moves, the rule
// says the scene is beyond counting (`beyondCounting`) instead of reporting a number as if it were
// right, and fires on that too (held as long). Counts, never identifies. Pure.
import { pointInPolygon, type Box, type Polygon } from '../geometry.ts';
import type { Track } from '../tracker.ts';
import type { RuleEvent } from './types.ts';
import { zoneOccupancy } from './occupancy.ts';

export interface CrowdOptions {
  name: string;
  polygon: Polygon;
  /** in `unit` */
  threshold: number;
  /** persons in the zone, or persons per m² of its ground area (default: per m² when areaM2 is given, as before) */
  unit?: 'persons' | 'persons/m2';
  /** the zone's ground area, m² */
  areaM2?: number;
  holdSeconds?: number;
  /** persons from which counting is not trusted (default 100: the detector reports at most 100 boxes per input) */
  maxCountable?: number;
}

export interface CrowdState {
  persons: number;
  personsPerM2: number | null;
  /** the count is a lower bound: the scene is beyond what detection can count */
  beyondCounting: boolean;
}

/** The zone is "mostly moving" above this fraction of it covered by motion. */
const MOVING_ZONE = 0.5;
/** …and beyond counting when the people found cover less than this fraction of what moves. */
const FOUND_OF_MOVING = 0.25;

export class CrowdDensityRule {
  private readonly o: CrowdOptions;
  private readonly unit: 'persons' | 'persons/m2';
  private readonly grid: [number, number][];
  private overSince: number | null = null;
  private fired = false;
  last: CrowdState = { persons: 0, personsPerM2: null, beyondCounting: false };

  constructor(opts: CrowdOptions) {
    this.o = opts;
    this.unit = opts.unit ?? (opts.areaM2 ? 'persons/m2' : 'persons');
    if (this.unit === 'persons/m2' && !opts.areaM2) throw new Error(`crowd rule "${opts.name}": a threshold in persons/m² needs the zone's ground area (areaM2 or a calibrated camera)`);
    this.grid = zoneGrid(opts.polygon);
  }

  /** `present`: the tracks taken to be in view; `motion`: this frame's motion boxes (for the countable check). */
  update(present: Track[], t: number, motion: Box[] = []): RuleEvent[] {
    const persons = zoneOccupancy(present, this.o.polygon).person ?? 0;
    const perM2 = this.o.areaM2 ? persons / this.o.areaM2 : null;
    const beyond = persons >= (this.o.maxCountable ?? 100) || this.uncountable(present, motion);
    this.last = { persons, personsPerM2: perM2, beyondCounting: beyond };
    const value = this.unit === 'persons' ? persons : perM2!;
    if (value < this.o.threshold && !beyond) {
      this.overSince = null;
      this.fired = false;
      return [];
    }
    if (this.overSince === null) this.overSince = t;
    if (this.fired || t - this.overSince < (this.o.holdSeconds ?? 1)) return [];
    this.fired = true;
    const detail: Record<string, number | string> = { persons, unit: this.unit, threshold: this.o.threshold };
    if (perM2 !== null) {
      detail.personsPerM2 = Math.round(perM2 * 100) / 100;
      detail.areaM2 = Math.round(this.o.areaM2! * 10) / 10;
    }
    if (beyond) detail.beyondCounting = 'the scene is beyond what detection can count: the true number is higher than persons';
    return [{ kind: 'crowd', rule: this.o.name, t, cls: 'person', detail }];
  }

  /** Most of the zone moves, and the people found cover little of it. */
  private uncountable(present: Track[], motion: Box[]): boolean {
    if (this.grid.length === 0 || motion.length === 0) return false;
    const people = present.filter((tr) => tr.cls === 'person').map((tr) => tr.box);
    let moving = 0, found = 0;
    for (const p of this.grid) {
      if (!motion.some((b) => inBox(p, b))) continue;
      moving++;
      if (people.some((b) => inBox(p, b))) found++;
    }
    return moving >= MOVING_ZONE * this.grid.length && found < FOUND_OF_MOVING * moving;
  }
}

function inBox(p: [number, number], b: Box): boolean {
  return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
}

/** Sample points inside the zone (a 64×36 lattice over the frame), for coverage fractions. */
function zoneGrid(polygon: Polygon): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < 36; y++) for (let x = 0; x < 64; x++) {
    const p: [number, number] = [(x + 0.5) / 64, (y + 0.5) / 36];
    if (pointInPolygon(p, polygon)) out.push(p);
  }
  return out;
}

