// Database rows (snake_case, booleans as 0/1, JSON as text) to the contract's shapes.
import type { AuditEntry, CameraRow, EventRow, EventSeverity, EvidenceLockRow, GapRow, Role, SegmentRow, SessionRow, UserRow } from './types.ts';
import type { SqlRow } from './sql-dialect.ts';
import { MAX_TIME_MS } from '../core/index.ts';

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v);
const bool = (v: unknown): boolean => v === 1 || v === true || v === '1';

export const USER_COLUMNS = 'id, username, password_hash, role, created_at, disabled, all_cameras';
export function toUser(r: SqlRow): UserRow {
  return {
    id: str(r.id),
    username: str(r.username),
    passwordHash: str(r.password_hash),
    role: str(r.role) as Role,
    createdAt: num(r.created_at),
    disabled: bool(r.disabled),
    allCameras: r.all_cameras === undefined || r.all_cameras === null ? true : bool(r.all_cameras),
  };
}

export const SESSION_COLUMNS = 'token_hash, user_id, created_at, expires_at, ip';
export function toSession(r: SqlRow): SessionRow {
  return {
    tokenHash: str(r.token_hash),
    userId: str(r.user_id),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    ip: strOrNull(r.ip),
  };
}

export const CAMERA_COLUMNS =
  'id, name, url, sub_url, username, password_enc, transport, enabled, record, created_at, updated_at';
export function toCamera(r: SqlRow): CameraRow {
  return {
    id: str(r.id),
    name: str(r.name),
    url: str(r.url),
    subUrl: strOrNull(r.sub_url),
    username: strOrNull(r.username),
    passwordEnc: strOrNull(r.password_enc),
    transport: str(r.transport) === 'udp' ? 'udp' : 'tcp',
    enabled: bool(r.enabled),
    record: bool(r.record),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export const SEGMENT_COLUMNS = 'camera_id, start_ms, end_ms, path, bytes';
export function toSegment(r: SqlRow): SegmentRow {
  return {
    cameraId: str(r.camera_id),
    startMs: num(r.start_ms),
    endMs: num(r.end_ms),
    path: str(r.path),
    bytes: num(r.bytes),
    // Only cluster nodes index their node (issue 15): embedded rows stay as they were.
    ...(r.node_id === null || r.node_id === undefined ? {} : { nodeId: str(r.node_id) }),
  };
}

export const AUDIT_COLUMNS = 'seq, ts, actor, action, camera_id, ip, details, prev_hash, hash';
export function toAudit(r: SqlRow): AuditEntry {
  return {
    seq: num(r.seq),
    ts: num(r.ts),
    actor: str(r.actor),
    action: str(r.action),
    cameraId: strOrNull(r.camera_id),
    ip: strOrNull(r.ip),
    details: JSON.parse(str(r.details)) as Record<string, unknown>,
    prevHash: str(r.prev_hash),
    hash: str(r.hash),
  };
}

export const GAP_COLUMNS = 'camera_id, start_ms, end_ms, reason';
export function toGap(r: SqlRow): GapRow {
  return { cameraId: str(r.camera_id), startMs: num(r.start_ms), endMs: num(r.end_ms), reason: str(r.reason) };
}

export const EVENT_COLUMNS = 'id, ts, camera_id, kind, severity, details';
export function toEvent(r: SqlRow): EventRow {
  return {
    id: str(r.id),
    ts: num(r.ts),
    cameraId: strOrNull(r.camera_id),
    kind: str(r.kind),
    severity: str(r.severity) as EventSeverity,
    details: JSON.parse(str(r.details)) as Record<string, unknown>,
  };
}

export const LOCK_COLUMNS = 'id, camera_id, from_ms, to_ms, reason, created_by, created_at';
/**
 * Reading a lock must never fail, whatever an older version or a hand edit stored: SQLite hands
 * integers past 2^53 back as an error, and one unreadable lock used to stop retention everywhere.
 * Times are brought into [0, MAX_TIME_MS] in SQL, before the driver converts them.
 */
const clampedTime = (column: string) =>
  `CASE WHEN ${column} > ${MAX_TIME_MS} THEN ${MAX_TIME_MS} WHEN ${column} < 0 THEN 0 ELSE ${column} END AS ${column}`;
export const LOCK_SELECT = `id, camera_id, ${clampedTime('from_ms')}, ${clampedTime('to_ms')}, reason, created_by, ${clampedTime('created_at')}`;
export function toLock(r: SqlRow): EvidenceLockRow {
  return {
    id: str(r.id),
    cameraId: str(r.camera_id),
    fromMs: num(r.from_ms),
    toMs: num(r.to_ms),
    reason: str(r.reason),
    createdBy: str(r.created_by),
    createdAt: num(r.created_at),
  };
}

export const toInt = (b: boolean): number => (b ? 1 : 0);
