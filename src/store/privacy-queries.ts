// Issue 13's queries (each camera's purpose, legal basis and how long its recordings are kept; the
// transparency report's counts), kept apart from sql-store.ts. One dialect for SQLite and PostgreSQL, `$n` placeholders.
import type { SqlDatabase, SqlSession } from './sql-dialect.ts';
import type { CameraPurposeRow } from './types.ts';

const COLUMNS = 'camera_id, purpose, legal_basis, retention_hours, retention_reason, updated_by, updated_at';

export async function upsertCameraPurpose(tx: SqlSession, row: CameraPurposeRow): Promise<void> {
  await tx.execute(
    `INSERT INTO camera_purposes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (camera_id) DO UPDATE SET purpose = excluded.purpose, legal_basis = excluded.legal_basis, retention_hours = excluded.retention_hours,
       retention_reason = excluded.retention_reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    [row.cameraId, row.purpose, row.legalBasis, row.retentionHours, row.retentionReason, row.updatedBy, row.updatedAt],
  );
}

export async function listCameraPurposes(db: SqlDatabase | SqlSession): Promise<CameraPurposeRow[]> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM camera_purposes ORDER BY camera_id`);
  return rows.map((r) => ({
    cameraId: String(r.camera_id), purpose: String(r.purpose), legalBasis: String(r.legal_basis), retentionHours: Number(r.retention_hours),
    retentionReason: r.retention_reason === null || r.retention_reason === undefined ? null : String(r.retention_reason),
    updatedBy: String(r.updated_by), updatedAt: Number(r.updated_at),
  }));
}

/**
 * "This entry is one HLS part request of a playback already counted": the text of migration 135's
 * index expression, character for character (SQLite uses an indexed expression only when the
 * query's is the same). Canonical details escape the quotes inside strings, so free text such as a
 * purpose cannot contain it.
 */
const HLS_PART = `(details LIKE '%"via":"hls-%')`;

/**
 * Audit entries of the given actions per UTC day, HLS part requests left out (the playlist's own
 * entry counts the playback). Grouped by the part flag too, in the index's order, so SQLite reads
 * migration 135's index alone and needs no sort; the outer query folds the flag away.
 */
export function auditDailyCountsSql(actionCount: number): string {
  const marks = Array.from({ length: actionCount }, (_, i) => `$${i + 1}`).join(', ');
  // Integer division on BIGINT: the same day number on both engines.
  return `SELECT action, day, SUM(n) AS n FROM (
       SELECT action, ts / 86400000 AS day, COUNT(*) AS n FROM audit_log
       WHERE action IN (${marks}) AND NOT (action = 'recording.play' AND ${HLS_PART})
       GROUP BY action, ${HLS_PART}, ts / 86400000
     ) AS by_part GROUP BY action, day`;
}

export async function auditDailyCounts(db: SqlDatabase | SqlSession, actions: string[]): Promise<{ day: number; action: string; n: number }[]> {
  if (actions.length === 0) return [];
  const rows = await db.query(auditDailyCountsSql(actions.length), actions);
  return rows.map((r) => ({ action: String(r.action), day: Number(r.day), n: Number(r.n) }));
}
