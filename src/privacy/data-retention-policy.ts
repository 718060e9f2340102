// How long Vigil keeps what is not a recording: events (with resolved alarms and webhook dead
// letters), alarm snapshots, exports, line and lane counts, and the audit log. Days per kind; 0
// keeps forever. The config gives the defaults (`retention`), the admin may change them through
// the API (stored, audited). Evidence locks and open alarms win over every one of them. Pure.
import type { EvidenceLockRow } from '../store/index.ts';
import { PrivacyError } from './errors.ts';
import { lockKeepsData, openAlarmsKeepEvents, type RetentionNotice } from './retention-notice.ts';

export const DATA_RETENTION_KINDS = ['events', 'snapshots', 'exports', 'counts', 'audit'] as const;
export type DataRetentionKind = (typeof DATA_RETENTION_KINDS)[number];

/** Days kept per kind (0: kept forever). */
export interface DataRetentionPolicy {
  eventsDays: number;
  snapshotsDays: number;
  exportsDays: number;
  countsDays: number;
  auditDays: number;
}

export const DEFAULT_DATA_RETENTION: DataRetentionPolicy = {
  // Events and alarms name places, times and rule hits (no images): a month covers the follow-up.
  eventsDays: 30,
  // Snapshots are pictures of people (heads pixelated): as short as recordings, 72 h.
  snapshotsDays: 3,
  // An export is handed over (and signed); the server's copy need not stay long.
  exportsDays: 30,
  // Counts per minute carry no personal data; a year allows year-on-year comparison.
  countsDays: 365,
  // The audit log outlives what it speaks of: two years of accountability, then cut by policy.
  auditDays: 730,
};

/** The setting's name in the store. */
export const DATA_RETENTION_SETTING = 'retention';
const MAX_DAYS = 3650;
/** The audit log may not be cut shorter than this: the transparency report's month and an auditor's look back need it. */
export const MIN_AUDIT_DAYS = 31;

export function dataRetentionKey(kind: DataRetentionKind): keyof DataRetentionPolicy {
  return `${kind}Days` as keyof DataRetentionPolicy;
}

/**
 * An admin's change over the policy in force; throws BAD_REQUEST naming the field. Every field is
 * optional; unknown fields are refused.
 */
export function validateDataRetention(input: unknown, current: DataRetentionPolicy): DataRetentionPolicy {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new PrivacyError('BAD_REQUEST', 'body: an object of days per kind');
  const out = { ...current };
  const keys = DATA_RETENTION_KINDS.map(dataRetentionKey);
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (!(keys as string[]).includes(k)) throw new PrivacyError('BAD_REQUEST', `body/${k}: not a retention; one of ${keys.join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_DAYS) throw new PrivacyError('BAD_REQUEST', `body/${k}: days from 0 (kept forever) to ${MAX_DAYS}`);
    if (k === 'auditDays' && v > 0 && v < MIN_AUDIT_DAYS) throw new PrivacyError('AUDIT_RETENTION_TOO_SHORT', `body/auditDays: the audit log is kept at least ${MIN_AUDIT_DAYS} days (or 0: forever)`);
    out[k as keyof DataRetentionPolicy] = v;
  }
  return out;
}

/** The stored setting over the configured defaults (a damaged or partial setting falls back field by field). */
export function effectiveDataRetention(configured: DataRetentionPolicy, stored: unknown): DataRetentionPolicy {
  if (stored === null || typeof stored !== 'object') return { ...configured };
  const out = { ...configured };
  for (const k of DATA_RETENTION_KINDS.map(dataRetentionKey)) {
    const v = (stored as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}

/**
 * What the admin must be told about a policy: evidence locks that keep data older than it (the
 * lock wins), and alarms still open that keep their events and snapshots.
 */
export function dataRetentionNotices(
  policy: DataRetentionPolicy, locks: readonly EvidenceLockRow[], openAlarms: readonly { id: string; firstAt: number }[], now: number,
): RetentionNotice[] {
  const notices: RetentionNotice[] = [];
  const short = (['eventsDays', 'snapshotsDays', 'exportsDays', 'countsDays'] as const).filter((k) => policy[k] > 0);
  for (const l of locks) {
    const beyond = short.filter((k) => l.fromMs < now - policy[k] * 86_400_000).map((k) => k.replace('Days', ''));
    if (beyond.length) notices.push(lockKeepsData(l, beyond));
  }
  if (policy.eventsDays > 0) {
    const old = openAlarms.filter((a) => a.firstAt < now - policy.eventsDays * 86_400_000);
    if (old.length) notices.push(openAlarmsKeepEvents(old.map((a) => a.id), policy.eventsDays));
  }
  return notices;
}
