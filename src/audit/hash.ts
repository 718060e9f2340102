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
 * The hashed text's layout, key by key in the order written: for a reader that rebuilds the text
 * where the entries are stored (the embedded database, whose verification reads ten million rows).
 * 'string': a JSON string; 'string?': a JSON string or null; 'json': the details' canonical JSON
 * as stored; 'integer': a decimal integer. auditHashBody writes exactly this.
 */
export const AUDIT_HASH_LAYOUT = [
  ['action', 'string'],
  ['actor', 'string'],
  ['cameraId', 'string?'],
  ['details', 'json'],
  ['ip', 'string?'],
  ['seq', 'integer'],
  ['ts', 'integer'],
] as const satisfies readonly (readonly [keyof AuditHashInput, 'string' | 'string?' | 'json' | 'integer'])[];

/**
 * A row as a store rebuilt it: [seq, prevHash, hash, text], where text is the entry's hashed text
 * laid out as AUDIT_HASH_LAYOUT says (null when the store could not rebuild it, e.g. a value of
 * the wrong type). No object per entry and no re-serialising: verification hashes the text as is.
 */
export type AuditTextRow = readonly [seq: unknown, prevHash: unknown, hash: unknown, text: unknown];

/**
 * A page of rows as text, with a way back to the full entries: a row whose text is null or does
 * not hash right is checked again from its entry (a store's JSON quoting may differ from
 * JSON.stringify for rare characters; that is not a broken chain).
 */
export interface AuditTextPage {
  readonly rows: readonly AuditTextRow[];
  entry(seq: number): AuditEntry | undefined;
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
  try {
    return auditHash(prevHash, entry) === entry.hash;
  } catch {
    return false; // details that are not JSON at all: not what was hashed
  }
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
