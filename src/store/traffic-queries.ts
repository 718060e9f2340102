// Issue 14's queries (camera calibrations), kept apart from sql-store.ts. One dialect for SQLite and
// PostgreSQL, `$n` placeholders.
import type { SqlDatabase, SqlSession } from './sql-dialect.ts';
import type { CameraCalibrationRow } from './types.ts';

export async function upsertCalibration(tx: SqlSession, row: CameraCalibrationRow): Promise<void> {
  await tx.execute(
    `INSERT INTO camera_calibrations (camera_id, points, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (camera_id) DO UPDATE SET points = excluded.points, updated_at = excluded.updated_at`,
    [row.cameraId, JSON.stringify(row.points), row.updatedAt],
  );
}

export async function getCalibration(db: SqlDatabase | SqlSession, cameraId: string): Promise<CameraCalibrationRow | null> {
  const rows = await db.query('SELECT camera_id, points, updated_at FROM camera_calibrations WHERE camera_id = $1', [cameraId]);
  if (!rows.length) return null;
  const r = rows[0];
  return { cameraId: String(r.camera_id), points: JSON.parse(String(r.points)) as CameraCalibrationRow['points'], updatedAt: Number(r.updated_at) };
}

export async function deleteCalibration(tx: SqlSession, cameraId: string): Promise<boolean> {
  return (await tx.execute('DELETE FROM camera_calibrations WHERE camera_id = $1', [cameraId])) > 0;
}
