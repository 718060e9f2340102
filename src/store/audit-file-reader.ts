// Reading the whole audit log of an embedded database fast, for `vigil audit verify` and its
// benchmark: a read-only connection of its own in this thread (WAL lets it read beside a running
// server), rows streamed in seq order, details left as text until someone reads them. Through
// the store's worker, ten million entries cost more in copying between threads than in hashing.
import { DatabaseSync } from 'node:sqlite';
import type { AuditEntry } from './types.ts';
import { AUDIT_COLUMNS } from './rows.ts';

export async function* readAuditLogFile(dbPath: string, pageSize = 5000): AsyncGenerator<AuditEntry[]> {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY seq`).iterate() as Iterable<Record<string, unknown>>;
    let page: AuditEntry[] = [];
    for (const r of rows) {
      page.push(lazyEntry(r));
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  } finally {
    db.close();
  }
}

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
