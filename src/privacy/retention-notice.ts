// What an admin must be told after changing a retention: evidence locks and open alarms keep data
// older than it (they win), the audit log is not cut here. Each notice has a stable code and its
// facts as fields, so that the web app words it in the user's language; `text` is the same in
// English for the API's other readers and the logs. Pure.

export const RETENTION_NOTICE_CODES = ['LOCK_KEEPS_RECORDINGS', 'LOCK_KEEPS_DATA', 'OPEN_ALARMS_KEEP_EVENTS', 'AUDIT_NOT_CUT', 'AUDIT_TAMPERED'] as const;
export type RetentionNoticeCode = (typeof RETENTION_NOTICE_CODES)[number];

export interface RetentionNotice {
  code: RetentionNoticeCode;
  /** the notice in English */
  text: string;
  /** the evidence lock that wins (LOCK_*) */
  lockId?: string;
  cameraId?: string;
  /** the lock's interval, ms since the epoch */
  from?: number;
  to?: number;
  /** the lock's reason (LOCK_*), or why the audit log is not cut (AUDIT_*) */
  reason?: string;
  /** the camera's new recording retention (LOCK_KEEPS_RECORDINGS) */
  hours?: number;
  /** the kinds kept older than the policy (LOCK_KEEPS_DATA): events, snapshots, exports, counts */
  kinds?: string[];
  /** open alarms (OPEN_ALARMS_KEEP_EVENTS): how many, the first few ids, the events' retention in days */
  count?: number;
  alarmIds?: string[];
  days?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function lockKeepsRecordings(l: { id: string; cameraId: string; fromMs: number; toMs: number; reason: string }, hours: number): RetentionNotice {
  return {
    code: 'LOCK_KEEPS_RECORDINGS', lockId: l.id, cameraId: l.cameraId, from: l.fromMs, to: l.toMs, reason: l.reason, hours,
    text: `evidence lock ${l.id} (${iso(l.fromMs)} to ${iso(l.toMs)}: ${l.reason}) keeps recordings older than ${hours} h: the lock wins until it is released`,
  };
}

export function lockKeepsData(l: { id: string; cameraId: string; fromMs: number; toMs: number; reason: string }, kinds: string[]): RetentionNotice {
  return {
    code: 'LOCK_KEEPS_DATA', lockId: l.id, cameraId: l.cameraId, from: l.fromMs, to: l.toMs, reason: l.reason, kinds,
    text: `evidence lock ${l.id} of camera ${l.cameraId} (${iso(l.fromMs)} to ${iso(l.toMs)}) keeps ${kinds.join(', ')} older than the policy: the lock wins until it is released`,
  };
}

export function openAlarmsKeepEvents(alarmIds: string[], days: number): RetentionNotice {
  const first = alarmIds.slice(0, 5);
  return {
    code: 'OPEN_ALARMS_KEEP_EVENTS', count: alarmIds.length, alarmIds: first, days,
    text: `${alarmIds.length} alarm(s) still open (${first.join(', ')}${alarmIds.length > 5 ? ', …' : ''}) keep their events and snapshots older than ${days} days until resolved`,
  };
}

export function auditNotCut(reason: string): RetentionNotice {
  return { code: 'AUDIT_NOT_CUT', reason, text: `the audit log is not cut on this server (${reason}): it is kept whatever auditDays says` };
}

export function auditTampered(reason: string): RetentionNotice {
  return { code: 'AUDIT_TAMPERED', reason, text: `the audit log was not cut: ${reason}` };
}
