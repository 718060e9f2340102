// Camera URLs: the one place that takes user:pass@ out of an RTSP URL, for the RTSP client (which
// sends the credentials only in answer to a challenge) and for the camera registry (which stores
// them sealed, apart from the URL). Pure.
import { RtspError } from './rtsp-errors.ts';

export interface RtspUrlParts {
  /** The URL without credentials: safe to log and to store. */
  url: string;
  username?: string;
  password?: string;
  host: string;
  /** The URL's port, else 554 (RTSP's). */
  port: number;
}

/**
 * The URL without user:pass@, and the credentials it carried (%-escapes decoded). `schemes`: the
 * ones the caller can use (the client speaks plain rtsp:, the registry also keeps rtsps:).
 * Throws RtspError RTSP_PROTOCOL for a malformed URL, another scheme or a bad %-escape.
 */
export function splitRtspUrl(raw: string, schemes: readonly string[] = ['rtsp:']): RtspUrlParts {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new RtspError('RTSP_PROTOCOL', 'not a valid URL');
  }
  if (!schemes.includes(u.protocol)) {
    throw new RtspError('RTSP_PROTOCOL', `expected an ${schemes.map((s) => `${s}//`).join(' or ')} URL, not ${u.protocol}//`);
  }
  let username: string | undefined;
  let password: string | undefined;
  try {
    username = u.username ? decodeURIComponent(u.username) : undefined;
    password = u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    throw new RtspError('RTSP_PROTOCOL', 'invalid %-escape in the URL\'s credentials');
  }
  u.username = '';
  u.password = '';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { url: u.toString(), username, password, host, port: u.port ? Number(u.port) : 554 };
}
