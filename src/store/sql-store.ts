// The store's logic, written once over SqlDatabase: the SQLite worker and the PostgreSQL pool
// each wrap it. Queries use `$n` placeholders (see sql-dialect.ts).
import { GENESIS_HASH, auditHash, canonicalJson, normalizeDetails } from '../audit/index.ts';
import type { SqlDatabase, SqlParam, SqlSession } from './sql-dialect.ts';
import { newId } from '../core/index.ts';
import { StoreError } from './errors.ts';
import * as mapQueries from './map-queries.ts';
import { AlarmQueries } from './alarm-queries.ts';
import * as trafficQueries from './traffic-queries.ts';
import * as wallQueries from './wall-queries.ts';
import * as integrationQueries from './integration-queries.ts';
import * as controlPlane from './control-plane-queries.ts';
import * as privacyQueries from './privacy-queries.ts';
import * as retentionQueries from './retention-queries.ts';
import * as exportRequests from './export-request-queries.ts';
import type {
  AlarmActivityInput,
  AlarmActivityRow,
  AlarmHit,
  AlarmQuery,
  AlarmRow,
  AuditEntry,
  AuditInput,
  CameraAnalyticsRow,
  CameraPatch,
  CameraRow,
  EventQuery,
  EventRow,
  EventAckRow,
  EvidenceLockRow,
  GapRow,
  LineCountRow,
  NewCamera,
  SegmentKey,
  SegmentRow,
  SessionRow,
  Store,
  UserRow,
  PrivacyMaskRow,
  MaskLiftRow,
  AccessPurposeRow,
  AuditQuery,
  CameraScopeRow,
  ScopeRef,
  CameraHealthRow,
  CameraHealthSample,
  CameraHealthQuery,
  UserPatch,
  BBoxQuery,
  CameraPlacementRow,
  CameraCalibrationRow,
  TrafficCountRow,
  WebhookDeadLetterRow,
  CameraPurposeRow,
  RetentionDeletion,
  ExportRequestRow,
  ExportDecision,
  CameraOnvifRow,
  OutageAreaRow,
  PlacementQuery,
  PlacementWithCamera,
  SiteRow,
  WallLayoutRow,
  BookmarkRow,
} from './types.ts';
import {
  auditHeadIn,
  deleteUserIn,
  deleteUserSessionsIn,
  listCameraScopesIn,
  listUserScopesIn,
  queryAuditIn,
  setCameraScopesIn,
  setUserScopesIn,
  updateUserIn,
} from './access-queries.ts';
import {
  AUDIT_COLUMNS,
  CAMERA_COLUMNS,
  EVENT_COLUMNS,
  GAP_COLUMNS,
  LOCK_COLUMNS,
  LOCK_SELECT,
  toEvent,
  toGap,
  toLock,
  SEGMENT_COLUMNS,
  SESSION_COLUMNS,
  USER_COLUMNS,
  toAudit,
  toCamera,
  toInt,
  toSegment,
  toSession,
  toUser,
} from './rows.ts';

/** Arbitrary constant naming the audit chain among PostgreSQL advisory locks. */
export const AUDIT_CHAIN_LOCK = 7_300_002;

const DEFAULT_SEGMENT_LIMIT = 10_000;

/** Camera fields a patch may set, and their columns. */
const CAMERA_PATCH_COLUMNS: Record<keyof CameraPatch, string> = {
  name: 'name',
  url: 'url',
  subUrl: 'sub_url',
  username: 'username',
  passwordEnc: 'password_enc',
  transport: 'transport',
  enabled: 'enabled',
  record: 'record',
};

export type StoreOperations = Omit<Store, 'kind' | 'close'> & { appendAuditBatch(inputs: AuditInput[]): Promise<AuditBatchResult> };
export type AuditBatchResult = (AuditEntry | { error: string })[];

export class SqlStore implements StoreOperations {
  readonly db: SqlDatabase;
  private readonly alarms: AlarmQueries;

  constructor(db: SqlDatabase) {
    this.db = db;
    this.alarms = new AlarmQueries(db, (tx, entry) => this.appendAuditIn(tx, entry));
  }

  /** Runs a change and, when asked, its audit entry in the same transaction. */
  private async withAudit<T>(audit: AuditInput | undefined, change: (tx: SqlSession) => Promise<T>,
    changed: (result: T) => boolean = () => true): Promise<T> {
    return this.db.transaction(async (tx) => {
      const result = await change(tx);
      if (audit && changed(result)) await this.appendAuditIn(tx, audit);
      return result;
    });
  }

  // --- users --------------------------------------------------------------------------------

  async createUser(user: Omit<UserRow, 'createdAt'>, audit?: AuditInput): Promise<UserRow> {
    const row: UserRow = { ...user, allCameras: user.allCameras ?? true, createdAt: Date.now() };
    await this.withAudit(audit, (tx) =>
      tx.execute(
        `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.id, row.username, row.passwordHash, row.role, row.createdAt, toInt(row.disabled), toInt(row.allCameras!)],
      ),
    );
    return row;
  }

  async getUserByName(username: string): Promise<UserRow | null> {
    const rows = await this.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [username]);
    return rows.length ? toUser(rows[0]) : null;
  }

  async getUser(id: string): Promise<UserRow | null> {
    const rows = await this.db.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows.length ? toUser(rows[0]) : null;
  }

  /** Returns false when no user has that id (and then writes no audit entry). */
  async setUserPassword(id: string, passwordHash: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(
      audit,
      async (tx) => (await tx.execute('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, id])) > 0,
      (changed) => changed,
    );
  }

  async listUsers(): Promise<UserRow[]> {
    const rows = await this.db.query(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
    return rows.map(toUser);
  }

  async countUsers(): Promise<number> {
    const rows = await this.db.query('SELECT COUNT(*) AS n FROM users');
    return Number(rows[0].n);
  }

  // --- sessions -----------------------------------------------------------------------------

  async createSession(s: SessionRow): Promise<void> {
    await this.db.execute(`INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`, [
      s.tokenHash,
      s.userId,
      s.createdAt,
      s.expiresAt,
      s.ip,
    ]);
  }

  async getSession(tokenHash: string, now: number): Promise<SessionRow | null> {
    const rows = await this.db.query(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
      [tokenHash, now],
    );
    return rows.length ? toSession(rows[0]) : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.execute('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.db.execute('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  }

  // --- cameras ------------------------------------------------------------------------------

  async createCamera(c: NewCamera, audit?: AuditInput): Promise<CameraRow> {
    const now = Date.now();
    const row: CameraRow = { ...c, subUrl: c.subUrl ?? null, createdAt: now, updatedAt: now };
    await this.withAudit(audit, async (tx) => {
      await tx.execute(`INSERT INTO cameras (${CAMERA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
        row.id,
        row.name,
        row.url,
        row.subUrl,
        row.username,
        row.passwordEnc,
        row.transport,
        toInt(row.enabled),
        toInt(row.record),
        row.createdAt,
        row.updatedAt,
      ]);
      await controlPlane.bumpCount(tx, 'cameras', 1);
    });
    return row;
  }

