// A camera's traffic rules in live analytics: the stored lanes and rules (AnalyticsConfig.traffic)
// with the camera's calibration become a TrafficAnalyser, whose findings are handed to the
// analytics pipeline as rule events (kind, lane as the rule's name, the figures, the positions the
// finding rests on). Building one checks the spec, so the same call refuses a bad one before it is
// stored. Pure: the caller loads the calibration.
import type { RuleEvent, Track, TrackRule } from '../analytics/index.ts';
import type { TrafficConfig } from '../core/index.ts';
import type { Calibration } from './homography.ts';
import { TrafficAnalyser, type TrafficEvent, type TrafficOptions } from './traffic-analyser.ts';

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

/** One camera's traffic analysis as a TrackRule of its pipeline. */
export class TrafficRule implements TrackRule {
  readonly analyser: TrafficAnalyser;
  constructor(opts: TrafficOptions) {
    this.analyser = new TrafficAnalyser(opts);
  }

  update(tracks: readonly Track[], t: number): RuleEvent[] {
    return this.analyser.update(tracks, t).map(toRuleEvent);
  }
}

/**
 * Checks the spec against the calibration (throws TrafficError with the reason: NOT_CALIBRATED,
 * BAD_TRAFFIC_SPEC) and returns a maker of fresh rules for it.
 */
export function prepareTrafficRule(spec: TrafficConfig, calibration: Calibration | null): () => TrafficRule {
  const opts = trafficOptions(spec, calibration);
  new TrafficAnalyser(opts); // validates now, not at the first frame
  return () => new TrafficRule(opts);
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
