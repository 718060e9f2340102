// The signature a webhook receiver checks: HMAC-SHA256 over "<unix seconds>.<body>" with the hook's
// secret, sent as `x-vigil-signature: t=<unix seconds>,v1=<hex>`. The timestamp is signed so a
// captured request cannot be replayed later than the receiver's tolerance; each attempt signs anew.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';

export function signWebhook(secret: string, body: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (exported for receivers written in TypeScript, and the tests): true only
 * for a well-formed header whose HMAC matches and whose time is within toleranceS of now.
 */
export function verifyWebhook(secret: string, body: string, header: string | undefined, nowMs: number, toleranceS = 300): boolean {
  if (!header) return false;
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowMs / 1000 - t) > toleranceS) return false;
  const want = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2], 'hex'));
}
