import { VigilError } from '../core/index.ts';

/**
 * Errors of the privacy part. Codes: BAD_REQUEST (a mask, lift, purpose or policy that cannot be
 * accepted; the message names the field), NOT_FOUND, FORBIDDEN (a purpose or look-back rule says
 * no), PURPOSE_REQUIRED (looking further back than the free window needs a purpose),
 * FFMPEG_MISSING, MASKING_FAILED (the masked stream could not be made: nothing is sent instead).
 */
export class PrivacyError extends VigilError {}
