// Alarm history as CSV (RFC 4180) for a spreadsheet. A cell that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR) is prefixed with ' so an exported rule or comment cannot execute.
// Times are ISO 8601 UTC, 24-hour. Pure.
import type { AlarmRow } from '../store/index.ts';

const COLUMNS = ['id', 'first_at', 'last_at', 'camera_id', 'camera', 'rule_kind', 'rule', 'priority', 'hits', 'state', 'outcome', 'acknowledged_by', 'acknowledged_at', 'owner', 'resolved_by', 'resolved_at', 'escalated_at'] as const;

export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function alarmCsvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

export function alarmCsvRows(rows: AlarmRow[], cameraName: (id: string) => string): string {
  return rows
    .map((a) =>
      [a.id, iso(a.firstAt), iso(a.lastAt), a.cameraId, cameraName(a.cameraId), a.ruleKind, a.rule, a.priority, a.hits, a.state, a.outcome, a.ackName, iso(a.ackAt), a.ownerName, a.resolvedName, iso(a.resolvedAt), iso(a.escalatedAt)]
        .map(csvCell)
        .join(',') + '\r\n',
    )
    .join('');
}
