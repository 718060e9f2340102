// Issue 10's queries (users, scopes, the audit log as an auditor reads it), kept apart from the
// rest of the store so the parts' changes merge cleanly. Each takes the session it runs in; the
// SqlStore wraps them with their audit entry in the same transaction.
import type { SqlParam, SqlSession } from './sql-dialect.ts';
import type { AuditEntry, AuditQuery, CameraScopeRow, ScopeRef, UserPatch, UserRow } from './types.ts';
import { AUDIT_COLUMNS, USER_COLUMNS, toAudit, toInt, toUser } from './rows.ts';

const USER_PATCH_COLUMNS: Record<keyof UserPatch, string> = {
  role: 'role',
  disabled: 'disabled',
  passwordHash: 'password_hash',
  allCameras: 'all_cameras',
};

export async function updateUserIn(tx: SqlSession, id: string, patch: UserPatch): Promise<UserRow | null> {
  const sets: string[] = [];
  const params: SqlParam[] = [];
  for (const [key, column] of Object.entries(USER_PATCH_COLUMNS) as [keyof UserPatch, string][]) {
    const value = patch[key];
    if (value === undefined) continue;
    params.push(typeof value === 'boolean' ? toInt(value) : value);
    sets.push(`${column} = $${params.length}`);
  }
  if (sets.length) {
    params.push(id);
    if ((await tx.execute(`UPDATE users SET ${sets.join(', ')} WHERE id = $${params.length}`, params)) === 0) return null;
  }
  const rows = await tx.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows.length ? toUser(rows[0]) : null;
}

export async function deleteUserIn(tx: SqlSession, id: string): Promise<boolean> {
  // Explicit, not only ON DELETE CASCADE: SQLite enforces foreign keys only when asked per connection.
  await tx.execute('DELETE FROM sessions WHERE user_id = $1', [id]);
  await tx.execute('DELETE FROM user_scopes WHERE user_id = $1', [id]);
  return (await tx.execute('DELETE FROM users WHERE id = $1', [id])) > 0;
}

export function deleteUserSessionsIn(tx: SqlSession, userId: string): Promise<number> {
  return tx.execute('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

export async function listUserScopesIn(tx: SqlSession, userId: string): Promise<ScopeRef[]> {
  const rows = await tx.query('SELECT scope_kind, scope_id FROM user_scopes WHERE user_id = $1 ORDER BY scope_kind, scope_id', [userId]);
  return rows.map((r) => ({ kind: String(r.scope_kind) === 'site' ? 'site' : 'group', id: String(r.scope_id) }));
}

export async function setUserScopesIn(tx: SqlSession, userId: string, scopes: ScopeRef[]): Promise<void> {
  await tx.execute('DELETE FROM user_scopes WHERE user_id = $1', [userId]);
  for (const s of dedupe(scopes)) {
    await tx.execute('INSERT INTO user_scopes (user_id, scope_kind, scope_id) VALUES ($1, $2, $3)', [userId, s.kind, s.id]);
  }
}

export async function listCameraScopesIn(tx: SqlSession): Promise<CameraScopeRow[]> {
  const rows = await tx.query('SELECT camera_id, scope_kind, scope_id FROM camera_scopes ORDER BY camera_id, scope_kind, scope_id');
  return rows.map((r) => ({ cameraId: String(r.camera_id), kind: String(r.scope_kind) === 'site' ? 'site' : 'group', id: String(r.scope_id) }));
}

export async function setCameraScopesIn(tx: SqlSession, cameraId: string, scopes: ScopeRef[]): Promise<void> {
  await tx.execute('DELETE FROM camera_scopes WHERE camera_id = $1', [cameraId]);
  for (const s of dedupe(scopes)) {
    await tx.execute('INSERT INTO camera_scopes (camera_id, scope_kind, scope_id) VALUES ($1, $2, $3)', [cameraId, s.kind, s.id]);
  }
}

function dedupe(scopes: ScopeRef[]): ScopeRef[] {
  const seen = new Map<string, ScopeRef>();
  for (const s of scopes) seen.set(`${s.kind}\u0000${s.id}`, s);
  return [...seen.values()];
}

/** Escapes LIKE's wildcards so a typed "%" or "_" matches itself. */
function likeText(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function queryAuditIn(tx: SqlSession, q: AuditQuery): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: SqlParam[] = [];
  const add = (sql: (n: string) => string, value: SqlParam) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (q.actor !== undefined) add((n) => `actor = ${n}`, q.actor);
  if (q.cameraId !== undefined) add((n) => `camera_id = ${n}`, q.cameraId);
  if (q.action !== undefined) {
    if (q.action.endsWith('.')) add((n) => `substr(action, 1, ${q.action!.length}) = ${n}`, q.action);
    else add((n) => `action = ${n}`, q.action);
  }
  if (q.fromMs !== undefined) add((n) => `ts >= ${n}`, q.fromMs);
  if (q.toMs !== undefined) add((n) => `ts <= ${n}`, q.toMs);
  // The purpose is free text in details (purpose, reason): narrowed in SQL, confirmed below.
  if (q.purpose !== undefined) add((n) => `LOWER(details) LIKE ${n} ESCAPE '\\'`, likeText(q.purpose.toLowerCase()));
  const limit = Math.max(1, Math.min(q.limit ?? 100, 1000));
  const out: AuditEntry[] = [];
  let cursor = q.beforeSeq;
  // A purpose found by LIKE may sit in another member of details: page on until the limit is met.
  for (;;) {
    const conds = [...where];
    const args = [...params];
    if (cursor !== undefined) {
      args.push(cursor);
      conds.push(`seq < $${args.length}`);
    }
    const page = (await tx.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${limit}`,
      args,
    )).map(toAudit);
    for (const e of page) {
      if (q.purpose === undefined || purposeOf(e).toLowerCase().includes(q.purpose.toLowerCase())) out.push(e);
      if (out.length >= limit) return out;
    }
    if (page.length < limit || q.purpose === undefined) return out;
    cursor = page[page.length - 1].seq;
  }
}

/** The stated purpose of an audited action: its purpose, else its reason (exports, locks). */
export function purposeOf(e: Pick<AuditEntry, 'details'>): string {
  const d = e.details;
  const p = typeof d.purpose === 'string' ? d.purpose : typeof d.reason === 'string' ? d.reason : '';
  return p;
}

export async function auditHeadIn(tx: SqlSession): Promise<{ seq: number; hash: string; ts: number } | null> {
  const rows = await tx.query('SELECT seq, hash, ts FROM audit_log ORDER BY seq DESC LIMIT 1');
  return rows.length ? { seq: Number(rows[0].seq), hash: String(rows[0].hash), ts: Number(rows[0].ts) } : null;
}
