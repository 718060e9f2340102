// Issue 13's retention of everything but recordings: events (with resolved alarms, webhook dead
// letters and mask lifts long over), line and traffic counts and the audit log's oldest entries. Each batch is deleted in one
// transaction with one audit entry summing it up (per batch, not per row: a sweep may delete
// millions of rows). An evidence lock on the camera keeps what falls inside it, and an alarm not yet
// resolved (a case being handled) keeps its event. One dialect for SQLite and PostgreSQL.
import type { SqlParam, SqlSession } from './sql-dialect.ts';
import type { AuditEntry, AuditInput, RetentionDeletion } from './types.ts';

type Append = (tx: SqlSession, input: AuditInput) => Promise<AuditEntry>;

const EVENT_LOCKED = `EXISTS (SELECT 1 FROM evidence_locks l WHERE l.camera_id = e.camera_id AND e.ts >= l.from_ms AND e.ts <= l.to_ms)`;
// An alarm still being handled keeps its event; a resolved one keeps it while the alarm itself is kept.
const EVENT_OPEN_CASE = `EXISTS (SELECT 1 FROM alarms a WHERE a.event_id = e.id AND (a.state <> 'resolved' OR a.last_at >= $1))`;
const ALARM_LOCKED = `EXISTS (SELECT 1 FROM evidence_locks l WHERE l.camera_id = a.camera_id AND a.first_at <= l.to_ms AND a.last_at >= l.from_ms)`;
/** Tables of per-minute counts: line crossings (analytics) and vehicles per lane (issue 14's traffic). */
export type CountTable = 'line_counts' | 'traffic_counts';
const countLocked = (table: CountTable) =>
  `EXISTS (SELECT 1 FROM evidence_locks l WHERE l.camera_id = ${table}.camera_id AND ${table}.minute_ms <= l.to_ms AND ${table}.minute_ms + 60000 > l.from_ms)`;

/** IN-lists of at most this many parameters. */
const CHUNK = 500;

async function deleteByIds(tx: SqlSession, sql: (marks: string) => string, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    n += await tx.execute(sql(part.map((_, j) => `$${j + 1}`).join(', ')), part);
  }
  return n;
}

function emptyDeletion(): RetentionDeletion {
  return { deleted: 0, cameras: {}, fromMs: null, toMs: null, keptByLock: 0, keptByOpenCase: 0, more: false };
}

function note(d: RetentionDeletion, cameraId: unknown, ts: number, n = 1): void {
  const cam = cameraId === null || cameraId === undefined ? '' : String(cameraId);
  d.cameras[cam] = (d.cameras[cam] ?? 0) + n;
  d.fromMs = d.fromMs === null ? ts : Math.min(d.fromMs, ts);
  d.toMs = d.toMs === null ? ts : Math.max(d.toMs, ts);
}

/**
 * Up to `limit` events older than beforeMs, resolved alarms last seen before it (with their
 * activity) and webhook dead letters that failed before it; one audit entry when anything went.
 */
export async function deleteEventsBefore(
  tx: SqlSession, append: Append, q: { beforeMs: number; limit: number }, audit: AuditInput,
): Promise<RetentionDeletion & { alarms: number; deadLetters: number; maskLifts: number }> {
  const d = { ...emptyDeletion(), alarms: 0, deadLetters: 0, maskLifts: 0 };
  const events = await tx.query(
    `SELECT e.id, e.camera_id, e.ts FROM events e WHERE e.ts < $1 AND NOT ${EVENT_LOCKED} AND NOT ${EVENT_OPEN_CASE} ORDER BY e.ts LIMIT $2`,
    [q.beforeMs, q.limit],
  );
  const ids = events.map((r) => String(r.id));
  for (const r of events) note(d, r.camera_id, Number(r.ts));
  d.deleted = await deleteByIds(tx, (m) => `DELETE FROM events WHERE id IN (${m})`, ids);
  await deleteByIds(tx, (m) => `DELETE FROM event_acks WHERE event_id IN (${m})`, ids);
  // issue 15: the record that a hit was stored (against a second delivery) goes with its event
  await deleteByIds(tx, (m) => `DELETE FROM alarm_hits WHERE event_id IN (${m})`, ids);
  const alarms = await tx.query(
    `SELECT a.id, a.camera_id, a.last_at FROM alarms a WHERE a.state = 'resolved' AND a.last_at < $1 AND NOT ${ALARM_LOCKED} ORDER BY a.last_at LIMIT $2`,
    [q.beforeMs, q.limit],
  );
  const alarmIds = alarms.map((r) => String(r.id));
  await deleteByIds(tx, (m) => `DELETE FROM alarm_activity WHERE alarm_id IN (${m})`, alarmIds);
  await deleteByIds(tx, (m) => `DELETE FROM alarm_hits WHERE alarm_id IN (${m})`, alarmIds);
  d.alarms = await deleteByIds(tx, (m) => `DELETE FROM alarms WHERE id IN (${m})`, alarmIds);
  d.deadLetters = await tx.execute('DELETE FROM webhook_dead_letters WHERE failed_at < $1', [q.beforeMs]);
  // Mask lifts long over (who lifted, why): the audit log keeps each lift (mask.lift) for its own retention.
  d.maskLifts = await tx.execute('DELETE FROM mask_lifts WHERE expires_at < $1', [q.beforeMs]);
  d.more = events.length === q.limit || alarms.length === q.limit;
  if (!d.more) {
    // What retention wanted and something kept (told to the admin; cheap: few rows are kept).
    d.keptByLock = Number((await tx.query(`SELECT COUNT(*) AS n FROM events e WHERE e.ts < $1 AND ${EVENT_LOCKED}`, [q.beforeMs]))[0].n);
    d.keptByOpenCase = Number((await tx.query(`SELECT COUNT(*) AS n FROM events e WHERE e.ts < $1 AND NOT ${EVENT_LOCKED} AND ${EVENT_OPEN_CASE}`, [q.beforeMs]))[0].n);
  }
  if (d.deleted + d.alarms + d.deadLetters + d.maskLifts > 0) {
    await append(tx, {
      ...audit,
      details: {
        ...audit.details, before: q.beforeMs, events: d.deleted, alarms: d.alarms, deadLetters: d.deadLetters, maskLifts: d.maskLifts,
        cameras: d.cameras, from: d.fromMs, to: d.toMs, keptByLock: d.keptByLock, keptByOpenCase: d.keptByOpenCase,
      },
    });
  }
  return d;
}

