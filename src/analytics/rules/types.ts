import type { Box } from '../geometry.ts';
import type { DetClass } from '../detector-types.ts';

export type RuleKind = 'line_crossing' | 'zone_intrusion' | 'dwell' | 'left_object' | 'crowd' | 'tamper';

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
}

/** Tracks that have not been seen for this long are forgotten by the rules. */
export const FORGET_AFTER_S = 10;
