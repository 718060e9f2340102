import { VigilError } from '../core/errors.ts';

/** Stable codes of the alarms part (live analytics runner, events, snapshots, counts, acknowledgement). */
export type AlarmErrorCode = 'NOT_FOUND' | 'BAD_REQUEST' | 'FFMPEG_MISSING' | 'ANALYSER_FAILED';

export class AlarmError extends VigilError {
  declare readonly code: AlarmErrorCode;
  constructor(code: AlarmErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
