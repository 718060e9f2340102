import { VigilError } from '../core/index.ts';

/** Stable codes of the traffic part (calibration, speed, lane rules). */
export type TrafficErrorCode =
  /** too few calibration points, or points that cannot fix a plane (collinear, repeated, folded) */
  | 'DEGENERATE_CALIBRATION'
  /** a calibration or rule spec that does not parse or names something that does not exist */
  | 'BAD_TRAFFIC_SPEC'
  /** a speed (or other metric) rule asked of a camera that has no calibration */
  | 'NOT_CALIBRATED';

export class TrafficError extends VigilError {
  declare readonly code: TrafficErrorCode;
  constructor(code: TrafficErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
