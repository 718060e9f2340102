// Issue 12's wall layouts and bookmarks, kept apart from sql-store.ts. One dialect for SQLite and
// PostgreSQL, `$n` placeholders; the caller's transaction writes the audit entry with the change.
import type { SqlDatabase, SqlRow, SqlSession } from './sql-dialect.ts';
import type { BookmarkRow, WallLayoutRow } from './types.ts';

const LAYOUT_COLUMNS = 'id, owner_id, owner_name, name, shared, spec, created_at, updated_at, version';
const BOOKMARK_COLUMNS = 'id, camera_id, at_ms, note, created_by, created_name, created_at';

function toLayout(r: SqlRow): WallLayoutRow {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    ownerName: String(r.owner_name),
    name: String(r.name),
    shared: Number(r.shared) === 1,
    spec: JSON.parse(String(r.spec)) as Record<string, unknown>,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

function toBookmark(r: SqlRow): BookmarkRow {
  return {
    id: String(r.id),
    cameraId: String(r.camera_id),
    atMs: Number(r.at_ms),
    note: String(r.note),
    createdBy: String(r.created_by),
    createdName: String(r.created_name),
    createdAt: Number(r.created_at),
  };
}

export async function insertLayout(tx: SqlSession, row: WallLayoutRow): Promise<WallLayoutRow> {
  const stored = { ...row, version: 1 };
  await tx.execute(`INSERT INTO wall_layouts (${LAYOUT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    stored.id, stored.ownerId, stored.ownerName, stored.name, stored.shared ? 1 : 0, JSON.stringify(stored.spec), stored.createdAt, stored.updatedAt, stored.version,
  ]);
  return stored;
}

export async function updateLayout(tx: SqlSession, expectedVersion: number, next: WallLayoutRow): Promise<WallLayoutRow | null> {
  const stored = { ...next, version: expectedVersion + 1 };
  const n = await tx.execute('UPDATE wall_layouts SET name = $1, shared = $2, spec = $3, updated_at = $4, version = $5 WHERE id = $6 AND version = $7', [
    stored.name, stored.shared ? 1 : 0, JSON.stringify(stored.spec), stored.updatedAt, stored.version, stored.id, expectedVersion,
  ]);
  return n > 0 ? stored : null;
}

export async function getLayout(db: SqlDatabase | SqlSession, id: string): Promise<WallLayoutRow | null> {
  const rows = await db.query(`SELECT ${LAYOUT_COLUMNS} FROM wall_layouts WHERE id = $1`, [id]);
  return rows.length ? toLayout(rows[0]) : null;
}

export async function listLayouts(db: SqlDatabase, userId: string): Promise<WallLayoutRow[]> {
  const rows = await db.query(`SELECT ${LAYOUT_COLUMNS} FROM wall_layouts WHERE owner_id = $1 OR shared = 1 ORDER BY name, id LIMIT 500`, [userId]);
  return rows.map(toLayout);
}

export async function deleteLayout(tx: SqlSession, id: string): Promise<boolean> {
  return (await tx.execute('DELETE FROM wall_layouts WHERE id = $1', [id])) > 0;
}

export async function insertBookmark(tx: SqlSession, row: BookmarkRow): Promise<BookmarkRow> {
  await tx.execute(`INSERT INTO bookmarks (${BOOKMARK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    row.id, row.cameraId, row.atMs, row.note, row.createdBy, row.createdName, row.createdAt,
  ]);
  return row;
}

export async function getBookmark(db: SqlDatabase, id: string): Promise<BookmarkRow | null> {
  const rows = await db.query(`SELECT ${BOOKMARK_COLUMNS} FROM bookmarks WHERE id = $1`, [id]);
  return rows.length ? toBookmark(rows[0]) : null;
}

export async function listBookmarks(db: SqlDatabase, q: { cameraIds: string[]; fromMs: number; toMs: number; limit: number }): Promise<BookmarkRow[]> {
  if (q.cameraIds.length === 0) return [];
  const ids = q.cameraIds.map((_, i) => `$${i + 4}`).join(', ');
  const rows = await db.query(
    `SELECT ${BOOKMARK_COLUMNS} FROM bookmarks WHERE at_ms >= $1 AND at_ms <= $2 AND camera_id IN (${ids}) ORDER BY at_ms, id LIMIT $3`,
    [q.fromMs, q.toMs, Math.max(0, q.limit), ...q.cameraIds],
  );
  return rows.map(toBookmark);
}

export async function deleteBookmark(tx: SqlSession, id: string): Promise<boolean> {
  return (await tx.execute('DELETE FROM bookmarks WHERE id = $1', [id])) > 0;
}
