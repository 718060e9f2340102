// Issue 15's control plane at city size (docs/decisions/066-control-plane-at-city-size.md): the
// camera count kept in row_counts, the camera list filtered by scope, the map's viewport cells,
// and the health each node reports of its cameras. One dialect for SQLite and PostgreSQL.
import type { SqlParam, SqlRow, SqlSession } from './sql-dialect.ts';
import type { BBoxQuery, CameraHealthQuery, CameraHealthRow, CameraHealthSample, ScopeRef } from './types.ts';

/** Rows of 0.005 degrees of latitude (about 550 m): migration 153's lat_cell. */
const CELLS_PER_DEGREE = 200;
/** A box taller than this many rows is read as a latitude band (a city-wide box reads most rows anyway). */
const MAX_CELL_ROWS = 64;

export function latCell(lat: number): number {
  return Math.floor(lat * CELLS_PER_DEGREE);
}

/**
 * The viewport condition on `p` (camera_placements). The rows the box crosses are listed, one
 * more at each edge: the migration's backfill and this code round alike, but a latitude exactly on
 * a row's edge may land either side in floating point, and the exact test on lat follows anyway.
 */
export function viewportWhere(bbox: BBoxQuery, params: SqlParam[]): string {
  params.push(bbox.south, bbox.north, bbox.west, bbox.east);
  const n = params.length;
  const exact = `p.lat >= $${n - 3} AND p.lat <= $${n - 2} AND p.lon >= $${n - 1} AND p.lon <= $${n}`;
  const first = latCell(bbox.south) - 1;
  const last = latCell(bbox.north) + 1;
  if (last - first + 1 > MAX_CELL_ROWS) return exact;
  const cells: string[] = [];
  for (let c = first; c <= last; c++) {
    params.push(c);
    cells.push(`$${params.length}`);
  }
  return `p.lat_cell IN (${cells.join(', ')}) AND ${exact}`;
}

// --- the camera count --------------------------------------------------------------------------

/** In the transaction that added (+1) or removed (-1) a camera. */
export async function bumpCount(tx: SqlSession, name: string, delta: number): Promise<void> {
  await tx.execute('UPDATE row_counts SET n = n + $1 WHERE name = $2', [delta, name]);
}

export async function readCount(db: SqlSession, name: string): Promise<number> {
  const rows = await db.query('SELECT n FROM row_counts WHERE name = $1', [name]);
  return rows.length ? Number(rows[0]!.n) : 0;
}

// --- cameras by scope --------------------------------------------------------------------------

function scopeWhere(scopes: readonly ScopeRef[], params: SqlParam[]): string {
  const ors = scopes.map((s) => {
    params.push(s.kind, s.id);
    return `(s.scope_kind = $${params.length - 1} AND s.scope_id = $${params.length})`;
  });
  return ors.length ? `(${ors.join(' OR ')})` : '1 = 0';
}

