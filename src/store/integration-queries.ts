// Issue 15's integration queries (webhook dead letters, cameras' ONVIF addresses), kept apart from sql-store.ts. One dialect
// for SQLite and PostgreSQL, `$n` placeholders.
import type { SqlDatabase, SqlParam, SqlSession } from './sql-dialect.ts';
import type { CameraOnvifRow, WebhookDeadLetterRow } from './types.ts';

const COLUMNS = 'id, hook, event_id, body, attempts, last_error, first_at, failed_at';

function toRow(r: Record<string, unknown>): WebhookDeadLetterRow {
  return {
    id: String(r.id),
    hook: String(r.hook),
    eventId: r.event_id === null ? null : String(r.event_id),
    body: String(r.body),
    attempts: Number(r.attempts),
    lastError: String(r.last_error),
    firstAt: Number(r.first_at),
    failedAt: Number(r.failed_at),
  };
}

export async function insertDeadLetter(db: SqlDatabase | SqlSession, row: WebhookDeadLetterRow): Promise<void> {
  await db.execute(`INSERT INTO webhook_dead_letters (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
    row.id, row.hook, row.eventId, row.body, row.attempts, row.lastError, row.firstAt, row.failedAt,
  ]);
}

export async function listDeadLetters(db: SqlDatabase | SqlSession, q: { hook?: string; before?: { failedAt: number; id: string }; limit: number }): Promise<WebhookDeadLetterRow[]> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  if (q.hook !== undefined) {
    params.push(q.hook);
    where.push(`hook = $${params.length}`);
  }
  if (q.before) {
    params.push(q.before.failedAt, q.before.failedAt, q.before.id);
    where.push(`(failed_at < $${params.length - 2} OR (failed_at = $${params.length - 1} AND id < $${params.length}))`);
  }
  params.push(q.limit);
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM webhook_dead_letters ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY failed_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toRow);
}

export async function takeDeadLetter(tx: SqlSession, id: string): Promise<WebhookDeadLetterRow | null> {
  const rows = await tx.query(`SELECT ${COLUMNS} FROM webhook_dead_letters WHERE id = $1`, [id]);
  if (!rows.length) return null;
  await tx.execute('DELETE FROM webhook_dead_letters WHERE id = $1', [id]);
  return toRow(rows[0]);
}

export async function upsertCameraOnvif(tx: SqlSession, row: CameraOnvifRow): Promise<void> {
  await tx.execute(
    `INSERT INTO camera_onvif (camera_id, xaddr, profile_token, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (camera_id) DO UPDATE SET xaddr = excluded.xaddr, profile_token = excluded.profile_token, updated_at = excluded.updated_at`,
    [row.cameraId, row.xaddr, row.profileToken, row.updatedAt],
  );
}

export async function getCameraOnvif(db: SqlDatabase | SqlSession, cameraId: string): Promise<CameraOnvifRow | null> {
  const rows = await db.query('SELECT camera_id, xaddr, profile_token, updated_at FROM camera_onvif WHERE camera_id = $1', [cameraId]);
  if (!rows.length) return null;
  return { cameraId: String(rows[0].camera_id), xaddr: String(rows[0].xaddr), profileToken: String(rows[0].profile_token), updatedAt: Number(rows[0].updated_at) };
}

export async function listCameraOnvif(db: SqlDatabase | SqlSession): Promise<CameraOnvifRow[]> {
  const rows = await db.query('SELECT camera_id, xaddr, profile_token, updated_at FROM camera_onvif ORDER BY camera_id');
  return rows.map((r) => ({ cameraId: String(r.camera_id), xaddr: String(r.xaddr), profileToken: String(r.profile_token), updatedAt: Number(r.updated_at) }));
}
