import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** prevHash of the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers: everything but the hashes themselves. */
export interface AuditHashInput {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  cameraId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** An entry as stored: the hashed fields plus the chain links. */
export interface AuditEntry extends AuditHashInput {
  prevHash: string;
  hash: string;
}

/** SHA-256 (hex) over prevHash followed by the canonical JSON of the entry. */
export function auditHash(prevHash: string, entry: AuditHashInput): string {
  const body = canonicalJson({
    seq: entry.seq,
    ts: entry.ts,
    actor: entry.actor,
    action: entry.action,
    cameraId: entry.cameraId ?? null,
    ip: entry.ip ?? null,
    details: entry.details ?? {},
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/**
 * The details object exactly as it will read back from a JSON text column. Hash this form, not
 * the caller's object, or values JSON cannot keep (undefined, Dates, class instances) would make
 * a freshly written entry fail verification.
 */
export function normalizeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (details === undefined || details === null) return {};
  const copy: unknown = JSON.parse(JSON.stringify(details));
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
    throw new TypeError('audit details must be a JSON object');
  }
  return copy as Record<string, unknown>;
}
