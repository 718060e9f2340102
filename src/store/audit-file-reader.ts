// Reading the whole audit log of an embedded database fast, for `vigil audit verify` and its
// benchmark: a read-only connection of its own in this thread (WAL lets it read beside a running
// server), rows streamed in seq order in large pages. SQLite itself lays each entry out as the
// text its hash covers (AUDIT_HASH_LAYOUT), so verification hashes that text as it comes: no
// object per entry, no parsing, no re-serialising. Through the store's worker, ten million
// entries cost more in copying between threads than in hashing.
import { DatabaseSync } from 'node:sqlite';
import { AUDIT_HASH_LAYOUT, type AuditHashInput, type AuditTextPage, type AuditTextRow } from '../audit/index.ts';
import type { AuditEntry } from './types.ts';
import { AUDIT_COLUMNS } from './rows.ts';

const COLUMN: Record<keyof AuditHashInput, string> = {
  action: 'action', actor: 'actor', cameraId: 'camera_id', details: 'details', ip: 'ip', seq: 'seq', ts: 'ts',
};
const SAFE = `BETWEEN -9007199254740991 AND 9007199254740991`;

/**
 * The SQL expression of an entry's hashed text, or NULL when a value is not of the type the
 * layout writes (that row is then checked from its full entry, and fails there if it is wrong).
 */
export function auditTextSql(): string {
  const guards: string[] = [];
  const parts: string[] = [];
  AUDIT_HASH_LAYOUT.forEach(([key, kind], i) => {
    const col = COLUMN[key];
    parts.push(`'${i === 0 ? '{' : ','}${JSON.stringify(key)}:'`);
    if (kind === 'string') guards.push(`typeof(${col}) = 'text'`);
    else if (kind === 'string?') guards.push(`typeof(${col}) IN ('text', 'null')`);
    else if (kind === 'json') guards.push(`typeof(${col}) = 'text'`);
    else guards.push(`typeof(${col}) = 'integer' AND ${col} ${SAFE}`);
    parts.push(kind === 'string' || kind === 'string?' ? `json_quote(${col})` : col);
  });
  parts.push(`'}'`);
  return `CASE WHEN ${guards.join(' AND ')} THEN ${parts.join(' || ')} END`;
}

export async function* readAuditLogFile(dbPath: string, pageSize = 20_000): AsyncGenerator<AuditTextPage> {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    // One read transaction: the pages see one snapshot even while the server appends.
    db.exec('BEGIN');
    // A seq JavaScript cannot hold reads as NULL (a gap), not as an exception.
    const page = db.prepare(
      `SELECT CASE WHEN seq ${SAFE} THEN seq END, prev_hash, hash, ${auditTextSql()} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
    );
    page.setReturnArrays(true);
    const one = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq = ?`);
    one.setReadBigInts(true);
    const entry = (seq: number): AuditEntry | undefined => {
      const r = one.get(seq) as Record<string, unknown> | undefined;
      return r && lazyEntry(r);
    };
    let after: number | bigint = -Infinity;
    for (;;) {
      const rows = page.all(after, pageSize) as unknown as AuditTextRow[];
      if (rows.length === 0) return;
      yield { rows, entry };
      const last = rows[rows.length - 1][0];
      // A NULL seq (out of range) ends the walk: verification has already reported it as a gap.
      if (typeof last !== 'number' || rows.length < pageSize) return;
      after = last;
    }
  } finally {
    if (db.isOpen) {
      if (db.isTransaction) db.exec('ROLLBACK');
      db.close();
    }
  }
}

/** Numbers read as BigInt (a value beyond 2^53 must fail verification, not crash it). */
function lazyEntry(r: Record<string, unknown>): AuditEntry {
  const detailsJson = String(r.details);
  let parsed: Record<string, unknown> | undefined;
  return {
    seq: Number(r.seq),
    ts: Number(r.ts),
    actor: String(r.actor),
    action: String(r.action),
    cameraId: r.camera_id === null ? null : String(r.camera_id),
    ip: r.ip === null ? null : String(r.ip),
    detailsJson,
    get details() {
      parsed ??= JSON.parse(detailsJson) as Record<string, unknown>;
      return parsed;
    },
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}
