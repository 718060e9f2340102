import { VigilError } from '../core/index.ts';

/**
 * Errors of the privacy part. Codes: BAD_REQUEST (a mask, lift, purpose or policy that cannot be
 * accepted; the message names the field), NOT_FOUND, FORBIDDEN (a purpose or look-back rule says
 * no), PURPOSE_REQUIRED (looking further back than the free window needs a purpose),
 * FFMPEG_MISSING, MASKING_FAILED (the masked stream could not be made: nothing is sent instead),
 * RETENTION_REASON_REQUIRED (a camera's recordings kept longer than 72 h without a reason),
 * AUDIT_RETENTION_TOO_SHORT (the audit log kept fewer than 31 days).
 */
export class PrivacyError extends VigilError {}
