// A camera's traffic rules in live analytics: the stored lanes and rules (AnalyticsConfig.traffic)
// with the camera's calibration become a TrafficAnalyser, whose findings are handed to the
// analytics pipeline as rule events (kind, lane as the rule's name, the figures, the positions the
// finding rests on). Building one checks the spec, so the same call refuses a bad one before it is
// stored. Pure: the caller loads the calibration.
import type { DetClass, RuleEvent, Track, TrackRule } from '../analytics/index.ts';
import type { TrafficConfig } from '../core/index.ts';
import type { Calibration } from './homography.ts';
import { TrafficAnalyser, type LaneStats, type TrackSummary, type TrafficEvent, type TrafficOptions } from './traffic-analyser.ts';

export function trafficOptions(spec: TrafficConfig, calibration: Calibration | null): TrafficOptions {
  return {
    calibration,
    lanes: spec.lanes.map((l) => ({ name: l.name, polygon: l.polygon, direction: l.direction })),
    speed: spec.speed.map((r) => ({ lane: r.lane, limitKmh: r.limitKmh, toleranceKmh: r.toleranceKmh, classes: r.classes })),
    wrongWay: spec.wrongWay,
    stopped: spec.stopped,
    congestion: spec.congestion,
  };
}

/** Vehicles that left a lane in one minute, per class, with their speeds in 10 km/h bins. */
export interface MinuteCount { minuteMs: number; lane: string; cls: DetClass; n: number; speedBins: number[] }

export interface TrafficSnapshot { since: number; lanes: LaneStats[]; minutes: MinuteCount[] }

/** Vehicles counted in one step, for the store: per minute, lane, class and speed bin (-1: no speed). */
export interface CountedVehicles { minuteMs: number; lane: string; cls: DetClass; speedBin: number; n: number }
export type CountSink = (rows: CountedVehicles[]) => void;

const KEEP_MINUTES = 24 * 60;
const BIN_KMH = 10, BINS = 20;

/**
 * One camera's traffic analysis as a TrackRule of its pipeline, with its counts per minute (the
 * last 24 h in memory, and handed to `sink` as they are made, which keeps them: a restart loses
 * neither counts nor speed histograms).
 */
export class TrafficRule implements TrackRule {
  readonly analyser: TrafficAnalyser;
  private readonly now: () => number;
  private readonly since: number;
  private readonly minutes = new Map<string, MinuteCount>();
  private readonly sink: CountSink | null;
  constructor(opts: TrafficOptions, now: () => number = Date.now, sink: CountSink | null = null) {
    this.analyser = new TrafficAnalyser(opts);
    this.now = now;
    this.sink = sink;
    this.since = now();
  }

  update(tracks: readonly Track[], t: number): RuleEvent[] {
    const events = this.analyser.update(tracks, t).map(toRuleEvent);
    const done = this.analyser.takeFinished();
    if (done.length) this.count(done);
    return events;
  }

  private count(done: TrackSummary[]): void {
    const minuteMs = Math.floor(this.now() / 60_000) * 60_000;
    const counted: CountedVehicles[] = [];
    for (const s of done) {
      if (!s.lane) continue;
      const key = `${minuteMs}|${s.lane}|${s.cls}`;
      let m = this.minutes.get(key);
      if (!m) this.minutes.set(key, (m = { minuteMs, lane: s.lane, cls: s.cls, n: 0, speedBins: new Array(BINS + 1).fill(0) }));
      m.n++;
      const bin = s.speedKmh !== null ? speedBin(s.speedKmh) : -1;
      if (bin >= 0) m.speedBins[bin]++;
      counted.push({ minuteMs, lane: s.lane, cls: s.cls, speedBin: bin, n: 1 });
    }
    if (counted.length) this.sink?.(counted);
    const oldest = minuteMs - KEEP_MINUTES * 60_000;
    for (const [k, m] of this.minutes) if (m.minuteMs < oldest) this.minutes.delete(k);
  }

  snapshot(): TrafficSnapshot {
    return { since: this.since, lanes: this.analyser.laneStats(), minutes: [...this.minutes.values()].sort((a, b) => a.minuteMs - b.minuteMs).map((m) => ({ ...m, speedBins: m.speedBins.slice() })) };
  }
}

/**
 * Checks the spec against the calibration (throws TrafficError with the reason: NOT_CALIBRATED,
 * BAD_TRAFFIC_SPEC) and returns a maker of fresh rules for it.
 */
export function prepareTrafficRule(spec: TrafficConfig, calibration: Calibration | null, now: () => number = Date.now, sink: CountSink | null = null): () => TrafficRule {
  const opts = trafficOptions(spec, calibration);
  new TrafficAnalyser(opts); // validates now, not at the first frame
  return () => new TrafficRule(opts, now, sink);
}

/** The 10 km/h bin of a speed (the last bin holds everything above). */
export function speedBin(kmh: number): number {
  return Math.max(0, Math.min(BINS, Math.floor(kmh / BIN_KMH)));
}

/**
 * Stored counts (rows per minute, lane, class and speed bin) regrouped as the dashboard shows them:
 * per minute, lane and class, with the speed histogram.
 */
export function minutesOf(rows: readonly CountedVehicles[]): MinuteCount[] {
  const out = new Map<string, MinuteCount>();
  for (const r of rows) {
    const key = `${r.minuteMs}|${r.lane}|${r.cls}`;
    let m = out.get(key);
    if (!m) out.set(key, (m = { minuteMs: r.minuteMs, lane: r.lane, cls: r.cls, n: 0, speedBins: new Array(BINS + 1).fill(0) }));
    m.n += r.n;
    if (r.speedBin >= 0) m.speedBins[Math.min(BINS, r.speedBin)] += r.n;
  }
  return [...out.values()].sort((a, b) => a.minuteMs - b.minuteMs || a.lane.localeCompare(b.lane) || a.cls.localeCompare(b.cls));
}

export function toRuleEvent(e: TrafficEvent): RuleEvent {
  const detail: Record<string, number | string> = { ...e.detail };
  if (e.speedKmh !== undefined) detail.speedKmh = e.speedKmh;
  if (e.speedErrKmh !== undefined) detail.speedErrKmh = e.speedErrKmh;
  if (e.limitKmh !== undefined) detail.limitKmh = e.limitKmh;
  if (e.toleranceKmh !== undefined) detail.toleranceKmh = e.toleranceKmh;
  const out: RuleEvent = { kind: e.kind, rule: e.lane, t: e.t, detail };
  if (e.trackId !== undefined) out.trackId = e.trackId;
  if (e.cls) out.cls = e.cls;
  if (e.box) out.box = e.box;
  if (e.positions) out.positions = e.positions;
  return out;
}