  async getCamera(id: string): Promise<CameraRow | null> {
    const rows = await this.db.query(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id = $1`, [id]);
    return rows.length ? toCamera(rows[0]) : null;
  }

  async listCameras(): Promise<CameraRow[]> {
    const rows = await this.db.query(`SELECT ${CAMERA_COLUMNS} FROM cameras ORDER BY id`);
    return rows.map(toCamera);
  }

  /** No audit entry is written when no camera has that id: nothing happened. */
  async updateCamera(id: string, patch: CameraPatch, audit?: AuditInput): Promise<CameraRow | null> {
    const sets: string[] = [];
    const params: SqlParam[] = [];
    for (const [key, column] of Object.entries(CAMERA_PATCH_COLUMNS) as [keyof CameraPatch, string][]) {
      const value = patch[key];
      if (value === undefined) continue;
      params.push(typeof value === 'boolean' ? toInt(value) : value);
      sets.push(`${column} = $${params.length}`);
    }
    params.push(Date.now());
    sets.push(`updated_at = $${params.length}`);
    params.push(id);
    const sql = `UPDATE cameras SET ${sets.join(', ')} WHERE id = $${params.length}`;
    return this.withAudit(
      audit,
      async (tx) => {
        const n = await tx.execute(sql, params);
        if (n === 0) return null;
        const rows = await tx.query(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id = $1`, [id]);
        return toCamera(rows[0]);
      },
      (row) => row !== null,
    );
  }

  async deleteCamera(id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(
      audit,
      async (tx) => {
        const deleted = (await tx.execute('DELETE FROM cameras WHERE id = $1', [id])) > 0;
        if (deleted) await mapQueries.deletePlacement(tx, id);
        if (deleted) await trafficQueries.deleteCalibration(tx, id);
        if (deleted) await controlPlane.bumpCount(tx, 'cameras', -1);
        if (deleted) await controlPlane.deleteHealth(tx, id);
        return deleted;
      },
      (deleted) => deleted,
    );
  }

  // --- segments -----------------------------------------------------------------------------

  async addSegment(seg: SegmentRow): Promise<void> {
    await this.db.execute(`INSERT INTO segments (${SEGMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`, [
      seg.cameraId,
      seg.startMs,
      seg.endMs,
      seg.path,
      seg.bytes,
    ]);
  }

  /**
   * A segment covers [startMs, endMs): one that ends exactly at fromMs is not returned, one that
   * starts exactly at toMs is. A camera records one segment after another, so at most one segment
   * that starts before fromMs can still be running at fromMs: it is found by stepping back one
   * row in the primary key, never by scanning the camera's whole history.
   */
  async listSegments(cameraId: string, fromMs: number, toMs: number, limit = DEFAULT_SEGMENT_LIMIT): Promise<SegmentRow[]> {
    if (limit <= 0 || toMs < fromMs) return [];
    const before = await this.db.query(
      `SELECT ${SEGMENT_COLUMNS}, node_id FROM segments WHERE camera_id = $1 AND start_ms < $2 ORDER BY start_ms DESC LIMIT 1`,
      [cameraId, fromMs],
    );
    const out: SegmentRow[] = [];
    if (before.length && Number(before[0].end_ms) > fromMs) out.push(toSegment(before[0]));
    const rows = await this.db.query(
      `SELECT ${SEGMENT_COLUMNS}, node_id FROM segments WHERE camera_id = $1 AND start_ms >= $2 AND start_ms <= $3
       ORDER BY start_ms LIMIT $4`,
      [cameraId, fromMs, toMs, limit - out.length],
    );
    for (const r of rows) out.push(toSegment(r));
    return out;
  }

  async putSegments(segs: SegmentRow[]): Promise<void> {
    if (segs.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const seg of segs) {
        await tx.execute(
          `INSERT INTO segments (${SEGMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (camera_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms, path = excluded.path, bytes = excluded.bytes`,
          [seg.cameraId, seg.startMs, seg.endMs, seg.path, seg.bytes],
        );
      }
    });
  }

  async lastSegment(cameraId: string): Promise<SegmentRow | null> {
    const rows = await this.db.query(
      `SELECT ${SEGMENT_COLUMNS}, node_id FROM segments WHERE camera_id = $1 ORDER BY start_ms DESC LIMIT 1`,
      [cameraId],
    );
    return rows.length ? toSegment(rows[0]) : null;
  }

  async listOldestSegments(opts: { cameraId?: string; endBeforeMs?: number; after?: SegmentKey; limit: number }, nodeId?: string): Promise<SegmentRow[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    if (nodeId !== undefined) {
      params.push(nodeId);
      where.push(`node_id = $${params.length}`);
    }
    if (opts.cameraId !== undefined) {
      params.push(opts.cameraId);
      where.push(`camera_id = $${params.length}`);
    }
    if (opts.endBeforeMs !== undefined) {
      params.push(opts.endBeforeMs);
      where.push(`end_ms <= $${params.length}`);
    }
    if (opts.after) {
      params.push(opts.after.startMs, opts.after.cameraId);
      const a = params.length - 1;
      where.push(`(start_ms > $${a} OR (start_ms = $${a} AND camera_id > $${a + 1}))`);
    }
    params.push(Math.max(0, opts.limit));
    const rows = await this.db.query(
      `SELECT ${SEGMENT_COLUMNS}, node_id FROM segments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY start_ms, camera_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toSegment);
  }

  async listSegmentCameras(): Promise<string[]> {
    const rows = await this.db.query('SELECT DISTINCT camera_id FROM segments ORDER BY camera_id');
    return rows.map((r) => String(r.camera_id));
  }

  async totalSegmentBytes(): Promise<number> {
    const rows = await this.db.query('SELECT COALESCE(SUM(bytes), 0) AS n FROM segments');
    return Number(rows[0].n);
  }

  async deleteSegments(keys: SegmentKey[], audit?: AuditInput): Promise<number> {
    if (keys.length === 0) return 0;
    return this.withAudit(
      audit,
      async (tx) => {
        let n = 0;
        for (const k of keys) n += await tx.execute('DELETE FROM segments WHERE camera_id = $1 AND start_ms = $2', [k.cameraId, k.startMs]);
        return n;
      },
      (n) => n > 0,
    );
  }

  // --- gaps ---------------------------------------------------------------------------------

  async addGap(gap: GapRow): Promise<void> {
    // A restart may report the same gap twice (same camera and start): the later, longer one wins.
    await this.db.execute(
      `INSERT INTO gaps (${GAP_COLUMNS}) VALUES ($1, $2, $3, $4)
       ON CONFLICT (camera_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms, reason = excluded.reason`,
      [gap.cameraId, gap.startMs, gap.endMs, gap.reason],
    );
  }

  /** Same overlap rule and single step back as listSegments: gaps of one camera do not overlap. */
  async listGaps(cameraId: string, fromMs: number, toMs: number, limit = DEFAULT_SEGMENT_LIMIT): Promise<GapRow[]> {
    if (limit <= 0 || toMs < fromMs) return [];
    const before = await this.db.query(
      `SELECT ${GAP_COLUMNS} FROM gaps WHERE camera_id = $1 AND start_ms < $2 ORDER BY start_ms DESC LIMIT 1`,
      [cameraId, fromMs],
    );
    const out: GapRow[] = [];
    if (before.length && Number(before[0].end_ms) > fromMs) out.push(toGap(before[0]));
    const rows = await this.db.query(
      `SELECT ${GAP_COLUMNS} FROM gaps WHERE camera_id = $1 AND start_ms >= $2 AND start_ms <= $3 ORDER BY start_ms LIMIT $4`,
      [cameraId, fromMs, toMs, limit - out.length],
    );
    for (const r of rows) out.push(toGap(r));
    return out;
  }

  // --- events -------------------------------------------------------------------------------

  async addEvent(e: Omit<EventRow, 'id'> & { id?: string }): Promise<EventRow> {
    const row: EventRow = { id: e.id ?? newId('evt'), ts: e.ts, cameraId: e.cameraId, kind: e.kind, severity: e.severity, details: e.details };
    await this.db.execute(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      row.id,
      row.ts,
      row.cameraId,
      row.kind,
      row.severity,
      JSON.stringify(row.details ?? {}),
    ]);
    return row;
  }

  async listEvents(q: EventQuery): Promise<EventRow[]> {
    const params: SqlParam[] = [q.fromMs, q.toMs];
    const where = ['ts >= $1', 'ts <= $2'];
    if (q.cameraId !== undefined) {
      params.push(q.cameraId);
      where.push(`camera_id = $${params.length}`);
    }
    if (q.kind !== undefined) {
      params.push(q.kind);
      where.push(`kind = $${params.length}`);
    }
    params.push(Math.max(0, q.limit ?? 1000));
    const rows = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY ts DESC, id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEvent);
  }

  // --- evidence locks -----------------------------------------------------------------------

  async addEvidenceLock(lock: EvidenceLockRow, audit?: AuditInput): Promise<EvidenceLockRow> {
    await this.withAudit(audit, (tx) =>
      tx.execute(`INSERT INTO evidence_locks (${LOCK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        lock.id,
        lock.cameraId,
        lock.fromMs,
        lock.toMs,
        lock.reason,
        lock.createdBy,
        lock.createdAt,
      ]),
    );
    return lock;
  }

  async listEvidenceLocks(cameraId?: string): Promise<EvidenceLockRow[]> {
    const rows = cameraId === undefined
      ? await this.db.query(`SELECT ${LOCK_SELECT} FROM evidence_locks ORDER BY camera_id, from_ms, id`)
      : await this.db.query(`SELECT ${LOCK_SELECT} FROM evidence_locks WHERE camera_id = $1 ORDER BY from_ms, id`, [cameraId]);
    return rows.map(toLock);
  }

  async getEvidenceLock(id: string): Promise<EvidenceLockRow | null> {
    const rows = await this.db.query(`SELECT ${LOCK_SELECT} FROM evidence_locks WHERE id = $1`, [id]);
    return rows.length ? toLock(rows[0]) : null;
  }

  async deleteEvidenceLock(id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(
      audit,
      async (tx) => (await tx.execute('DELETE FROM evidence_locks WHERE id = $1', [id])) > 0,
      (deleted) => deleted,
    );
  }

  // --- analytics: line counts, settings, acknowledgements ---------------------------------

  async getEvent(id: string): Promise<EventRow | null> {
    const rows = await this.db.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, [id]);
    return rows.length ? toEvent(rows[0]) : null;
  }

  async addLineCounts(rows: LineCountRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const r of rows) {
        await tx.execute(
          `INSERT INTO line_counts (camera_id, line, minute_ms, cls, direction, n) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (camera_id, line, minute_ms, cls, direction) DO UPDATE SET n = line_counts.n + excluded.n`,
          [r.cameraId, r.line, r.minuteMs, r.cls, r.direction, r.n],
        );
      }
    });
  }

  async listLineCounts(q: { cameraId: string; line?: string; fromMs: number; toMs: number }): Promise<LineCountRow[]> {
    const params: SqlParam[] = [q.cameraId, q.fromMs, q.toMs];
    let where = 'camera_id = $1 AND minute_ms >= $2 AND minute_ms < $3';
    if (q.line !== undefined) {
      params.push(q.line);
      where += ` AND line = $${params.length}`;
    }
    const rows = await this.db.query(
      `SELECT camera_id, line, minute_ms, cls, direction, n FROM line_counts WHERE ${where} ORDER BY minute_ms, line, cls, direction LIMIT 100000`,
      params,
    );
    return rows.map((r) => ({
      cameraId: String(r.camera_id),
      line: String(r.line),
      minuteMs: Number(r.minute_ms),
      cls: String(r.cls),
      direction: String(r.direction) === 'negative' ? 'negative' : 'positive',
      n: Number(r.n),
    }));
  }

  async getCameraAnalytics(cameraId: string): Promise<CameraAnalyticsRow | null> {
    const rows = await this.db.query('SELECT camera_id, settings, updated_at FROM camera_analytics WHERE camera_id = $1', [cameraId]);
    return rows.length ? toAnalytics(rows[0]) : null;
  }

  async listCameraAnalytics(): Promise<CameraAnalyticsRow[]> {
    const rows = await this.db.query('SELECT camera_id, settings, updated_at FROM camera_analytics ORDER BY camera_id');
    return rows.map(toAnalytics);
  }

  async putCameraAnalytics(row: CameraAnalyticsRow, audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) =>
      tx.execute(
        `INSERT INTO camera_analytics (camera_id, settings, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (camera_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
        [row.cameraId, JSON.stringify(row.settings), row.updatedAt],
      ),
    );
  }

  async ackEvent(ack: EventAckRow, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(
      audit,
      async (tx) =>
        (await tx.execute('INSERT INTO event_acks (event_id, acked_by, acked_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING', [
          ack.eventId,
          ack.ackedBy,
          ack.ackedAt,
        ])) > 0,
      (inserted) => inserted,
    );
  }

  async listEventAcks(eventIds: string[]): Promise<EventAckRow[]> {
    if (eventIds.length === 0) return [];
    const ids = eventIds.slice(0, 1000);
    const rows = await this.db.query(
      `SELECT event_id, acked_by, acked_at FROM event_acks WHERE event_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`,
      ids,
    );
    return rows.map((r) => ({ eventId: String(r.event_id), ackedBy: String(r.acked_by), ackedAt: Number(r.acked_at) }));
  }

  // --- audit --------------------------------------------------------------------------------

  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return this.db.transaction((tx) => this.appendAuditIn(tx, entry));
  }

  /**
   * Several entries in one transaction, in order (the embedded store's group commit). An entry
   * whose details are not a JSON object is answered with its error and left out; the rest go in.
   */
  async appendAuditBatch(inputs: AuditInput[]): Promise<AuditBatchResult> {
    const checked = inputs.map((input) => {
      try {
        return { input: { ...input, details: normalizeDetails(input.details) } };
      } catch (err) {
        return { error: (err as Error).message };
      }
    });
    return this.db.transaction(async (tx) => {
      const out: AuditBatchResult = [];
      for (const c of checked) out.push('error' in c ? { error: c.error! } : await this.appendAuditIn(tx, c.input!));
      return out;
    });
  }

  /** Inside the caller's transaction: read the chain head, hash, insert seq = head + 1. */
  private async appendAuditIn(tx: SqlSession, input: AuditInput): Promise<AuditEntry> {
    // SQLite transactions here already hold the write lock (BEGIN IMMEDIATE); PostgreSQL needs
    // this lock so two API processes cannot both read the same head and fork the chain.
    if (this.db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const head = await tx.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const seq = head.length ? Number(head[0].seq) + 1 : 1;
    const prevHash = head.length ? String(head[0].hash) : GENESIS_HASH;
    const fields = {
      seq,
      ts: input.ts ?? Date.now(),
      actor: input.actor,
      action: input.action,
      cameraId: input.cameraId ?? null,
      ip: input.ip ?? null,
      details: normalizeDetails(input.details),
    };
    const entry: AuditEntry = { ...fields, prevHash, hash: auditHash(prevHash, fields) };
    await tx.execute(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      entry.seq,
      entry.ts,
      entry.actor,
      entry.action,
      entry.cameraId,
      entry.ip,
      // Canonical (sorted keys): exactly the text the hash covers, so verification can hash the
      // stored text without parsing and re-serialising ten million objects.
      canonicalJson(entry.details),
      entry.prevHash,
      entry.hash,
    ]);
    return entry;
  }

  async listAudit(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toAudit);
  }

  // --- issue 10: access and audit (queries in access-queries.ts) ----------------------------

  async updateUser(id: string, patch: UserPatch, audit?: AuditInput): Promise<UserRow | null> {
    return this.withAudit(audit, (tx) => updateUserIn(tx, id, patch), (row) => row !== null);
  }

  async deleteUser(id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => deleteUserIn(tx, id), (deleted) => deleted);
  }

  async deleteUserSessions(userId: string, audit?: AuditInput): Promise<number> {
    return this.withAudit(audit, (tx) => deleteUserSessionsIn(tx, userId));
  }

  async listUserScopes(userId: string): Promise<ScopeRef[]> {
    return listUserScopesIn(this.db, userId);
  }

  async setUserScopes(userId: string, scopes: ScopeRef[], audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) => setUserScopesIn(tx, userId, scopes));
  }

  async listCameraScopes(): Promise<CameraScopeRow[]> {
    return listCameraScopesIn(this.db);
  }

  async setCameraScopes(cameraId: string, scopes: ScopeRef[], audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) => setCameraScopesIn(tx, cameraId, scopes));
  }

  async queryAudit(q: AuditQuery): Promise<AuditEntry[]> {
    return queryAuditIn(this.db, q);
  }

  async auditHead(): Promise<{ seq: number; hash: string; ts: number } | null> {
    return auditHeadIn(this.db);
  }

  // --- issue 15 (cluster) -------------------------------------------------------------------------

  async setCameraFence(cameraId: string, nodeId: string, token: number): Promise<boolean> {
    const n = await this.db.execute(
      `INSERT INTO camera_fences (camera_id, node_id, token, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (camera_id) DO UPDATE SET node_id = excluded.node_id, token = excluded.token, updated_at = excluded.updated_at
       WHERE camera_fences.token < excluded.token`,
      [cameraId, nodeId, token, Date.now()],
    );
    return n > 0;
  }

  async getCameraFence(cameraId: string): Promise<{ nodeId: string; token: number } | null> {
    const rows = await this.db.query('SELECT node_id, token FROM camera_fences WHERE camera_id = $1', [cameraId]);
    return rows.length ? { nodeId: String(rows[0].node_id), token: Number(rows[0].token) } : null;
  }

  async putNodeSegments(nodeId: string, segs: (SegmentRow & { fence?: number })[]): Promise<SegmentKey[]> {
    if (segs.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const refused: SegmentKey[] = [];
      for (const seg of segs) {
        const params: SqlParam[] = [seg.cameraId, seg.startMs, seg.endMs, seg.path, seg.bytes, nodeId];
        // The check and the write are one statement: a lease taken over between them cannot slip in.
        const fenced = seg.fence !== undefined;
        if (fenced) params.push(seg.fence!);
        const n = await tx.execute(
          `INSERT INTO segments (camera_id, start_ms, end_ms, path, bytes, node_id)
           SELECT $1, $2, $3, $4, $5, $6
           WHERE ${fenced ? 'EXISTS (SELECT 1 FROM camera_fences f WHERE f.camera_id = $1 AND f.node_id = $6 AND f.token = $7)' : '1 = 1'}
           ON CONFLICT (camera_id, start_ms) DO UPDATE SET end_ms = excluded.end_ms, path = excluded.path, bytes = excluded.bytes, node_id = excluded.node_id`,
          params,
        );
        if (n === 0) refused.push({ cameraId: seg.cameraId, startMs: seg.startMs });
      }
      return refused;
    });
  }

  async lastNodeSegment(cameraId: string, nodeId: string): Promise<SegmentRow | null> {
    const rows = await this.db.query(
      `SELECT ${SEGMENT_COLUMNS}, node_id FROM segments WHERE camera_id = $1 AND node_id = $2 ORDER BY start_ms DESC LIMIT 1`,
      [cameraId, nodeId],
    );
    return rows.length ? toSegment(rows[0]) : null;
  }

  listOldestNodeSegments(nodeId: string, opts: { cameraId?: string; endBeforeMs?: number; after?: SegmentKey; limit: number }): Promise<SegmentRow[]> {
    return this.listOldestSegments(opts, nodeId);
  }

  async listNodeSegmentCameras(nodeId: string): Promise<string[]> {
    const rows = await this.db.query('SELECT DISTINCT camera_id FROM segments WHERE node_id = $1 ORDER BY camera_id', [nodeId]);
    return rows.map((r) => String(r.camera_id));
  }

  async totalNodeSegmentBytes(nodeId: string): Promise<number> {
    const rows = await this.db.query('SELECT COALESCE(SUM(bytes), 0) AS n FROM segments WHERE node_id = $1', [nodeId]);
    return Number(rows[0].n);
  }

  // --- issue 13 (privacy) -------------------------------------------------------------------------

  async addPrivacyMask(mask: PrivacyMaskRow, audit?: AuditInput): Promise<PrivacyMaskRow> {
    await this.withAudit(audit, (tx) =>
      tx.execute(`INSERT INTO privacy_masks (${MASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        mask.id, mask.cameraId, mask.name, JSON.stringify(mask.polygon), toInt(mask.liftable), mask.createdBy, mask.createdAt,
      ]),
    );
    return mask;
  }

  async listPrivacyMasks(cameraId?: string): Promise<PrivacyMaskRow[]> {
    const rows = cameraId === undefined
      ? await this.db.query(`SELECT ${MASK_COLUMNS} FROM privacy_masks ORDER BY created_at, id`)
      : await this.db.query(`SELECT ${MASK_COLUMNS} FROM privacy_masks WHERE camera_id = $1 ORDER BY created_at, id`, [cameraId]);
    return rows.map(toMask);
  }

  async deletePrivacyMask(cameraId: string, id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, async (tx) => (await tx.execute('DELETE FROM privacy_masks WHERE camera_id = $1 AND id = $2', [cameraId, id])) > 0, (n) => n);
  }

  async addMaskLift(lift: MaskLiftRow, audit?: AuditInput): Promise<MaskLiftRow> {
    await this.withAudit(audit, (tx) =>
      tx.execute(`INSERT INTO mask_lifts (${LIFT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        lift.id, lift.cameraId, lift.userId, lift.reason, lift.startedAt, lift.expiresAt, lift.endedAt,
      ]),
    );
    return lift;
  }

  async activeMaskLift(cameraId: string, userId: string, now: number): Promise<MaskLiftRow | null> {
    const rows = await this.db.query(
      `SELECT ${LIFT_COLUMNS} FROM mask_lifts WHERE user_id = $1 AND camera_id = $2 AND expires_at > $3 AND started_at <= $3 AND ended_at IS NULL ORDER BY expires_at DESC LIMIT 1`,
      [userId, cameraId, now],
    );
    return rows.length ? toLift(rows[0]) : null;
  }

  async endMaskLifts(cameraId: string, userId: string, at: number, audit?: AuditInput): Promise<number> {
    return this.withAudit(
      audit,
      (tx) => tx.execute('UPDATE mask_lifts SET ended_at = $1 WHERE user_id = $2 AND camera_id = $3 AND expires_at > $1 AND ended_at IS NULL', [at, userId, cameraId]),
      (n) => n > 0,
    );
  }

  async listAccessPurposes(): Promise<AccessPurposeRow[]> {
    const rows = await this.db.query('SELECT id, name, active, created_by, created_at FROM access_purposes ORDER BY name');
    return rows.map((r) => ({ id: String(r.id), name: String(r.name), active: r.active === 1 || r.active === true || r.active === '1', createdBy: String(r.created_by), createdAt: Number(r.created_at) }));
  }

  async putAccessPurpose(p: AccessPurposeRow, audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, async (tx) => {
      const clash = await tx.query('SELECT id FROM access_purposes WHERE name = $1 AND id <> $2', [p.name, p.id]);
      if (clash.length) throw new StoreError('DUPLICATE', `a purpose named ${p.name} exists`);
      await tx.execute(
        `INSERT INTO access_purposes (id, name, active, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active`,
        [p.id, p.name, toInt(p.active), p.createdBy, p.createdAt],
      );
    });
  }

  async getPrivacySetting(name: string): Promise<unknown | null> {
    const rows = await this.db.query('SELECT value FROM privacy_settings WHERE name = $1', [name]);
    return rows.length ? (JSON.parse(String(rows[0].value)) as unknown) : null;
  }

  async putPrivacySetting(name: string, value: unknown, audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) =>
      tx.execute(
        `INSERT INTO privacy_settings (name, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [name, JSON.stringify(value), Date.now()],
      ),
    );
  }

  async auditDailyCounts(actions: string[]): Promise<{ day: number; action: string; n: number }[]> {
    return privacyQueries.auditDailyCounts(this.db, actions);
  }

  // --- issue 11: the security map -----------------------------------------------------------

  async putCameraPlacements(rows: CameraPlacementRow[], audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) => mapQueries.upsertPlacements(tx, rows, Date.now()));
  }

  async getCameraPlacement(cameraId: string): Promise<CameraPlacementRow | null> {
    return mapQueries.getPlacement(this.db, cameraId);
  }

  async deleteCameraPlacement(cameraId: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => mapQueries.deletePlacement(tx, cameraId), (deleted) => deleted);
  }

  async listCameraPlacements(q?: PlacementQuery): Promise<PlacementWithCamera[]> {
    return mapQueries.listPlacements(this.db, q);
  }

  async countCameraPlacements(bbox?: BBoxQuery): Promise<number> {
    return mapQueries.countPlacements(this.db, bbox);
  }

  async putSite(site: SiteRow, audit?: AuditInput): Promise<SiteRow> {
    return this.withAudit(audit, (tx) => mapQueries.upsertSite(tx, site));
  }

  async getSite(id: string): Promise<SiteRow | null> {
    return mapQueries.getSite(this.db, id);
  }

  async listSites(): Promise<SiteRow[]> {
    return mapQueries.listSites(this.db);
  }

  async deleteSite(id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => mapQueries.deleteSite(tx, id), (deleted) => deleted);
  }

  async putOutageArea(area: OutageAreaRow): Promise<void> {
    await mapQueries.upsertOutage(this.db, area);
  }

  async listOutageAreas(q: { fromMs: number; toMs: number; limit?: number }): Promise<OutageAreaRow[]> {
    return mapQueries.listOutages(this.db, q);
  }

  async listCamerasPage(q: { afterId?: string; limit: number }): Promise<CameraRow[]> {
    const rows = q.afterId === undefined
      ? await this.db.query(`SELECT ${CAMERA_COLUMNS} FROM cameras ORDER BY id LIMIT $1`, [q.limit])
      : await this.db.query(`SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id > $1 ORDER BY id LIMIT $2`, [q.afterId, q.limit]);
    return rows.map(toCamera);
  }

  async countCameras(): Promise<number> {
    return controlPlane.readCount(this.db, 'cameras');
  }

  // --- issue 12 (operator workflow): see alarm-queries.ts -----------------------------------------

  raiseAlarm(hit: AlarmHit): Promise<{ alarm: AlarmRow; folded: boolean; duplicate?: true }> {
    return this.alarms.raiseAlarm(hit);
  }

  getAlarm(id: string): Promise<AlarmRow | null> {
    return this.alarms.getAlarm(id);
  }

  updateAlarm(expectedVersion: number, next: AlarmRow, activity: AlarmActivityInput[], audit?: AuditInput): Promise<AlarmRow | null> {
    return this.alarms.updateAlarm(expectedVersion, next, activity, audit);
  }

  listAlarms(q: AlarmQuery): Promise<AlarmRow[]> {
    return this.alarms.listAlarms(q);
  }

  listAlarmActivity(alarmId: string, limit?: number): Promise<AlarmActivityRow[]> {
    return this.alarms.listAlarmActivity(alarmId, limit);
  }

  listDueAlarms(now: number, limit: number): Promise<AlarmRow[]> {
    return this.alarms.listDueAlarms(now, limit);
  }

  // --- issue 14: traffic ------------------------------------------------------------------------

  async putCameraCalibration(row: CameraCalibrationRow, audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) => trafficQueries.upsertCalibration(tx, row));
  }

  async getCameraCalibration(cameraId: string): Promise<CameraCalibrationRow | null> {
    return trafficQueries.getCalibration(this.db, cameraId);
  }

  async deleteCameraCalibration(cameraId: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => trafficQueries.deleteCalibration(tx, cameraId), (deleted) => deleted);
  }

  async addTrafficCounts(rows: TrafficCountRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction((tx) => trafficQueries.addTrafficCounts(tx, rows));
  }

  listTrafficCounts(q: { cameraId: string; fromMs: number; toMs: number }): Promise<TrafficCountRow[]> {
    return trafficQueries.listTrafficCounts(this.db, q);
  }

  // --- issue 12 (video wall, investigation): see wall-queries.ts -------------------------------

  addWallLayout(row: WallLayoutRow, audit?: AuditInput): Promise<WallLayoutRow> {
    return this.withAudit(audit, (tx) => wallQueries.insertLayout(tx, row));
  }

  updateWallLayout(expectedVersion: number, next: WallLayoutRow, audit?: AuditInput): Promise<WallLayoutRow | null> {
    return this.withAudit(audit, (tx) => wallQueries.updateLayout(tx, expectedVersion, next), (row) => row !== null);
  }

  getWallLayout(id: string): Promise<WallLayoutRow | null> {
    return wallQueries.getLayout(this.db, id);
  }

  listWallLayouts(userId: string): Promise<WallLayoutRow[]> {
    return wallQueries.listLayouts(this.db, userId);
  }

  deleteWallLayout(id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => wallQueries.deleteLayout(tx, id), (deleted) => deleted);
  }

  addBookmark(row: BookmarkRow, audit?: AuditInput): Promise<BookmarkRow> {
    return this.withAudit(audit, (tx) => wallQueries.insertBookmark(tx, row));
  }

  getBookmark(id: string): Promise<BookmarkRow | null> {
    return wallQueries.getBookmark(this.db, id);
  }

  listBookmarks(q: { cameraIds: string[]; fromMs: number; toMs: number; limit: number }): Promise<BookmarkRow[]> {
    return wallQueries.listBookmarks(this.db, q);
  }

  deleteBookmark(id: string, audit?: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => wallQueries.deleteBookmark(tx, id), (deleted) => deleted);
  }

  // --- issue 15: integrations -------------------------------------------------------------------

  async addWebhookDeadLetter(row: WebhookDeadLetterRow): Promise<void> {
    await integrationQueries.insertDeadLetter(this.db, row);
  }

  listWebhookDeadLetters(q: { hook?: string; before?: { failedAt: number; id: string }; limit: number }): Promise<WebhookDeadLetterRow[]> {
    return integrationQueries.listDeadLetters(this.db, q);
  }

  takeWebhookDeadLetter(id: string, audit?: AuditInput): Promise<WebhookDeadLetterRow | null> {
    return this.withAudit(audit, (tx) => integrationQueries.takeDeadLetter(tx, id), (row) => row !== null);
  }

  async putCameraOnvif(row: CameraOnvifRow, audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) => integrationQueries.upsertCameraOnvif(tx, row));
  }

  getCameraOnvif(cameraId: string): Promise<CameraOnvifRow | null> {
    return integrationQueries.getCameraOnvif(this.db, cameraId);
  }

  // --- issue 11 (continued): the security map ---------------------------------------------------

  async putSites(sites: SiteRow[], audit?: AuditInput): Promise<SiteRow[]> {
    return this.withAudit(audit, async (tx) => {
      const out: SiteRow[] = [];
      for (const site of sites) out.push(await mapQueries.upsertSite(tx, site));
      return out;
    });
  }

  // --- issue 13 (privacy): retention (queries in privacy-queries.ts) ------------------------------

  async putCameraPurpose(row: CameraPurposeRow, audit?: AuditInput): Promise<void> {
    await this.withAudit(audit, (tx) => privacyQueries.upsertCameraPurpose(tx, row));
  }

  listCameraPurposes(): Promise<CameraPurposeRow[]> {
    return privacyQueries.listCameraPurposes(this.db);
  }

  // --- issue 13 (privacy): retention of everything else (queries in retention-queries.ts) ---------

  deleteEventsBefore(q: { beforeMs: number; limit: number }, audit: AuditInput): Promise<RetentionDeletion & { alarms: number; deadLetters: number; maskLifts: number }> {
    return this.db.transaction((tx) => retentionQueries.deleteEventsBefore(tx, (t, e) => this.appendAuditIn(t, e), q, audit));
  }

  deleteLineCountsBefore(q: { fromMs?: number; beforeMs: number; stepMs: number }, audit: AuditInput): Promise<RetentionDeletion & { nextFromMs: number }> {
    return this.db.transaction((tx) => retentionQueries.deleteCountsBefore(tx, (t, e) => this.appendAuditIn(t, e), 'line_counts', q, audit));
  }

  auditPruneCandidate(q: { beforeMs: number; maxSeq: number; limit: number }): Promise<{ firstSeq: number; firstTs: number; throughSeq: number; throughTs: number; hash: string } | null> {
    return retentionQueries.auditPruneCandidate(this.db, q);
  }

  pruneAudit(q: { throughSeq: number; hash: string }, audit: AuditInput): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      // The chain's lock, as for an append: no entry is added while the start is cut.
      if (this.db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      return retentionQueries.pruneAudit(tx, (t, e) => this.appendAuditIn(t, e), q, audit);
    });
  }

  // --- issue 15: the control plane at city size (control-plane-queries.ts) -----------------------

  async listCamerasInScopes(q: { scopes: ScopeRef[]; afterId?: string; limit: number }): Promise<CameraRow[]> {
    const ids = await controlPlane.cameraIdsInScopes(this.db, q);
    if (!ids.length) return [];
    const rows = await this.db.query(
      `SELECT ${CAMERA_COLUMNS} FROM cameras WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY id`,
      ids,
    );
    return rows.map(toCamera);
  }

  countCamerasInScopes(scopes: ScopeRef[]): Promise<number> {
    return controlPlane.countCamerasInScopes(this.db, scopes);
  }

  putCameraHealth(rows: CameraHealthRow[]): Promise<number> {
    return this.db.transaction((tx) => controlPlane.upsertHealth(tx, rows));
  }

  listCameraHealth(q: CameraHealthQuery): Promise<CameraHealthRow[]> {
    return controlPlane.listHealth(this.db, q);
  }

  listCameraOnvif(): Promise<CameraOnvifRow[]> {
    return integrationQueries.listCameraOnvif(this.db);
  }

  // --- issue 15: camera health history (control-plane-queries.ts) -------------------------------

  addCameraHealthSamples(rows: CameraHealthSample[]): Promise<number> {
    return this.db.transaction((tx) => controlPlane.addHealthSamples(tx, rows));
  }

  listCameraHealthSamples(q: { cameraId: string; fromMs: number; toMs: number; limit: number }): Promise<CameraHealthSample[]> {
    return controlPlane.listHealthSamples(this.db, q);
  }

  deleteCameraHealthSamplesBefore(beforeMs: number, limit: number): Promise<number> {
    return this.db.transaction((tx) => controlPlane.deleteHealthSamplesBefore(tx, beforeMs, limit));
  }

  // --- issue 13 (privacy): four-eyes export requests (export-request-queries.ts) ------------------

  addExportRequest(row: ExportRequestRow): Promise<void> {
    return exportRequests.insertExportRequest(this.db, row);
  }

  getExportRequest(id: string): Promise<ExportRequestRow | null> {
    return exportRequests.getExportRequest(this.db, id);
  }

  listExportRequests(q: { state?: ExportRequestRow['state']; requestedBy?: string; limit: number }): Promise<ExportRequestRow[]> {
    return exportRequests.listExportRequests(this.db, q);
  }

  decideExportRequest(id: string, d: ExportDecision, audit: AuditInput): Promise<boolean> {
    return this.withAudit(audit, (tx) => exportRequests.decideExportRequest(tx, id, d), (changed) => changed);
  }

  // issue 14's traffic counts under issue 13's retention (retention-queries.ts)
  deleteTrafficCountsBefore(q: { fromMs?: number; beforeMs: number; stepMs: number }, audit: AuditInput): Promise<RetentionDeletion & { nextFromMs: number }> {
    return this.db.transaction((tx) => retentionQueries.deleteCountsBefore(tx, (t, e) => this.appendAuditIn(t, e), 'traffic_counts', q, audit));
  }

  deleteDecidedExportRequestsBefore(beforeMs: number, audit: AuditInput): Promise<number> {
    return this.db.transaction(async (tx) => {
      const n = await exportRequests.deleteDecidedBefore(tx, beforeMs);
      if (n > 0) await this.appendAuditIn(tx, { ...audit, details: { ...audit.details, before: beforeMs, requests: n } });
      return n;
    });
  }
}

