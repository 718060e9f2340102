// Crowd density for crush safety: persons standing in a zone per unit area. With the zone's real
// area (m²) the threshold is persons/m² (crowd-safety guidance starts worrying around 4–5/m²);
// without it, a plain person count. Fires after the density has held for `holdSeconds`, and again
// only after it has dropped below. Counts, never identifies. Pure.
import type { Polygon } from '../geometry.ts';
import type { Track } from '../tracker.ts';
import type { RuleEvent } from './types.ts';
import { zoneOccupancy } from './occupancy.ts';

export interface CrowdOptions {
  name: string;
  polygon: Polygon;
  /** persons per m² when areaM2 is given, else persons */
  threshold: number;
  areaM2?: number;
  holdSeconds?: number;
}

export class CrowdDensityRule {
  private readonly o: CrowdOptions;
  private overSince: number | null = null;
  private fired = false;

  constructor(opts: CrowdOptions) {
    this.o = opts;
  }

  update(tracks: Track[], t: number): RuleEvent[] {
    const count = zoneOccupancy(tracks, this.o.polygon).person ?? 0;
    const value = this.o.areaM2 ? count / this.o.areaM2 : count;
    if (value < this.o.threshold) {
      this.overSince = null;
      this.fired = false;
      return [];
    }
    if (this.overSince === null) this.overSince = t;
    if (this.fired || t - this.overSince < (this.o.holdSeconds ?? 1)) return [];
    this.fired = true;
    const detail: Record<string, number> = { persons: count };
    if (this.o.areaM2) detail.personsPerM2 = Math.round(value * 100) / 100;
    return [{ kind: 'crowd', rule: this.o.name, t, cls: 'person', detail }];
  }
}
