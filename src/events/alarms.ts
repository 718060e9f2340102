// The alarm model. Every rule hit of live analytics is stored as an event of kind
// ALARM_KIND_PREFIX + rule kind (the record); a hit whose rule says so raises an alarm, or folds into
// the open alarm of the same rule and camera: the alarm is what an operator handles. Pure.
import type { AlarmOutcome, AlarmRow, AlarmState, AlarmStep, EventRow, EventSeverity } from '../store/index.ts';

export const ALARM_KIND_PREFIX = 'analytics.';

/** The rule kinds of live analytics, each stored as the event kind ALARM_KIND_PREFIX + kind. */
export const ALARM_RULE_KINDS = ['line_crossing', 'zone_intrusion', 'dwell', 'left_object', 'crowd', 'tamper', 'speeding', 'wrong_way', 'stopped_vehicle', 'congestion', 'congestion_end'] as const;
export type AlarmRuleKind = (typeof ALARM_RULE_KINDS)[number];

/** How urgent each rule kind's hit is. */
export const ALARM_SEVERITY: Record<AlarmRuleKind, EventSeverity> = {
  line_crossing: 'info',
  zone_intrusion: 'warning',
  dwell: 'warning',
  left_object: 'warning',
  crowd: 'critical',
  tamper: 'warning',
  // issue 14: traffic
  speeding: 'warning',
  wrong_way: 'critical',
  stopped_vehicle: 'warning',
  congestion: 'info',
  congestion_end: 'info',
};

/** Whether an event is a rule hit of live analytics (which may raise an alarm: see alarm-policy.ts). */
export function isRuleHit(e: EventRow): boolean {
  return e.kind.startsWith(ALARM_KIND_PREFIX);
}

/** What an operator's screen shows of an alarm. */
export interface AlarmView {
  id: string;
  cameraId: string;
  cameraName: string;
  ruleKind: string;
  rule: string;
  priority: number;
  state: AlarmState;
  outcome: AlarmOutcome | null;
  /** hits folded into this alarm */
  hits: number;
  firstAt: number;
  lastAt: number;
  /** the first hit's event, its class, box (0..1) and detector */
  eventId: string;
  cls: string | null;
  box: number[] | null;
  detector: string | null;
  snapshotUrl: string | null;
  ack: { by: string; at: number } | null;
  owner: { id: string; name: string } | null;
  resolved: { by: string; at: number } | null;
  steps: AlarmStep[];
  escalatedAt: number | null;
  snoozedUntil: number | null;
  updatedAt: number;
  version: number;
  /** what the viewer may do now */
  allowed: string[];
  /** the rule's figures (crowd: persons, personsPerM2, beyondCounting …; dwell: seconds) */
  detail: Record<string, number | string> | null;
}

export function alarmView(a: AlarmRow, cameraName: string, allowed: string[]): AlarmView {
  const d = a.details;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: a.id,
    cameraId: a.cameraId,
    cameraName,
    ruleKind: a.ruleKind,
    rule: a.rule,
    priority: a.priority,
    state: a.state,
    outcome: a.outcome,
    hits: a.hits,
    firstAt: a.firstAt,
    lastAt: a.lastAt,
    eventId: a.eventId,
    cls: str(d.cls),
    box: Array.isArray(d.box) ? (d.box as number[]) : null,
    detector: str(d.detector),
    snapshotUrl: d.snapshot ? `/api/alarms/${a.id}/snapshot` : null,
    ack: a.ackAt !== null ? { by: a.ackName ?? a.ackBy ?? '', at: a.ackAt } : null,
    owner: a.ownerId !== null ? { id: a.ownerId, name: a.ownerName ?? a.ownerId } : null,
    resolved: a.resolvedAt !== null ? { by: a.resolvedName ?? a.resolvedBy ?? '', at: a.resolvedAt } : null,
    steps: a.steps,
    escalatedAt: a.escalatedAt,
    snoozedUntil: a.snoozedUntil,
    updatedAt: a.updatedAt,
    version: a.version,
    allowed,
    detail: d.detail && typeof d.detail === 'object' ? (d.detail as Record<string, number | string>) : null,
  };
}
