import type { Box } from '../geometry.ts';
import type { DetClass } from '../detector-types.ts';
import type { Track } from '../tracker.ts';

export type RuleKind = 'line_crossing' | 'zone_intrusion' | 'dwell' | 'left_object' | 'crowd' | 'tamper'
  // issue 14: traffic rules (src/traffic), run on a camera as TrackRules given from outside
  | 'speeding' | 'wrong_way' | 'stopped_vehicle' | 'congestion' | 'congestion_end';

/** One position a measurement rests on: stream time, the box's bottom centre in the image, on the ground (metres), and the box (normalised). */
export interface MeasuredPosition { t: number; image: [number, number]; ground: [number, number] | null; box?: [number, number, number, number] }

/** One rule hit. Anonymous by construction: a track id is a per-camera counter, nothing more. */
export interface RuleEvent {
  kind: RuleKind;
  /** the rule's name as configured (line or zone name) */
  rule: string;
  /** seconds on the analysed stream's clock */
  t: number;
  trackId?: number;
  cls?: DetClass;
  box?: Box;
  direction?: 'positive' | 'negative';
  /** kind-specific figures (dwell seconds, person count, tamper reason …) */
  detail?: Record<string, number | string>;
  /** traffic: the measured positions a speed or direction rests on (the violation's evidence) */
  positions?: MeasuredPosition[];
}

/**
 * A rule over the confirmed tracks of each frame, made outside this part (traffic rules: the
 * traffic part depends on analytics, so it hands its rules in rather than being imported).
 */
export interface TrackRule {
  update(tracks: readonly Track[], t: number): RuleEvent[];
  /** what the rule has gathered so far (traffic: lane counts, speed histograms, counts per minute), for the API */
  snapshot?(): unknown;
}

/** Tracks that have not been seen for this long are forgotten by the rules. */
export const FORGET_AFTER_S = 10;
