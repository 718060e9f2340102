// Issue 13's retention queries (each camera's purpose, legal basis and how long its recordings are
// kept), kept apart from sql-store.ts. One dialect for SQLite and PostgreSQL, `$n` placeholders.
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