/**
 * Counts (of one table) of minutes in [fromMs, min(beforeMs, fromMs + stepMs)) (fromMs: the oldest
 * when not given), except those inside an evidence lock; one audit entry (naming the table) when
 * any went. nextFromMs: where the next step starts (at or past beforeMs: done).
 */
export async function deleteCountsBefore(
  tx: SqlSession, append: Append, table: CountTable, q: { fromMs?: number; beforeMs: number; stepMs: number }, audit: AuditInput,
): Promise<RetentionDeletion & { nextFromMs: number }> {
  const locked = countLocked(table);
  const d = emptyDeletion();
  let from = q.fromMs;
  if (from === undefined) {
    const lo = await tx.query(`SELECT MIN(minute_ms) AS lo FROM ${table} WHERE minute_ms < $1`, [q.beforeMs]);
    if (lo[0].lo === null || lo[0].lo === undefined) return { ...d, nextFromMs: q.beforeMs };
    from = Number(lo[0].lo);
  }
  const end = Math.min(q.beforeMs, from + q.stepMs);
  const params: SqlParam[] = [from, end];
  const per = await tx.query(
    `SELECT camera_id, COUNT(*) AS n, MIN(minute_ms) AS lo, MAX(minute_ms) AS hi FROM ${table}
     WHERE minute_ms >= $1 AND minute_ms < $2 AND NOT ${locked} GROUP BY camera_id`,
    params,
  );
  for (const r of per) {
    note(d, r.camera_id, Number(r.lo), Number(r.n));
    d.toMs = Math.max(d.toMs ?? 0, Number(r.hi));
  }
  d.deleted = await tx.execute(`DELETE FROM ${table} WHERE minute_ms >= $1 AND minute_ms < $2 AND NOT ${locked}`, params);
  d.keptByLock = Number((await tx.query(`SELECT COUNT(*) AS n FROM ${table} WHERE minute_ms >= $1 AND minute_ms < $2`, params))[0].n);
  d.more = end < q.beforeMs;
  if (d.deleted > 0) {
    await append(tx, { ...audit, details: { ...audit.details, table, before: q.beforeMs, rows: d.deleted, cameras: d.cameras, from: d.fromMs, to: d.toMs, keptByLock: d.keptByLock } });
  }
  return { ...d, nextFromMs: end };
}

/** The first audit entries (at most `limit`, none past maxSeq) that are all older than beforeMs. */
export async function auditPruneCandidate(
  db: Pick<SqlSession, 'query'>, q: { beforeMs: number; maxSeq: number; limit: number },
): Promise<{ firstSeq: number; firstTs: number; throughSeq: number; throughTs: number; hash: string } | null> {
  const first = await db.query('SELECT seq, ts FROM audit_log ORDER BY seq LIMIT 1');
  if (!first.length) return null;
  const firstSeq = Number(first[0].seq);
  const last = Math.min(q.maxSeq, firstSeq + Math.max(1, q.limit) - 1);
  if (last < firstSeq) return null;
  // The first entry young enough to keep ends the cut: entries after it stay even if older (clocks).
  const young = await db.query('SELECT MIN(seq) AS s FROM audit_log WHERE seq >= $1 AND seq <= $2 AND ts >= $3', [firstSeq, last, q.beforeMs]);
  const through = young[0].s === null || young[0].s === undefined ? last : Number(young[0].s) - 1;
  if (through < firstSeq) return null;
  const row = await db.query('SELECT seq, ts, hash FROM audit_log WHERE seq = $1', [through]);
  if (!row.length) return null;
  return { firstSeq, firstTs: Number(first[0].ts), throughSeq: through, throughTs: Number(row[0].ts), hash: String(row[0].hash) };
}

/**
 * Deletes audit entries up to throughSeq when that entry still has this hash, with an audit.prune
 * entry (what went, by action) in the same transaction; null when the entry is not that one.
 */
export async function pruneAudit(tx: SqlSession, append: Append, q: { throughSeq: number; hash: string }, audit: AuditInput): Promise<number | null> {
  const row = await tx.query('SELECT hash FROM audit_log WHERE seq = $1', [q.throughSeq]);
  if (!row.length || String(row[0].hash) !== q.hash) return null;
  const byAction = await tx.query('SELECT action, COUNT(*) AS n FROM audit_log WHERE seq <= $1 GROUP BY action', [q.throughSeq]);
  const actions: Record<string, number> = {};
  for (const r of byAction) actions[String(r.action)] = Number(r.n);
  const n = await tx.execute('DELETE FROM audit_log WHERE seq <= $1', [q.throughSeq]);
  await append(tx, { ...audit, details: { ...audit.details, entries: n, actions } });
  return n;
}
