import { VigilError } from '../core/index.ts';

/** Stable codes of the events part (events, alarms and their workflow, snapshots, counts). */
export type EventErrorCode =
  | 'NOT_FOUND'
  | 'BAD_REQUEST'
  /** the workflow does not allow this command in the alarm's state (the message names what it allows) */
  | 'TRANSITION_NOT_ALLOWED'
  /** another operator acknowledged or took the alarm first (the message names them) */
  | 'ALARM_CONFLICT'
  /** a comment or note longer than allowed */
  | 'TOO_LARGE';

export class EventError extends VigilError {
  declare readonly code: EventErrorCode;
  constructor(code: EventErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
