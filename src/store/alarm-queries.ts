// Issue 12: the alarm queue's queries (alarms and their activity log), written once over
// SqlDatabase like the rest of the store. Changes are compare-and-set on the alarm's version, so two
// operators acting at once cannot both win; the caller re-reads and decides again.
import type { SqlDatabase, SqlParam, SqlRow, SqlSession } from './sql-dialect.ts';
import type { AlarmActivityInput, AlarmActivityRow, AlarmHit, AlarmOutcome, AlarmQuery, AlarmRow, AlarmState, AlarmStep, AuditEntry, AuditInput } from './types.ts';

/** Arbitrary constant naming alarm folding among PostgreSQL advisory locks (with the rule's hash). */
const ALARM_FOLD_LOCK = 7_300_120;

const ALARM_COLUMNS =
  'id, camera_id, rule_kind, rule, priority, state, outcome, event_id, details, first_at, last_at, hits, fold_ms, ack_by, ack_name, ack_at, ' +
  'owner_id, owner_name, resolved_by, resolved_name, resolved_at, steps, escalate_at, escalated_at, auto_close_ms, snoozed_until, updated_at, version';

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toAlarm(r: SqlRow): AlarmRow {
  return {
    id: String(r.id),
    cameraId: String(r.camera_id),
    ruleKind: String(r.rule_kind),
    rule: String(r.rule),
    priority: Number(r.priority),
    state: String(r.state) as AlarmState,
    outcome: strOrNull(r.outcome) as AlarmOutcome | null,
    eventId: String(r.event_id),
    details: JSON.parse(String(r.details)) as Record<string, unknown>,
    firstAt: Number(r.first_at),
    lastAt: Number(r.last_at),
    hits: Number(r.hits),
    foldMs: Number(r.fold_ms),
    ackBy: strOrNull(r.ack_by),
    ackName: strOrNull(r.ack_name),
    ackAt: numOrNull(r.ack_at),
    ownerId: strOrNull(r.owner_id),
    ownerName: strOrNull(r.owner_name),
    resolvedBy: strOrNull(r.resolved_by),
    resolvedName: strOrNull(r.resolved_name),
    resolvedAt: numOrNull(r.resolved_at),
    steps: JSON.parse(String(r.steps)) as AlarmStep[],
    escalateAt: numOrNull(r.escalate_at),
    escalatedAt: numOrNull(r.escalated_at),
    autoCloseMs: numOrNull(r.auto_close_ms),
    snoozedUntil: numOrNull(r.snoozed_until),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

function alarmParams(a: AlarmRow): SqlParam[] {
  return [
    a.id, a.cameraId, a.ruleKind, a.rule, a.priority, a.state, a.outcome, a.eventId, JSON.stringify(a.details), a.firstAt, a.lastAt, a.hits, a.foldMs,
    a.ackBy, a.ackName, a.ackAt, a.ownerId, a.ownerName, a.resolvedBy, a.resolvedName, a.resolvedAt, JSON.stringify(a.steps), a.escalateAt, a.escalatedAt,
    a.autoCloseMs, a.snoozedUntil, a.updatedAt, a.version,
  ];
}

const INSERT_ALARM = `INSERT INTO alarms (${ALARM_COLUMNS}) VALUES (${Array.from({ length: 28 }, (_, i) => `$${i + 1}`).join(', ')})`;

function toActivity(r: SqlRow): AlarmActivityRow {
  return {
    alarmId: String(r.alarm_id),
    seq: Number(r.seq),
    ts: Number(r.ts),
    actor: String(r.actor),
    actorName: String(r.actor_name),
    kind: String(r.kind),
    details: JSON.parse(String(r.details)) as Record<string, unknown>,
  };
}

export type AuditAppender = (tx: SqlSession, entry: AuditInput) => Promise<AuditEntry>;

export class AlarmQueries {
  private readonly db: SqlDatabase;
  private readonly appendAudit: AuditAppender;

  constructor(db: SqlDatabase, appendAudit: AuditAppender) {
    this.db = db;
    this.appendAudit = appendAudit;
  }

  async raiseAlarm(hit: AlarmHit): Promise<{ alarm: AlarmRow; folded: boolean; duplicate?: true }> {
    return this.db.transaction(async (tx) => {
      // SQLite: the transaction already holds the write lock. PostgreSQL: one lock per camera and
      // rule, so two nodes (or two hits) cannot both find no open alarm and raise two.
      if (this.db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ALARM_FOLD_LOCK, `${hit.cameraId}/${hit.ruleKind}/${hit.rule}`]);
      // A hit delivered again (the same event: a node's outbox after a lost ack) is stored once.
      const seen = await tx.query('SELECT a.* FROM alarm_hits h JOIN alarms a ON a.id = h.alarm_id WHERE h.event_id = $1', [hit.eventId]);
      if (seen.length) return { alarm: toAlarm(seen[0]), folded: false, duplicate: true as const };
      const open = await tx.query(
        `SELECT ${ALARM_COLUMNS} FROM alarms WHERE camera_id = $1 AND rule_kind = $2 AND rule = $3 AND state <> 'resolved' ORDER BY last_at DESC LIMIT 1`,
        [hit.cameraId, hit.ruleKind, hit.rule],
      );
      const current = open.length ? toAlarm(open[0]) : null;
      if (current && hit.at - current.lastAt <= current.foldMs) {
        const lastAt = Math.max(current.lastAt, hit.at);
        const now = Date.now();
        await tx.execute('UPDATE alarms SET hits = hits + 1, last_at = $1, updated_at = $2, version = version + 1 WHERE id = $3', [lastAt, now, current.id]);
        await tx.execute('INSERT INTO alarm_hits (event_id, alarm_id, at) VALUES ($1, $2, $3)', [hit.eventId, current.id, hit.at]);
        return { alarm: { ...current, hits: current.hits + 1, lastAt, updatedAt: now, version: current.version + 1 }, folded: true };
      }
      const now = Date.now();
      const alarm: AlarmRow = {
        id: hit.id,
        cameraId: hit.cameraId,
        ruleKind: hit.ruleKind,
        rule: hit.rule,
        priority: hit.priority,
        state: 'new',
        outcome: null,
        eventId: hit.eventId,
        details: hit.details,
        firstAt: hit.at,
        lastAt: hit.at,
        hits: 1,
        foldMs: hit.foldMs,
        ackBy: null,
        ackName: null,
        ackAt: null,
        ownerId: null,
        ownerName: null,
        resolvedBy: null,
        resolvedName: null,
        resolvedAt: null,
        steps: hit.steps,
        escalateAt: hit.escalateAfterMs === null ? null : hit.at + hit.escalateAfterMs,
        escalatedAt: null,
        autoCloseMs: hit.autoCloseMs,
        snoozedUntil: null,
        updatedAt: now,
        version: 1,
      };
      await tx.execute(INSERT_ALARM, alarmParams(alarm));
      await tx.execute('INSERT INTO alarm_hits (event_id, alarm_id, at) VALUES ($1, $2, $3)', [hit.eventId, alarm.id, hit.at]);
      await this.addActivity(tx, alarm.id, [{ ts: hit.at, actor: 'system', actorName: 'system', kind: 'raised', details: { eventId: hit.eventId, priority: hit.priority } }]);
      return { alarm, folded: false };
    });
  }

  async getAlarm(id: string): Promise<AlarmRow | null> {
    const rows = await this.db.query(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [id]);
    return rows.length ? toAlarm(rows[0]) : null;
  }

  async updateAlarm(expectedVersion: number, next: AlarmRow, activity: AlarmActivityInput[], audit?: AuditInput): Promise<AlarmRow | null> {
    return this.db.transaction(async (tx) => {
      const stored: AlarmRow = { ...next, version: expectedVersion + 1 };
      // Everything but the identity, the fold's own counters (hits, last_at may move under us) and
      // the version itself.
      const n = await tx.execute(
        `UPDATE alarms SET priority = $1, state = $2, outcome = $3, ack_by = $4, ack_name = $5, ack_at = $6, owner_id = $7, owner_name = $8,
           resolved_by = $9, resolved_name = $10, resolved_at = $11, steps = $12, escalate_at = $13, escalated_at = $14, snoozed_until = $15,
           updated_at = $16, version = $17
         WHERE id = $18 AND version = $19`,
        [
          stored.priority, stored.state, stored.outcome, stored.ackBy, stored.ackName, stored.ackAt, stored.ownerId, stored.ownerName,
          stored.resolvedBy, stored.resolvedName, stored.resolvedAt, JSON.stringify(stored.steps), stored.escalateAt, stored.escalatedAt, stored.snoozedUntil,
          stored.updatedAt, stored.version, stored.id, expectedVersion,
        ],
      );
      if (n === 0) return null;
      await this.addActivity(tx, stored.id, activity);
      if (audit) await this.appendAudit(tx, audit);
      return stored;
    });
  }

  async listAlarms(q: AlarmQuery): Promise<AlarmRow[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    const p = (v: SqlParam) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.fromMs !== undefined) where.push(`first_at >= ${p(q.fromMs)}`);
    if (q.toMs !== undefined) where.push(`first_at <= ${p(q.toMs)}`);
    if (q.cameraIds) where.push(q.cameraIds.length ? `camera_id IN (${q.cameraIds.map((c) => p(c)).join(', ')})` : '1 = 0');
    if (q.ruleKind !== undefined) where.push(`rule_kind = ${p(q.ruleKind)}`);
    if (q.rule !== undefined) where.push(`rule = ${p(q.rule)}`);
    if (q.states) where.push(q.states.length ? `state IN (${q.states.map((s) => p(s)).join(', ')})` : '1 = 0');
    if (q.outcome !== undefined) where.push(`outcome = ${p(q.outcome)}`);
    if (q.operatorId !== undefined) {
      const op = p(q.operatorId);
      where.push(`(ack_by = ${op} OR owner_id = ${op} OR resolved_by = ${op})`);
    }
    if (q.before) {
      const at = p(q.before.firstAt);
      where.push(`(first_at < ${at} OR (first_at = ${at} AND id < ${p(q.before.id)}))`);
    }
    const sql = `SELECT ${ALARM_COLUMNS} FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY first_at DESC, id DESC LIMIT ${p(Math.max(0, q.limit))}`;
    return (await this.db.query(sql, params)).map(toAlarm);
  }

  async listAlarmActivity(alarmId: string, limit = 1000): Promise<AlarmActivityRow[]> {
    const rows = await this.db.query('SELECT alarm_id, seq, ts, actor, actor_name, kind, details FROM alarm_activity WHERE alarm_id = $1 ORDER BY seq LIMIT $2', [alarmId, limit]);
    return rows.map(toActivity);
  }

  async listDueAlarms(now: number, limit: number): Promise<AlarmRow[]> {
    const rows = await this.db.query(
      `SELECT ${ALARM_COLUMNS} FROM alarms
       WHERE (state = 'new' AND escalated_at IS NULL AND escalate_at <= $1 AND (snoozed_until IS NULL OR snoozed_until <= $1))
          OR (state IN ('new', 'acknowledged') AND auto_close_ms IS NOT NULL AND last_at + auto_close_ms <= $1)
       ORDER BY first_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toAlarm);
  }

  private async addActivity(tx: SqlSession, alarmId: string, lines: AlarmActivityInput[]): Promise<void> {
    if (lines.length === 0) return;
    const head = await tx.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM alarm_activity WHERE alarm_id = $1', [alarmId]);
    let seq = Number(head[0].seq);
    for (const l of lines) {
      await tx.execute('INSERT INTO alarm_activity (alarm_id, seq, ts, actor, actor_name, kind, details) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        alarmId, ++seq, l.ts, l.actor, l.actorName, l.kind, JSON.stringify(l.details),
      ]);
    }
  }
}
