// The server's retention notices (a lock wins, open alarms keep their events, the audit log is not
// cut here) in the user's language: the server sends a code and the facts, the catalogue words
// them, times on the 24-hour clock. Ids, reasons and the server's own detail are isolated so that
// Latin text keeps its order inside a right-to-left sentence. Call while rendering.
import { formatDateTime, t, type MessageKey } from '../i18n/index.ts';
import { isolate } from '../api/error-text.ts';
import type { RetentionNoticeView } from './privacy-api.ts';

/** A kind of data as the retention screen names it (events, snapshots, exports, counts, audit). */
export function kindLabel(kind: string): string {
  const key = `retention.kind.${kind}` as MessageKey;
  const label = t(key);
  return label === key ? kind : label;
}

/** A kind named inside a sentence: in lower case where the script has case ("events", not "Events"). */
function kindInSentence(kind: string): string {
  return kindLabel(kind).toLocaleLowerCase(document.documentElement.lang || 'en');
}

function list(items: string[]): string {
  try {
    return new Intl.ListFormat(document.documentElement.lang || 'en', { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** cameraName: a camera's name by id when the screen knows it (else the id is shown). */
export function noticeText(n: RetentionNoticeView, cameraName: (id: string) => string | undefined = () => undefined): string {
  const span = n.from !== undefined && n.to !== undefined ? { from: formatDateTime(n.from), to: formatDateTime(n.to) } : { from: '?', to: '?' };
  switch (n.code) {
    case 'LOCK_KEEPS_RECORDINGS':
      return t('rnotice.lockKeepsRecordings', { lock: isolate(n.lockId ?? ''), ...span, reason: isolate(n.reason ?? ''), hours: n.hours ?? 0 });
    case 'LOCK_KEEPS_DATA':
      return t('rnotice.lockKeepsData', { lock: isolate(n.lockId ?? ''), camera: isolate(n.cameraId ? (cameraName(n.cameraId) ?? n.cameraId) : ''), ...span, reason: isolate(n.reason ?? ''), kinds: list((n.kinds ?? []).map(kindInSentence)) });
    case 'OPEN_ALARMS_KEEP_EVENTS':
      return t('rnotice.openAlarms', { count: n.count ?? 0, alarms: isolate((n.alarmIds ?? []).join(', ')), days: n.days ?? 0 });
    case 'AUDIT_NOT_CUT':
      return t('rnotice.auditNotCut', { reason: isolate(n.reason ?? '') });
    case 'AUDIT_TAMPERED':
      return t('rnotice.auditTampered', { reason: isolate(n.reason ?? '') });
    default:
      return n.text;
  }
}
