// The alarm model: an alarm is an event that someone must handle. Every rule hit of live analytics
// is stored as an event of kind ALARM_KIND_PREFIX + rule kind; the operator's acknowledgement is
// kept beside it. Pure.
import type { EventRow, EventSeverity } from '../store/index.ts';

export const ALARM_KIND_PREFIX = 'analytics.';

/** The rule kinds of live analytics, each stored as the event kind ALARM_KIND_PREFIX + kind. */
export const ALARM_RULE_KINDS = ['line_crossing', 'zone_intrusion', 'dwell', 'left_object', 'crowd', 'tamper'] as const;
export type AlarmRuleKind = (typeof ALARM_RULE_KINDS)[number];

/** How urgent each rule kind's hit is. */
export const ALARM_SEVERITY: Record<AlarmRuleKind, EventSeverity> = {
  line_crossing: 'info',
  zone_intrusion: 'warning',
  dwell: 'warning',
  left_object: 'warning',
  crowd: 'critical',
  tamper: 'warning',
};

export function isAlarm(e: EventRow): boolean {
  return e.kind.startsWith(ALARM_KIND_PREFIX);
}

/** What an operator's screen shows of an alarm. */
export interface AlarmView {
  id: string;
  ts: number;
  cameraId: string | null;
  cameraName: string;
  ruleKind: string;
  rule: string;
  severity: string;
  cls: string | null;
  trackId: number | null;
  direction: string | null;
  box: number[] | null;
  detector: string | null;
  snapshotUrl: string | null;
  ack: { by: string; at: number } | null;
  /** the rule's figures (crowd: persons, personsPerM2, beyondCounting …; dwell: seconds) */
  detail: Record<string, number | string> | null;
}

export function alarmView(e: EventRow, cameraName: string, ack: { by: string; at: number } | null): AlarmView {
  const d = e.details as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: e.id,
    ts: e.ts,
    cameraId: e.cameraId,
    cameraName,
    ruleKind: str(d.ruleKind) ?? e.kind.slice(ALARM_KIND_PREFIX.length),
    rule: str(d.rule) ?? '',
    severity: e.severity,
    cls: str(d.cls),
    trackId: typeof d.trackId === 'number' ? d.trackId : null,
    direction: str(d.direction),
    box: Array.isArray(d.box) ? (d.box as number[]) : null,
    detector: str(d.detector),
    snapshotUrl: d.snapshot ? `/api/alarms/${e.id}/snapshot` : null,
    ack,
    detail: d.detail && typeof d.detail === 'object' ? (d.detail as Record<string, number | string>) : null,
  };
}
