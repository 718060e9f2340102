// Issue 14's queries (camera calibrations, traffic counts), kept apart from sql-store.ts. One dialect for SQLite and
// PostgreSQL, `$n` placeholders.
import type { SqlDatabase, SqlSession } from './sql-dialect.ts';
import type { CameraCalibrationRow, TrafficCountRow } from './types.ts';

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

export async function addTrafficCounts(tx: SqlSession, rows: readonly TrafficCountRow[]): Promise<void> {
  for (const r of rows) {
    await tx.execute(
      `INSERT INTO traffic_counts (camera_id, lane, minute_ms, cls, speed_bin, n) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (camera_id, lane, minute_ms, cls, speed_bin) DO UPDATE SET n = traffic_counts.n + excluded.n`,
      [r.cameraId, r.lane, r.minuteMs, r.cls, r.speedBin, r.n],
    );
  }
}

export async function listTrafficCounts(db: SqlDatabase | SqlSession, q: { cameraId: string; fromMs: number; toMs: number }): Promise<TrafficCountRow[]> {
  const rows = await db.query(
    `SELECT camera_id, lane, minute_ms, cls, speed_bin, n FROM traffic_counts WHERE camera_id = $1 AND minute_ms >= $2 AND minute_ms < $3
     ORDER BY minute_ms, lane, cls, speed_bin LIMIT 200000`,
    [q.cameraId, q.fromMs, q.toMs],
  );
  return rows.map((r) => ({ cameraId: String(r.camera_id), lane: String(r.lane), minuteMs: Number(r.minute_ms), cls: String(r.cls), speedBin: Number(r.speed_bin), n: Number(r.n) }));
}
