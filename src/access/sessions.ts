// Session tokens: 256 random bits handed to the browser in an HttpOnly cookie; only their
// SHA-256 is stored, so a leaked database holds no usable session.
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'vigil_session';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