const MASK_COLUMNS = 'id, camera_id, name, polygon, liftable, created_by, created_at';
function toMask(r: Record<string, unknown>): PrivacyMaskRow {
  return {
    id: String(r.id), cameraId: String(r.camera_id), name: String(r.name), polygon: JSON.parse(String(r.polygon)) as [number, number][],
    liftable: r.liftable === 1 || r.liftable === true || r.liftable === '1', createdBy: String(r.created_by), createdAt: Number(r.created_at),
  };
}

const LIFT_COLUMNS = 'id, camera_id, user_id, reason, started_at, expires_at, ended_at';
function toLift(r: Record<string, unknown>): MaskLiftRow {
  return {
    id: String(r.id), cameraId: String(r.camera_id), userId: String(r.user_id), reason: String(r.reason),
    startedAt: Number(r.started_at), expiresAt: Number(r.expires_at), endedAt: r.ended_at === null || r.ended_at === undefined ? null : Number(r.ended_at),
  };
}


function toAnalytics(r: Record<string, unknown>): CameraAnalyticsRow {
  return { cameraId: String(r.camera_id), settings: JSON.parse(String(r.settings)) as Record<string, unknown>, updatedAt: Number(r.updated_at) };
}

/** Method names the SQLite proxy forwards to the worker. */
export const STORE_OPERATIONS = [
  'createUser', 'getUserByName', 'getUser', 'setUserPassword', 'listUsers', 'countUsers',
  'createSession', 'getSession', 'deleteSession', 'deleteExpiredSessions',
  'createCamera', 'getCamera', 'listCameras', 'updateCamera', 'deleteCamera',
  'addSegment', 'listSegments', 'putSegments', 'lastSegment', 'listOldestSegments', 'listSegmentCameras', 'totalSegmentBytes', 'deleteSegments',
  'addGap', 'listGaps', 'addEvent', 'listEvents',
  'addEvidenceLock', 'listEvidenceLocks', 'getEvidenceLock', 'deleteEvidenceLock',
  'getEvent', 'addLineCounts', 'listLineCounts', 'getCameraAnalytics', 'listCameraAnalytics', 'putCameraAnalytics', 'ackEvent', 'listEventAcks',
  'appendAudit', 'listAudit',
  // issue 10: access and audit
  'appendAuditBatch', 'updateUser', 'deleteUser', 'deleteUserSessions', 'listUserScopes', 'setUserScopes', 'listCameraScopes', 'setCameraScopes', 'queryAudit', 'auditHead',
  // issue 15 (cluster)
  'setCameraFence', 'getCameraFence', 'putNodeSegments', 'lastNodeSegment', 'listOldestNodeSegments', 'listNodeSegmentCameras', 'totalNodeSegmentBytes',
  // issue 13 (privacy)
  'addPrivacyMask', 'listPrivacyMasks', 'deletePrivacyMask', 'addMaskLift', 'activeMaskLift', 'endMaskLifts',
  'listAccessPurposes', 'putAccessPurpose', 'getPrivacySetting', 'putPrivacySetting', 'auditDailyCounts',
  // issue 11: the security map
  'putCameraPlacements', 'getCameraPlacement', 'deleteCameraPlacement', 'listCameraPlacements', 'countCameraPlacements',
  'putSite', 'getSite', 'listSites', 'deleteSite', 'putOutageArea', 'listOutageAreas', 'listCamerasPage', 'countCameras',
  // issue 12 (operator workflow)
  'raiseAlarm', 'getAlarm', 'updateAlarm', 'listAlarms', 'listAlarmActivity', 'listDueAlarms',
  // issue 14: traffic
  'putCameraCalibration', 'getCameraCalibration', 'deleteCameraCalibration', 'addTrafficCounts', 'listTrafficCounts',
  // issue 12 (video wall, investigation)
  'addWallLayout', 'updateWallLayout', 'getWallLayout', 'listWallLayouts', 'deleteWallLayout',
  'addBookmark', 'getBookmark', 'listBookmarks', 'deleteBookmark',
  // issue 15: integrations
  'addWebhookDeadLetter', 'listWebhookDeadLetters', 'takeWebhookDeadLetter', 'putCameraOnvif', 'getCameraOnvif',
  // issue 11 (continued)
  'putSites',
  // issue 13 (privacy): retention
  'putCameraPurpose', 'listCameraPurposes',
  // issue 13 (privacy): retention of everything else
  'deleteEventsBefore', 'deleteLineCountsBefore', 'auditPruneCandidate', 'pruneAudit',
  // issue 15: the control plane at city size
  'listCamerasInScopes', 'countCamerasInScopes', 'putCameraHealth', 'listCameraHealth', 'listCameraOnvif',
  // issue 15: camera health history
  'addCameraHealthSamples', 'listCameraHealthSamples', 'deleteCameraHealthSamplesBefore',
  // issue 13 (privacy): four-eyes export requests
  'addExportRequest', 'getExportRequest', 'listExportRequests', 'decideExportRequest', 'deleteDecidedExportRequestsBefore', 'deleteTrafficCountsBefore',
] as const satisfies readonly (keyof StoreOperations)[];
