import { VigilError } from '../core/index.ts';

/** Stable codes of the events part (events, alarms, snapshots, counts, acknowledgement). */
export type EventErrorCode = 'NOT_FOUND' | 'BAD_REQUEST';

export class EventError extends VigilError {
  declare readonly code: EventErrorCode;
  constructor(code: EventErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