/** Ids of the cameras in any of these scopes, after afterId, in id order (the index holds them so). */
export async function cameraIdsInScopes(db: SqlSession, q: { scopes: readonly ScopeRef[]; afterId?: string; limit: number }): Promise<string[]> {
  const params: SqlParam[] = [];
  const where = [scopeWhere(q.scopes, params)];
  if (q.afterId !== undefined) {
    params.push(q.afterId);
    where.push(`s.camera_id > $${params.length}`);
  }
  params.push(q.limit);
  const rows = await db.query(
    `SELECT DISTINCT s.camera_id FROM camera_scopes s JOIN cameras c ON c.id = s.camera_id
     WHERE ${where.join(' AND ')} ORDER BY s.camera_id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => String(r.camera_id));
}

export async function countCamerasInScopes(db: SqlSession, scopes: readonly ScopeRef[]): Promise<number> {
  const params: SqlParam[] = [];
  const rows = await db.query(
    `SELECT COUNT(DISTINCT s.camera_id) AS n FROM camera_scopes s JOIN cameras c ON c.id = s.camera_id WHERE ${scopeWhere(scopes, params)}`,
    params,
  );
  return Number(rows[0]!.n);
}

// --- camera health -----------------------------------------------------------------------------

const HEALTH_COLUMNS = 'camera_id, node_id, state, state_since, fps, bitrate_kbps, width, height, codec, reconnects, last_frame_at, error, reported_at, lost_frames';
/** 14 parameters a row at most: 1,000 rows stay far under SQLite's 32,766 and PostgreSQL's 65,535. */
const HEALTH_BATCH = 1000;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toHealth(r: SqlRow): CameraHealthRow {
  return {
    cameraId: String(r.camera_id),
    nodeId: String(r.node_id),
    state: String(r.state) as CameraHealthRow['state'],
    stateSince: Number(r.state_since),
    fps: num(r.fps),
    bitrateKbps: num(r.bitrate_kbps),
    width: num(r.width),
    height: num(r.height),
    codec: str(r.codec),
    reconnects: Number(r.reconnects),
    lastFrameAt: num(r.last_frame_at),
    error: str(r.error),
    reportedAt: Number(r.reported_at),
    lostFrames: num(r.lost_frames),
  };
}

/** One batch's rows as `($1, $2, …), (…)` and their parameters, each row's from `paramsOf`. */
function multiRowValues<T>(batch: readonly T[], paramsOf: (row: T) => SqlParam[]): { values: string; params: SqlParam[] } {
  const params: SqlParam[] = [];
  const values = batch.map((row) => {
    const b = params.length;
    const own = paramsOf(row);
    params.push(...own);
    return `(${own.map((_, j) => `$${b + j + 1}`).join(', ')})`;
  });
  return { values: values.join(', '), params };
}

/**
 * One multi-row upsert per 1,000 cameras. state_since keeps its value while the state is the same
 * and becomes the report's time when it changed (the stored row's state_since is ignored on input).
 */
export async function upsertHealth(tx: SqlSession, rows: readonly CameraHealthRow[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += HEALTH_BATCH) {
    const { values, params } = multiRowValues(rows.slice(i, i + HEALTH_BATCH), (h) => [
      h.cameraId, h.nodeId, h.state, h.reportedAt, h.fps, h.bitrateKbps, h.width, h.height, h.codec, h.reconnects, h.lastFrameAt, h.error, h.reportedAt, h.lostFrames,
    ]);
    written += await tx.execute(
      `INSERT INTO camera_health (${HEALTH_COLUMNS}) VALUES ${values}
       ON CONFLICT (camera_id) DO UPDATE SET node_id = excluded.node_id, state = excluded.state,
         state_since = CASE WHEN camera_health.state = excluded.state THEN camera_health.state_since ELSE excluded.state_since END,
         fps = excluded.fps, bitrate_kbps = excluded.bitrate_kbps, width = excluded.width, height = excluded.height,
         codec = excluded.codec, reconnects = excluded.reconnects, last_frame_at = excluded.last_frame_at,
         error = excluded.error, reported_at = excluded.reported_at, lost_frames = excluded.lost_frames`,
      params,
    );
  }
  return written;
}

export async function listHealth(db: SqlSession, q: CameraHealthQuery): Promise<CameraHealthRow[]> {
  const params: SqlParam[] = [];
  const where: string[] = [];
  if (q.cameraIds !== undefined) {
    if (!q.cameraIds.length) return [];
    where.push(`camera_id IN (${q.cameraIds.map((id) => { params.push(id); return `$${params.length}`; }).join(', ')})`);
  }
  if (q.afterId !== undefined) {
    params.push(q.afterId);
    where.push(`camera_id > $${params.length}`);
  }
  if (q.throughId !== undefined) {
    params.push(q.throughId);
    where.push(`camera_id <= $${params.length}`);
  }
  if (q.nodeId !== undefined) {
    params.push(q.nodeId);
    where.push(`node_id = $${params.length}`);
  }
  params.push(Math.max(1, Math.min(q.limit, 200_000)));
  const rows = await db.query(
    `SELECT ${HEALTH_COLUMNS} FROM camera_health ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY camera_id LIMIT $${params.length}`,
    params,
  );
  return rows.map(toHealth);
}

export async function deleteHealth(tx: SqlSession, cameraId: string): Promise<void> {
  await tx.execute('DELETE FROM camera_health WHERE camera_id = $1', [cameraId]);
}

// --- camera health history ----------------------------------------------------------------------

const SAMPLE_COLUMNS = 'camera_id, at, node_id, state, fps, bitrate_kbps, reconnects, lost_frames, error';

export async function addHealthSamples(tx: SqlSession, rows: readonly CameraHealthSample[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += HEALTH_BATCH) {
    const { values, params } = multiRowValues(rows.slice(i, i + HEALTH_BATCH), (h) => [h.cameraId, h.at, h.nodeId, h.state, h.fps, h.bitrateKbps, h.reconnects, h.lostFrames, h.error]);
    written += await tx.execute(`INSERT INTO camera_health_history (${SAMPLE_COLUMNS}) VALUES ${values} ON CONFLICT (camera_id, at) DO NOTHING`, params);
  }
  return written;
}

export async function listHealthSamples(db: SqlSession, q: { cameraId: string; fromMs: number; toMs: number; limit: number }): Promise<CameraHealthSample[]> {
  const rows = await db.query(
    `SELECT ${SAMPLE_COLUMNS} FROM camera_health_history WHERE camera_id = $1 AND at >= $2 AND at <= $3 ORDER BY at DESC LIMIT $4`,
    [q.cameraId, q.fromMs, q.toMs, Math.max(1, Math.min(q.limit, 10_000))],
  );
  return rows.map((r) => ({
    cameraId: String(r.camera_id), at: Number(r.at), nodeId: String(r.node_id), state: String(r.state) as CameraHealthRow['state'],
    fps: num(r.fps), bitrateKbps: num(r.bitrate_kbps), reconnects: Number(r.reconnects), lostFrames: num(r.lost_frames), error: str(r.error),
  }));
}

export function deleteHealthSamplesBefore(tx: SqlSession, beforeMs: number, limit: number): Promise<number> {
  // by the at index, a batch at a time (both engines take a row-value IN)
  return tx.execute(
    'DELETE FROM camera_health_history WHERE (camera_id, at) IN (SELECT camera_id, at FROM camera_health_history WHERE at < $1 ORDER BY at LIMIT $2)',
    [beforeMs, limit],
  );
}
