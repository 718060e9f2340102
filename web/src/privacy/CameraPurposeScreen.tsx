import { useEffect, useState, type FormEvent } from 'react';
import { getCamera } from '../api/client.ts';
import { errorText } from '../api/error-text.ts';
import { formatDateTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { cameraPath } from '../router.ts';
import { getCameraPurpose, putCameraPurpose, type CameraPurposeView, type RetentionNoticeView } from './privacy-api.ts';
import { noticeText } from './retention-notice-text.ts';
import { BackLink } from '../components/BackLink.tsx';

// A camera's stated purpose, legal basis and recording retention, for admins (purpose.manage).
// EDPB Guidelines 3/2019: a documented purpose per camera; more than 72 h needs a reason. The
// server checks everything again (400 naming the field); an evidence lock older than the new
// retention wins, and the server's notices say which. Errors and notices are kept as what the
// server sent and worded while rendering, so they are in the user's language and follow a switch.

/** A problem to show, worded when shown (so a language switch reaches it). */
type Problem = { key: MessageKey; params?: Record<string, number> } | { error: unknown };
const problemText = (p: Problem): string => ('key' in p ? t(p.key, p.params) : errorText(p.error));

function basisLabel(basis: string): string {
  const key = `legalBasis.${basis}` as MessageKey;
  const label = t(key);
  return label === key ? basis : label;
}

export function CameraPurposeScreen({ id }: { id: string }) {
  useI18n();
  const [cameraName, setCameraName] = useState(id);
  const [view, setView] = useState<CameraPurposeView | null>(null);
  const [form, setForm] = useState({ purpose: '', legalBasis: '', hours: '', reason: '' });
  const [error, setError] = useState<Problem | null>(null);
  const [saved, setSaved] = useState<{ hours: number; notices: RetentionNoticeView[] } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    getCamera(id).then((c) => live && setCameraName(c.name), () => undefined);
    getCameraPurpose(id).then((v) => {
      if (!live) return;
      setView(v);
      setForm({ purpose: v.purpose.purpose ?? '', legalBasis: v.purpose.legalBasis ?? '', hours: String(v.purpose.retentionHours), reason: v.purpose.retentionReason ?? '' });
    }, (e: unknown) => live && setError({ error: e }));
    return () => { live = false; };
  }, [id]);

  const defaultHours = view?.defaultRetentionHours ?? 72;
  const hours = Number(form.hours);
  const needsReason = Number.isFinite(hours) && hours > defaultHours;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    setError(null);
    if (!form.purpose.trim()) return setError({ key: 'cpurpose.purposeRequired' });
    if (!form.legalBasis) return setError({ key: 'cpurpose.basisRequired' });
    if (!(form.hours.trim() && Number.isFinite(hours) && hours > 0)) return setError({ key: 'cpurpose.hoursBad' });
    if (needsReason && !form.reason.trim()) return setError({ key: 'cpurpose.reasonNeeded', params: { hours: defaultHours } });
    setBusy(true);
    try {
      const r = await putCameraPurpose(id, { purpose: form.purpose.trim(), legalBasis: form.legalBasis, retentionHours: hours, ...(form.reason.trim() ? { retentionReason: form.reason.trim() } : {}) });
      setView((v) => (v ? { ...v, purpose: r.purpose } : v));
      setSaved({ hours: r.purpose.retentionHours, notices: r.notices });
    } catch (e) {
      setError({ error: e });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="content" className="admin-screen" data-testid="purpose-screen">
      <BackLink to={cameraPath(id)} label="cpurpose.back" testId="purpose-back" />
      <h1 className="screen-title" dir="auto">{t('cpurpose.title', { camera: cameraName })}</h1>
      <p className="screen-intro">{t('cpurpose.intro', { hours: defaultHours })}</p>
      {view && view.purpose.purpose === null && !saved && <p className="banner banner-warning" data-testid="purpose-none">{t('cpurpose.none', { hours: defaultHours })}</p>}
      {view?.purpose.updatedAt != null && <p className="muted" data-testid="purpose-updated">{t('cpurpose.lastChanged', { time: formatDateTime(view.purpose.updatedAt) })}</p>}
      {view && (
        <form className="admin-form purpose-form" onSubmit={submit} data-testid="purpose-form">
          <label className="field">
            <span className="field-label">{t('cpurpose.purpose')}</span>
            <textarea name="camera-purpose" value={form.purpose} maxLength={500} placeholder={t('cpurpose.purposePlaceholder')} onChange={(e) => setForm({ ...form, purpose: e.target.value })} dir="auto" />
          </label>
          <label className="field">
            <span className="field-label">{t('cpurpose.legalBasis')}</span>
            <select name="legal-basis" value={form.legalBasis} onChange={(e) => setForm({ ...form, legalBasis: e.target.value })}>
              <option value="">{t('cpurpose.pickBasis')}</option>
              {view.legalBases.map((b) => <option key={b} value={b}>{basisLabel(b)}</option>)}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t('cpurpose.retention')}</span>
            <input name="retention-hours" type="text" inputMode="numeric" value={form.hours} onChange={(e) => setForm({ ...form, hours: e.target.value })} dir="ltr" />
          </label>
          <label className="field">
            <span className="field-label">{t('cpurpose.retentionReason', { hours: defaultHours })}</span>
            <textarea name="retention-reason" value={form.reason} maxLength={1000} onChange={(e) => setForm({ ...form, reason: e.target.value })} dir="auto" aria-required={needsReason} />
          </label>
          <div className="row-actions">
            <button type="submit" className="button button-primary" disabled={busy} data-testid="purpose-save">{t('cpurpose.save')}</button>
          </div>
        </form>
      )}
      {error && <p className="banner banner-error" role="alert" data-testid="purpose-error">{problemText(error)}</p>}
      {saved && <p className="banner banner-ok" role="status" data-testid="purpose-saved">{t('cpurpose.saved', { hours: saved.hours })}</p>}
      {saved && saved.notices.length > 0 && (
        <div className="banner banner-warning" role="alert" data-testid="purpose-notices">
          <p>{t('cpurpose.locksWin')}</p>
          <ul>{saved.notices.map((n) => <li key={`${n.code}:${n.lockId ?? ''}`} data-code={n.code}>{noticeText(n)}</li>)}</ul>
        </div>
      )}
      <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('cpurpose.audited')}</p>
    </main>
  );
}
