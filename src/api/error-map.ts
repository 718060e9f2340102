// The one place where error codes become HTTP statuses and messages a person can act on.
import { VigilError } from '../core/index.ts';

const statusByCode: Record<string, number> = {
  AUTH_REQUIRED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  LOGIN_THROTTLED: 429,
  NOT_FOUND: 404,
  CAMERA_NOT_FOUND: 404,
  DUPLICATE: 409,
  CONFLICT: 409,
  BAD_REQUEST: 400,
  CONFIG_INVALID: 400,
  STORE_UNAVAILABLE: 503,
  // issue 13 (privacy)
  MASKING_FAILED: 503,
  FFMPEG_MISSING: 503,
  PURPOSE_REQUIRED: 428,
  // issue 13: retention refusals the screens word in the user's language
  RETENTION_REASON_REQUIRED: 400,
  AUDIT_RETENTION_TOO_SHORT: 400,
  // issue 11: the security map
  MAP_BAD_INPUT: 400,
  MAP_IMPORT_INVALID: 400,
  MAP_IMPORT_TOO_LARGE: 413,
  MAP_BASEMAP_INVALID: 400,
  MAP_GLYPHS_UNAVAILABLE: 503,
  SITE_NOT_FOUND: 404,
  // issue 14: traffic
  DEGENERATE_CALIBRATION: 400,
  BAD_TRAFFIC_SPEC: 400,
  NOT_CALIBRATED: 400,
  NOT_A_VIOLATION: 400,
  EVIDENCE_NOT_FOUND: 404,
  // issue 12 (operator workflow)
  TRANSITION_NOT_ALLOWED: 400,
  ALARM_CONFLICT: 409,
  TOO_LARGE: 413,
  // issue 12: rules drawn on a still and previewed
  // a camera that sends no picture now: the request is fine, the camera's state is not
  NO_PICTURE: 409,
  PREVIEW_BUSY: 429,
  WALL_BAD_LAYOUT: 400,
  WALL_LAYOUT_NOT_FOUND: 404,
  WALL_NOT_YOURS: 403,
  WALL_CONFLICT: 409,
  // issue 15: integrations and ONVIF
  DEAD_LETTER_NOT_FOUND: 404,
  HOOK_UNKNOWN: 409,
  ONVIF_BAD_INPUT: 400,
  ONVIF_NOT_LINKED: 409,
  ONVIF_AUTH: 422,
  ONVIF_FAULT: 502,
  ONVIF_BAD_RESPONSE: 502,
  ONVIF_UNREACHABLE: 502,
  ONVIF_TIMEOUT: 504,
  // issue 15: a cluster's other nodes
  NODE_UNKNOWN: 502,
  NODE_UNREACHABLE: 502,
};

/** Statuses about another machine (a camera, a device): their message names it and is safe to show. */
const GATEWAY = new Set([502, 504]);

export interface ErrorBody {
  error: { code: string; message: string };
}

export function toHttpError(err: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (err instanceof VigilError) {
    const status = statusByCode[err.code] ?? 500;
    const headers: Record<string, string> = {};
    if (err.code === 'LOGIN_THROTTLED' && typeof err.details?.retryAfter === 'number') headers['retry-after'] = String(err.details.retryAfter);
    return { status, body: { error: { code: err.code, message: status >= 500 && !GATEWAY.has(status) ? 'internal error' : err.message } }, headers };
  }
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own client errors: validation, malformed JSON, body too large, wrong content type.
    const code =
      e.validation ? 'BAD_REQUEST'
      : e.statusCode === 413 ? 'BODY_TOO_LARGE'
      : e.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE'
      : e.statusCode === 404 ? 'NOT_FOUND'
      : 'BAD_REQUEST';
    const message = e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.message?.includes('JSON') ? `malformed JSON body: ${e.message}` : (e.message ?? 'bad request');
    return { status: e.statusCode, body: { error: { code, message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}
