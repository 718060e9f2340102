// Camera URLs and their credentials, for the registry. Credentials come either as
// `rtsp://user:pass@host/…` (taken out by media's splitRtspUrl, the one splitter the RTSP client
// uses too) or, as many cameras take them, in the query string
// (`?user=admin&password=…`, `pwd=`, `pass=`, `username=`…). Both are taken out and sealed; a
// query credential leaves a placeholder (`?user={user}&password={password}`) so the URL still says
// where the camera wants them, is safe to show, log and audit, and is filled in only to connect.
import { VigilError } from '../core/index.ts';
import { RtspError, splitRtspUrl } from '../media/index.ts';

/** Query parameters that carry a camera's user name (compared without case). */
export const USER_PARAMS: readonly string[] = ['user', 'username', 'usr', 'login', 'account', 'userid', 'uid'];
/** Query parameters that carry a camera's password or a secret standing for one. */
export const PASSWORD_PARAMS: readonly string[] = ['password', 'pass', 'pwd', 'passwd', 'pw', 'psw', 'passwort', 'secret', 'token', 'key', 'auth'];

export const USER_PLACEHOLDER = '{user}';
export const PASSWORD_PLACEHOLDER = '{password}';

export interface SplitUrl {
  /** The URL with no secret in it (placeholders where the query carried credentials). */
  url: string;
  username: string | null;
  password: string | null;
}

function bad(field: string, why: string): VigilError {
  return new VigilError('BAD_REQUEST', `${field}: ${why}`, { field });
}

function decode(text: string, field: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw bad(field, 'invalid %-escape in the credentials');
  }
}

/**
 * Splits a camera URL into a URL without secrets and the credentials found in it. `field` names
 * the request field in errors. Only rtsp:// with a host is accepted (rtsps:// is not implemented).
 */
export function splitCameraUrl(raw: string, field = 'url'): SplitUrl {
  if (/^rtsps:/i.test(raw.trim())) throw bad(field, 'rtsps:// (RTSP over TLS) is not supported yet; use rtsp:// on a trusted network or a VPN');
  // user:pass@ comes out in media's one splitter (the RTSP client uses the same).
  let parts: ReturnType<typeof splitRtspUrl>;
  try {
    parts = splitRtspUrl(raw, ['rtsp:']);
  } catch (e) {
    if (e instanceof RtspError) throw bad(field, e.message);
    throw e;
  }
  if (!parts.host) throw bad(field, 'the URL has no host');
  let username = parts.username ?? null;
  let password = parts.password ?? null;
  const u = new URL(parts.url);
  // The query is rebuilt by hand: URLSearchParams would re-encode the parameters a camera expects verbatim.
  const query = u.search.startsWith('?') ? u.search.slice(1) : '';
  const kept: string[] = [];
  for (const part of query ? query.split('&') : []) {
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq), field);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const key = name.toLowerCase();
    if (USER_PARAMS.includes(key) && value !== USER_PLACEHOLDER) {
      username ??= value ? decode(value, field) : null;
      kept.push(`${part.slice(0, eq < 0 ? part.length : eq)}=${USER_PLACEHOLDER}`);
    } else if (PASSWORD_PARAMS.includes(key) && value !== PASSWORD_PLACEHOLDER) {
      password ??= value ? decode(value, field) : null;
      kept.push(`${part.slice(0, eq < 0 ? part.length : eq)}=${PASSWORD_PLACEHOLDER}`);
    } else kept.push(part);
  }
  u.search = '';
  const base = u.toString();
  return { url: kept.length ? `${base}?${kept.join('&')}` : base, username, password };
}

/** The URL to connect with: placeholders filled (percent-encoded). Never log or store it. */
export function fillCameraUrl(url: string, username: string | null, password: string | null): string {
  if (!url.includes('{')) return url;
  return url
    .split(USER_PLACEHOLDER).join(encodeURIComponent(username ?? ''))
    .split(PASSWORD_PLACEHOLDER).join(encodeURIComponent(password ?? ''));
}

/** Any URL made safe to show or log: user info removed, credential query values masked. */
export function redactCameraUrl(raw: string): string {
  try {
    return splitCameraUrl(raw).url;
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//').replace(/([?&](?:[a-z]*pass[a-z]*|pwd|pw|secret|token|key|auth)=)[^&]*/gi, '$1***');
  }
}
