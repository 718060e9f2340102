import { hash } from 'node:crypto';
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
  /**
   * The details as the database holds them (canonical JSON when Vigil wrote them), when the
   * reader has it: verification hashes this text directly and parses only when it does not match.
   */
  detailsJson?: string;
}

/**
 * The canonical JSON of an entry's hashed fields. The top-level keys are fixed and written here
 * already in sorted order (action, actor, cameraId, details, ip, seq, ts): the same text
 * canonicalJson gives for the whole object, without sorting seven keys per entry (verification of
 * ten million entries spends most of its time here).
 */
export function auditHashBody(entry: AuditHashInput): string {
  return (
    `{"action":${JSON.stringify(entry.action)},"actor":${JSON.stringify(entry.actor)},` +
    `"cameraId":${canonicalJson(entry.cameraId ?? null)},"details":${canonicalJson(entry.details ?? {})},` +
    `"ip":${canonicalJson(entry.ip ?? null)},"seq":${canonicalJson(entry.seq)},"ts":${canonicalJson(entry.ts)}}`
  );
}

/** SHA-256 (hex) over prevHash followed by the canonical JSON of the entry. */
export function auditHash(prevHash: string, entry: AuditHashInput): string {
  // One-shot hash (no Hash object per entry): the same SHA-256 of the concatenation, twice as fast.
  return hash('sha256', prevHash + auditHashBody(entry));
}

/**
 * Whether an entry's stored hash is right. With the stored details text at hand, that text is
 * hashed as it is first (it is canonical when Vigil wrote it); only on a mismatch are the details
 * parsed and canonicalised, so an edited text fails and a merely re-formatted one still holds.
 */
export function auditHashMatches(prevHash: string, entry: AuditEntry): boolean {
  if (entry.detailsJson !== undefined) {
    const body =
      `{"action":${JSON.stringify(entry.action)},"actor":${JSON.stringify(entry.actor)},` +
      `"cameraId":${canonicalJson(entry.cameraId ?? null)},"details":${entry.detailsJson},` +
      `"ip":${canonicalJson(entry.ip ?? null)},"seq":${canonicalJson(entry.seq)},"ts":${canonicalJson(entry.ts)}}`;
    if (hash('sha256', prevHash + body) === entry.hash) return true;
  }
  return auditHash(prevHash, entry) === entry.hash;
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
