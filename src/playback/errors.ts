import { VigilError } from '../core/index.ts';

/**
 * Errors of playback and HLS. Codes reuse the API's generic ones so the one error map
 * (src/api/error-map.ts) turns them into statuses: NOT_FOUND (no recording in the range, or a
 * segment that is not this camera's), BAD_REQUEST (a range the server will not serve).
 * `details.reason` carries the specific cause: NO_RECORDING, SEGMENT_NOT_FOUND, RANGE_INVALID,
 * RANGE_TOO_LONG, RECORDING_UNREADABLE.
 */
export class PlaybackError extends VigilError {}
