import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { formatDateTime, formatNumber, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { onLinkClick, purposePath } from '../router.ts';
import {
  getRecordingRetention, getRetention, putRetention, runRetentionSweep,
  type DataRetentionPolicyView, type DataRetentionView, type DeletionView, type RecordingRetentionView, type RetentionNoticeView,
} from './privacy-api.ts';
import { kindLabel, noticeText } from './retention-notice-text.ts';

// How long Vigil keeps each kind of data (issue 13): events, snapshots, exports, counts and the
// audit log in days (the admin changes them), each camera's recordings in hours (changed on the
// camera's purpose screen: more than 72 h needs a reason), and the latest deletions as the audit
// log has them. The server decides: its refusals and notices (a lock wins, the audit log kept at
// least 31 days) are shown in the user's language. Admins change; auditors read.

const KINDS = ['events', 'snapshots', 'exports', 'counts', 'audit'] as const;
type Kind = (typeof KINDS)[number];
const keyOf = (k: Kind) => `${k}Days` as keyof DataRetentionPolicyView;

type Problem = { key: MessageKey } | { error: unknown };
const problemText = (p: Problem): string => ('key' in p ? t(p.key) : errorText(p.error));

function daysText(days: number): string {
  return days === 0 ? t('retention.forever') : t('retention.days', { days });
}

function deletionWhat(d: DeletionView): string {
  const key = `retention.action.${d.action}` as MessageKey;
  const base = t(key) === key ? d.action : t(key);
  if (d.action === 'count.delete' && d.detail) {
    const table = `retention.table.${d.detail}` as MessageKey;
    return t(table) === table ? `${base} (${d.detail})` : `${base} (${t(table)})`;
  }
  return base;
}

function deletionCount(d: DeletionView): string {
  const key = `retention.unit.${d.unit}` as MessageKey;
  return t(key) === key ? `${formatNumber(d.count)} ${d.unit}` : t(key, { count: d.count });
}

export function RetentionScreen({ mayChange }: { mayChange: boolean }) {
  useI18n();
  const [view, setView] = useState<DataRetentionView | null>(null);
  const [recordings, setRecordings] = useState<RecordingRetentionView | null>(null);
  const [form, setForm] = useState<Record<Kind, string>>({ events: '', snapshots: '', exports: '', counts: '', audit: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState<{ notices: RetentionNoticeView[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (resetForm: boolean) => {
    const [v, r] = await Promise.all([getRetention(), getRecordingRetention()]);
    setView(v);
    setRecordings(r);
    if (resetForm) setForm(Object.fromEntries(KINDS.map((k) => [k, String(v.policy[keyOf(k)])])) as Record<Kind, string>);
  }, []);

  useEffect(() => {
    load(true).catch((e: unknown) => setProblem({ error: e }));
  }, [load]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!view) return;
    setProblem(null);
    setSaved(null);
    const changed: Partial<DataRetentionPolicyView> = {};
    for (const k of KINDS) {
      const text = form[k].trim();
      const days = Number(text);
      // Only a number is checked here; the rules (the audit log at least 31 days, at most ten years) are the server's, and its refusal is shown.
      if (!text || !Number.isFinite(days) || days < 0) return setProblem({ key: 'retention.daysBad' });
      if (days !== view.policy[keyOf(k)]) changed[keyOf(k)] = days;
    }
    setBusy(true);
    try {
      const r = await putRetention(changed);
      setSaved({ notices: r.notices });
      await load(true);
    } catch (e) {
      setProblem({ error: e });
    } finally {
      setBusy(false);
    }
  };

  const sweep = async () => {
    setProblem(null);
    setBusy(true);
    try {
      await runRetentionSweep();
      await load(false);
    } catch (e) {
      setProblem({ error: e });
    } finally {
      setBusy(false);
    }
  };

  const cameraName = new Map((recordings?.cameras ?? []).map((c) => [c.cameraId, c.name]));
  // The notices in force (GET) unless a save just answered with its own.
  const notices = saved?.notices ?? view?.notices ?? [];

  return (
    <main id="content" className="admin-screen retention-screen" data-testid="retention-screen">
      <h1 className="screen-title">{t('retention.title')}</h1>
      <p className="screen-intro">{t('retention.intro')}</p>
      {problem && <p className="banner banner-error" role="alert" data-testid="retention-error">{problemText(problem)}</p>}
      {saved && <p className="banner banner-ok" role="status" data-testid="retention-saved">{t('retention.saved')}</p>}
      {notices.length > 0 && (
        <div className="banner banner-warning" role="alert" data-testid="retention-notices">
          <p>{t('retention.noticesTitle')}</p>
          <ul>{notices.map((n, i) => <li key={`${n.code}:${n.lockId ?? i}`} data-code={n.code}>{noticeText(n, (id) => cameraName.get(id))}</li>)}</ul>
        </div>
      )}

      {view && (
        <form onSubmit={submit} data-testid="retention-form">
          <h2 className="admin-subtitle">{t('retention.kindsTitle')}</h2>
          <table className="admin-table retention-table" data-testid="retention-kinds">
            <thead>
              <tr><th>{t('retention.col.kind')}</th><th>{t('retention.col.what')}</th><th>{t('retention.col.kept')}</th><th>{t('retention.col.default')}</th></tr>
            </thead>
            <tbody>
              {KINDS.map((k) => (
                <tr key={k} data-kind={k}>
                  <th scope="row">{kindLabel(k)}</th>
                  <td className="retention-what">{t(`retention.what.${k}` as MessageKey)}</td>
                  <td>
                    <label className="retention-days">
                      <input name={`${k}-days`} type="text" inputMode="decimal" dir="ltr" value={form[k]} disabled={!mayChange || busy}
                        aria-label={t('retention.daysOf', { kind: kindLabel(k) })} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
                      <span>{t('retention.daysUnit')}</span>
                    </label>
                  </td>
                  <td className="muted">{daysText(view.defaults[keyOf(k)])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="field-hint retention-hint">{t('retention.zeroForever')}</p>
          {mayChange && (
            <div className="row-actions">
              <button type="submit" className="button button-primary" disabled={busy} data-testid="retention-save">{t('retention.save')}</button>
              <button type="button" className="button" disabled={busy} onClick={sweep} data-testid="retention-sweep">{t('retention.sweepNow')}</button>
            </div>
          )}
          <p className="muted" data-testid="retention-last-sweep">
            {view.lastSweep ? t('retention.lastSweep', { time: formatDateTime(view.lastSweep.at) }) : t('retention.noSweepYet')}
          </p>
        </form>
      )}

      {view && (
        <section data-testid="retention-deletions">
          <h2 className="admin-subtitle">{t('retention.deletionsTitle')}</h2>
          {view.deletions.length === 0 ? <p className="muted">{t('retention.noDeletions')}</p> : (
            <table className="admin-table">
              <thead>
                <tr><th>{t('retention.col.when')}</th><th>{t('retention.col.deleted')}</th><th>{t('retention.col.camera')}</th><th>{t('retention.col.count')}</th><th>{t('retention.col.span')}</th></tr>
              </thead>
              <tbody>
                {view.deletions.map((d) => (
                  <tr key={d.seq} data-action={d.action}>
                    <td className="nowrap">{formatDateTime(d.ts)}</td>
                    <td>{deletionWhat(d)}</td>
                    <td dir="auto">{d.cameraId === null ? '' : (cameraName.get(d.cameraId) ?? d.cameraId)}</td>
                    <td className="nowrap">{deletionCount(d)}</td>
                    <td className="nowrap">{d.from !== null && d.to !== null ? t('retention.span', { from: formatDateTime(d.from), to: formatDateTime(d.to) }) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {recordings && (
        <section data-testid="retention-recordings">
          <h2 className="admin-subtitle">{t('retention.recordingsTitle')}</h2>
          <p className="screen-intro">{t('retention.recordingsIntro', { hours: recordings.defaultRetentionHours })}</p>
          <table className="admin-table">
            <thead>
              <tr><th>{t('retention.col.camera')}</th><th>{t('retention.col.purpose')}</th><th>{t('retention.col.hours')}</th><th>{t('retention.col.reason')}</th>{mayChange && <th />}</tr>
            </thead>
            <tbody>
              {recordings.cameras.map((c) => (
                <tr key={c.cameraId} data-camera={c.cameraId}>
                  <td dir="auto">{c.name}</td>
                  <td dir="auto">{c.purpose ?? <span className="muted">{t('retention.noPurpose')}</span>}</td>
                  <td className="nowrap">{t('retention.hours', { hours: c.retentionHours })}</td>
                  <td dir="auto">{c.retentionReason ?? ''}</td>
                  {mayChange && (
                    <td><a href={purposePath(c.cameraId)} onClick={(e) => onLinkClick(e, purposePath(c.cameraId))} data-testid={`retention-change-${c.cameraId}`}>{t('retention.change')}</a></td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('retention.audited')}</p>
    </main>
  );
}
