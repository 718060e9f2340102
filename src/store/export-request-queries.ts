// Issue 13's four-eyes export requests, kept apart from sql-store.ts so that a restart loses no
// request waiting for its second user. One dialect for SQLite and PostgreSQL, `$n` placeholders.
import type { SqlSession } from './sql-dialect.ts';
import type { ExportDecision, ExportRequestRow } from './types.ts';

const COLUMNS = `id, state, cameras, from_ms, to_ms, reason, purpose, requested_by, requested_by_name, requested_ip, requested_at,
  decided_by, decided_by_name, decided_at, decision_reason, redaction_lift_reason`;

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toRow(r: Record<string, unknown>): ExportRequestRow {
  return {
    id: String(r.id), state: String(r.state) as ExportRequestRow['state'], cameras: JSON.parse(String(r.cameras)) as string[],
    fromMs: Number(r.from_ms), toMs: Number(r.to_ms), reason: String(r.reason),
    purpose: r.purpose === null || r.purpose === undefined ? null : (JSON.parse(String(r.purpose)) as { name: string; text: string }),
    requestedBy: String(r.requested_by), requestedByName: String(r.requested_by_name), requestedIp: text(r.requested_ip), requestedAt: Number(r.requested_at),
    decidedBy: text(r.decided_by), decidedByName: text(r.decided_by_name), decidedAt: num(r.decided_at),
    decisionReason: text(r.decision_reason), redactionLiftReason: text(r.redaction_lift_reason),
  };
}

export async function insertExportRequest(db: SqlSession, row: ExportRequestRow): Promise<void> {
  await db.execute(
    `INSERT INTO export_requests (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [row.id, row.state, JSON.stringify(row.cameras), row.fromMs, row.toMs, row.reason, row.purpose ? JSON.stringify(row.purpose) : null,
      row.requestedBy, row.requestedByName, row.requestedIp, row.requestedAt, row.decidedBy, row.decidedByName, row.decidedAt, row.decisionReason, row.redactionLiftReason],
  );
}

export async function getExportRequest(db: SqlSession, id: string): Promise<ExportRequestRow | null> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM export_requests WHERE id = $1`, [id]);
  return rows.length ? toRow(rows[0]) : null;
}

export async function listExportRequests(db: SqlSession, q: { state?: ExportRequestRow['state']; requestedBy?: string; limit: number }): Promise<ExportRequestRow[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.state !== undefined) where.push(`state = $${params.push(q.state)}`);
  if (q.requestedBy !== undefined) where.push(`requested_by = $${params.push(q.requestedBy)}`);
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM export_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, id DESC LIMIT $${params.push(Math.max(1, Math.floor(q.limit)))}`,
    params,
  );
  return rows.map(toRow);
}

/**
 * One conditional UPDATE: it changes the row only while it awaits approval and only for a decider
 * other than the requester. On PostgreSQL a second concurrent UPDATE waits for the first's row lock
 * and then finds the state changed; SQLite's writers are serialised. Either way one decision wins.
 */
export async function decideExportRequest(tx: SqlSession, id: string, d: ExportDecision): Promise<boolean> {
  const n = await tx.execute(
    `UPDATE export_requests SET state = $2, decided_by = $3, decided_by_name = $4, decided_at = $5, decision_reason = $6, redaction_lift_reason = $7
     WHERE id = $1 AND state = 'awaiting_approval' AND requested_by <> $3`,
    [id, d.state, d.decidedBy, d.decidedByName, d.decidedAt, d.decisionReason ?? null, d.redactionLiftReason ?? null],
  );
  return n > 0;
}

export async function deleteDecidedBefore(tx: SqlSession, beforeMs: number): Promise<number> {
  return tx.execute(`DELETE FROM export_requests WHERE state <> 'awaiting_approval' AND decided_at < $1`, [beforeMs]);
}
