// The latest deletions by retention, read back from the audit log for the admin's retention screen:
// each audit entry a sweep wrote (one per batch, per export, per cut) summed up as what went, how
// many and from which span of time. The audit log is the record; this only reads it. Pure.
import type { AuditEntry } from '../store/index.ts';

/** The audit actions of deletions by retention (recordings by the recorder's sweep, the rest by the data sweep). */
export const DELETION_ACTIONS = ['recording.delete', 'event.delete', 'snapshot.delete', 'export.delete', 'count.delete', 'audit.prune'] as const;
export type DeletionAction = (typeof DELETION_ACTIONS)[number];

export interface DeletionView {
  seq: number;
  ts: number;
  action: DeletionAction;
  cameraId: string | null;
  /** how many went, in `unit` */
  count: number;
  unit: 'segments' | 'events' | 'files' | 'exports' | 'requests' | 'rows' | 'entries';
  /** the span of time the deleted data covered (null when the entry does not say) */
  from: number | null;
  to: number | null;
  /** the retention in days that deleted it (the data sweep), or null */
  retentionDays: number | null;
  /** count.delete: line_counts or traffic_counts; recording.delete: the rule (age, disk) */
  detail: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function deletionOf(e: AuditEntry): DeletionView {
  const d = e.details ?? {};
  const base = { seq: e.seq, ts: e.ts, action: e.action as DeletionAction, cameraId: e.cameraId, from: num(d.from), to: num(d.to), retentionDays: num(d.retentionDays), detail: null };
  switch (e.action) {
    case 'recording.delete': {
      const ranges = Array.isArray(d.ranges) ? (d.ranges as unknown[]).filter((r): r is [number, number] => Array.isArray(r) && r.length === 2) : [];
      return {
        ...base, count: num(d.segments) ?? 0, unit: 'segments', detail: typeof d.rule === 'string' ? d.rule : null,
        from: ranges.length ? Math.min(...ranges.map((r) => r[0])) : null, to: ranges.length ? Math.max(...ranges.map((r) => r[1])) : null,
      };
    }
    case 'event.delete': return { ...base, count: num(d.events) ?? 0, unit: 'events' };
    case 'snapshot.delete': return { ...base, count: num(d.files) ?? 0, unit: 'files' };
    case 'export.delete':
      return num(d.requests) !== null ? { ...base, count: num(d.requests)!, unit: 'requests', from: null, to: null } : { ...base, count: 1, unit: 'exports' };
    case 'count.delete': return { ...base, count: num(d.rows) ?? 0, unit: 'rows', detail: typeof d.table === 'string' ? d.table : 'line_counts' };
    default: return { ...base, count: num(d.entries) ?? 0, unit: 'entries' };
  }
}

/** The newest `limit` deletions, from the newest entries of each deletion action. */
export async function latestDeletions(query: (q: { action: string; limit: number }) => Promise<AuditEntry[]>, limit: number): Promise<DeletionView[]> {
  const lists = await Promise.all(DELETION_ACTIONS.map((action) => query({ action, limit })));
  return lists.flat().sort((a, b) => b.seq - a.seq).slice(0, limit).map(deletionOf);
}
