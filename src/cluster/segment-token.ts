// The api's short-lived permission to read one segment file from the node that holds it (an
// export of a camera recorded elsewhere: docs/decisions/064-export-across-nodes.md).
// Signed with a key every process of the cluster derives from the shared cluster secret; never
// given to a browser. A token names one camera and one segment start and expires within a minute,
// so a token that leaks from a log or a proxy reads one segment for less than a minute.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SEGMENT_TOKEN_TTL_MS = 60_000;
export const SEGMENT_TOKEN_HEADER = 'x-vigil-segment-token';

function mac(key: Buffer, cameraId: string, startMs: number, expiresMs: number): string {
  return createHmac('sha256', key).update(`segment\n${cameraId}\n${startMs}\n${expiresMs}`).digest('base64url');
}

/** v1.<expires ms>.<mac> */
export function signSegmentToken(key: Buffer, cameraId: string, startMs: number, nowMs: number): string {
  const expires = nowMs + SEGMENT_TOKEN_TTL_MS;
  return `v1.${expires}.${mac(key, cameraId, startMs, expires)}`;
}

/** Why a token is refused, or null when it holds for this camera and segment now. */
export function segmentTokenRefusal(key: Buffer, token: string | undefined, cameraId: string, startMs: number, nowMs: number): string | null {
  const m = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return 'no segment token, or not one of ours';
  const expires = Number(m[1]);
  const want = Buffer.from(mac(key, cameraId, startMs, expires));
  const got = Buffer.from(m[2]);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'segment token does not hold for this segment';
  if (expires < nowMs) return 'segment token expired';
  return null;
}
