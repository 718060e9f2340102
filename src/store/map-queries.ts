// Issue 11's queries (camera placements, sites, outage areas), kept apart from sql-store.ts so the
// map's SQL reads in one place. One dialect for SQLite and PostgreSQL, `$n` placeholders.
import type { SqlDatabase, SqlParam, SqlRow, SqlSession } from './sql-dialect.ts';
import { latCell, viewportWhere } from './control-plane-queries.ts';
import type { BBoxQuery, CameraPlacementRow, OutageAreaRow, OutageMemberRow, PlacementQuery, PlacementWithCamera, SiteRow } from './types.ts';

const DEFAULT_PLACEMENT_LIMIT = 10_000;

const PLACEMENT_COLUMNS = 'p.camera_id, p.lon, p.lat, p.bearing, p.angle, p.range_m, p.ptz, p.site_id';

function toPlacement(r: SqlRow): PlacementWithCamera {
  return {
    cameraId: String(r.camera_id),
    lon: Number(r.lon),
    lat: Number(r.lat),
    bearing: Number(r.bearing),
    angle: Number(r.angle),
    range: Number(r.range_m),
    ptz: Number(r.ptz) === 1,
    siteId: r.site_id === null || r.site_id === undefined ? null : String(r.site_id),
    name: String(r.name),
    enabled: Number(r.enabled) === 1 || r.enabled === true,
    record: Number(r.record) === 1 || r.record === true,
  };
}

