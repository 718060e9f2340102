import { VigilError } from '../core/index.ts';

/** Stable codes of the analytics part (frames, motion, tracking, rules, offline and live analysis). */
export type AnalyticsErrorCode =
  | 'BAD_ARGUMENT'
  | 'BAD_SHAPE'
  | 'FFMPEG_MISSING'
  | 'SOURCE_UNREADABLE'
  | 'DECODE_FAILED'
  | 'BAD_REQUEST'
  | 'ANALYSER_FAILED'
  // issue 12: drawing rules on a still, previewing them on the recent recording
  | 'NO_PICTURE'
  | 'PREVIEW_BUSY';

export class AnalyticsError extends VigilError {
  declare readonly code: AnalyticsErrorCode;
  constructor(code: AnalyticsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
