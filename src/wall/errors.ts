import { VigilError } from '../core/index.ts';

/** Stable codes of the video wall part (layouts, tours). */
export type WallErrorCode =
  | 'WALL_BAD_LAYOUT'
  | 'WALL_LAYOUT_NOT_FOUND'
  /** a personal layout of someone else, or a shared one the user may not change */
  | 'WALL_NOT_YOURS'
  /** the layout changed since the client read it (compare-and-set on its version) */
  | 'WALL_CONFLICT';

export class WallError extends VigilError {
  declare readonly code: WallErrorCode;
  constructor(code: WallErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