function toSite(r: SqlRow): SiteRow {
  return {
    id: String(r.id),
    name: String(r.name),
    kind: String(r.kind),
    priority: Number(r.priority),
    polygon: JSON.parse(String(r.polygon)) as (readonly [number, number])[],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toOutage(r: SqlRow): OutageAreaRow {
  return {
    id: String(r.id),
    startMs: Number(r.start_ms),
    endMs: r.end_ms === null || r.end_ms === undefined ? null : Number(r.end_ms),
    count: Number(r.count),
    cameraIds: JSON.parse(String(r.camera_ids)) as string[],
    hull: JSON.parse(String(r.hull)) as (readonly [number, number])[],
    members: r.members === null || r.members === undefined ? null : (JSON.parse(String(r.members)) as OutageMemberRow[]),
  };
}

function bboxWhere(bbox: BBoxQuery | undefined, params: SqlParam[]): string[] {
  return bbox ? [viewportWhere(bbox, params)] : [];
}

export async function upsertPlacements(tx: SqlSession, rows: CameraPlacementRow[], now: number): Promise<void> {
  for (const r of rows) {
    await tx.execute(
      `INSERT INTO camera_placements (camera_id, lon, lat, bearing, angle, range_m, ptz, site_id, updated_at, lat_cell)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (camera_id) DO UPDATE SET lon = excluded.lon, lat = excluded.lat, bearing = excluded.bearing,
         angle = excluded.angle, range_m = excluded.range_m, ptz = excluded.ptz, site_id = excluded.site_id, updated_at = excluded.updated_at,
         lat_cell = excluded.lat_cell`,
      [r.cameraId, r.lon, r.lat, r.bearing, r.angle, r.range, r.ptz ? 1 : 0, r.siteId, now, latCell(r.lat)],
    );
  }
}

export async function getPlacement(db: SqlSession, cameraId: string): Promise<CameraPlacementRow | null> {
  const rows = await db.query(
    `SELECT ${PLACEMENT_COLUMNS}, c.name, c.enabled, c.record FROM camera_placements p JOIN cameras c ON c.id = p.camera_id WHERE p.camera_id = $1`,
    [cameraId],
  );
  if (!rows.length) return null;
  const { name: _n, enabled: _e, record: _r, ...placement } = toPlacement(rows[0]!);
  return placement;
}

export async function deletePlacement(tx: SqlSession, cameraId: string): Promise<boolean> {
  return (await tx.execute('DELETE FROM camera_placements WHERE camera_id = $1', [cameraId])) > 0;
}

export async function listPlacements(db: SqlDatabase, q: PlacementQuery = {}): Promise<PlacementWithCamera[]> {
  const params: SqlParam[] = [];
  const where = bboxWhere(q.bbox, params);
  if (q.afterId !== undefined) {
    params.push(q.afterId);
    where.push(`p.camera_id > $${params.length}`);
  }
  if (q.throughId !== undefined) {
    params.push(q.throughId);
    where.push(`p.camera_id <= $${params.length}`);
  }
  if (q.cameraIds !== undefined) {
    if (!q.cameraIds.length) return [];
    where.push(`p.camera_id IN (${q.cameraIds.map((id) => { params.push(id); return `$${params.length}`; }).join(', ')})`);
  }
  params.push(Math.max(1, Math.min(q.limit ?? DEFAULT_PLACEMENT_LIMIT, 200_000)));
  // Ordered by camera id only when paging: a viewport query takes what the (lat, lon) index gives.
  const order = q.afterId !== undefined || q.throughId !== undefined || q.cameraIds !== undefined || !q.bbox ? 'ORDER BY p.camera_id' : '';
  const rows = await db.query(
    `SELECT ${PLACEMENT_COLUMNS}, c.name, c.enabled, c.record
     FROM camera_placements p JOIN cameras c ON c.id = p.camera_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT $${params.length}`,
    params,
  );
  return rows.map(toPlacement);
}

export async function countPlacements(db: SqlDatabase, bbox?: BBoxQuery): Promise<number> {
  const params: SqlParam[] = [];
  const where = bboxWhere(bbox, params);
  const rows = await db.query(
    `SELECT COUNT(*) AS n FROM camera_placements p JOIN cameras c ON c.id = p.camera_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return Number(rows[0]!.n);
}

export async function upsertSite(tx: SqlSession, site: SiteRow): Promise<SiteRow> {
  const existing = await tx.query('SELECT created_at FROM sites WHERE id = $1', [site.id]);
  const row: SiteRow = { ...site, createdAt: existing.length ? Number(existing[0]!.created_at) : site.createdAt };
  await tx.execute(
    `INSERT INTO sites (id, name, kind, priority, polygon, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, priority = excluded.priority,
       polygon = excluded.polygon, updated_at = excluded.updated_at`,
    [row.id, row.name, row.kind, row.priority, JSON.stringify(row.polygon), row.createdAt, row.updatedAt],
  );
  return row;
}

export async function getSite(db: SqlSession, id: string): Promise<SiteRow | null> {
  const rows = await db.query('SELECT id, name, kind, priority, polygon, created_at, updated_at FROM sites WHERE id = $1', [id]);
  return rows.length ? toSite(rows[0]!) : null;
}

export async function listSites(db: SqlSession): Promise<SiteRow[]> {
  const rows = await db.query('SELECT id, name, kind, priority, polygon, created_at, updated_at FROM sites ORDER BY priority, name, id');
  return rows.map(toSite);
}

export async function deleteSite(tx: SqlSession, id: string): Promise<boolean> {
  const n = await tx.execute('DELETE FROM sites WHERE id = $1', [id]);
  if (n > 0) await tx.execute('UPDATE camera_placements SET site_id = NULL WHERE site_id = $1', [id]);
  return n > 0;
}

export async function upsertOutage(db: SqlSession, a: OutageAreaRow): Promise<void> {
  await db.execute(
    `INSERT INTO outage_areas (id, start_ms, end_ms, count, camera_ids, hull, members) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET start_ms = excluded.start_ms, end_ms = excluded.end_ms, count = excluded.count,
       camera_ids = excluded.camera_ids, hull = excluded.hull, members = excluded.members`,
    [a.id, a.startMs, a.endMs, a.count, JSON.stringify(a.cameraIds), JSON.stringify(a.hull), a.members ? JSON.stringify(a.members) : null],
  );
}

export async function listOutages(db: SqlSession, q: { fromMs: number; toMs: number; limit?: number }): Promise<OutageAreaRow[]> {
  const rows = await db.query(
    `SELECT id, start_ms, end_ms, count, camera_ids, hull, members FROM outage_areas
     WHERE start_ms <= $1 AND (end_ms IS NULL OR end_ms >= $2) ORDER BY start_ms DESC LIMIT $3`,
    [q.toMs, q.fromMs, Math.max(1, Math.min(q.limit ?? 500, 10_000))],
  );
  return rows.map(toOutage);
}
