import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { auditExtract, listCameras, listUsers, queryAudit, verifyAudit, type AuditFilters } from '../api/client.ts';
import type { AuditEntryView, AuditVerifyView, Camera, ManagedUser } from '../api/types.ts';
import { formatDateTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';

/**
 * "2026-12-02 07:30" (or with seconds), local time, 24-hour, to ms; empty or unreadable → undefined.
 * Typed, not a browser date picker: pickers follow the operating system's 12/24-hour habit.
 */
export function fromLocal(text: string): number | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/.exec(text);
  if (!m) return undefined;
  const ms = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}


export function AuditScreen() {
  useI18n();
  const [users, setUsers] = useState<ManagedUser[]>([]);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [form, setForm] = useState({ user: '', camera: '', action: '', purpose: '', from: '', to: '' });
  const [applied, setApplied] = useState<AuditFilters>({});
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [actions, setActions] = useState<string[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [verify, setVerify] = useState<{ state: 'idle' | 'running' } | { state: 'done'; result: AuditVerifyView }>({ state: 'idle' });
  const [reason, setReason] = useState('');
  const [extractNote, setExtractNote] = useState<'audit.extractDone' | null>(null);

  useEffect(() => {
    listUsers().then(setUsers, () => undefined);
    listCameras().then(setCameras, () => undefined);
  }, []);

  const load = useCallback((filters: AuditFilters, before?: number) => {
    setError(null);
    queryAudit({ ...filters, before, limit: 100 }).then((r) => {
      setEntries((old) => (before ? [...old, ...r.entries] : r.entries));
      setActions(r.actions);
      setNext(r.nextBefore);
    }, (e: unknown) => setError(e));
  }, []);
  useEffect(() => load({}), [load]);

  const filtersOf = (): AuditFilters => ({
    user: form.user || undefined, camera: form.camera || undefined, action: form.action || undefined, purpose: form.purpose.trim() || undefined,
    from: fromLocal(form.from), to: fromLocal(form.to),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const f = filtersOf();
    setApplied(f);
    load(f);
  };
  const runVerify = () => {
    setVerify({ state: 'running' });
    verifyAudit().then((result) => setVerify({ state: 'done', result }), (e: unknown) => {
      setVerify({ state: 'idle' });
      setError(e);
    });
  };
  const extract = () => {
    auditExtract(applied, reason.trim()).then((text) => {
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `vigil-audit-extract-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      a.click();
      URL.revokeObjectURL(url);
      setExtractNote('audit.extractDone');
    }, (e: unknown) => setError(e));
  };
  const nameOf = (id: string, fallback: string | null) => fallback ?? users.find((u) => u.id === id)?.username ?? id;
  const cameraName = (id: string | null) => (id ? cameras.find((c) => c.id === id)?.name ?? id : '');

  return (
    <main id="content" className="admin-screen" data-testid="audit-screen">
      <h1 className="screen-title">{t('audit.title')}</h1>
      <p className="screen-intro">{t('audit.intro')}</p>
      {error !== null && <p className="banner banner-error" role="alert">{errorText(error)}</p>}

      <section className="verify-box" aria-live="polite" data-testid="audit-verify">
        <button type="button" className="button" onClick={runVerify} disabled={verify.state === 'running'}>
          {verify.state === 'running' ? t('audit.verifying') : t('audit.verify')}
        </button>
        {verify.state === 'done' && (verify.result.ok ? (
          <p className="banner banner-ok" data-testid="audit-verify-result">
            {t('audit.verify.ok', { count: verify.result.count, checkpoints: verify.result.checkpoints, seq: verify.result.lastCheckpointSeq ?? 0, key: verify.result.keyId ?? '—' })}
          </p>
        ) : (
          <p className="banner banner-error" data-testid="audit-verify-result">
            {t('audit.verify.broken', { seq: verify.result.firstBad ?? 0, reason: verify.result.reason ?? '' })} {verify.result.detail}
          </p>
        ))}
      </section>

      <form className="admin-form audit-filters" onSubmit={submit} data-testid="audit-filters">
        <label className="field">
          <span className="field-label">{t('audit.filter.user')}</span>
          <select name="user" value={form.user} onChange={(e) => setForm({ ...form, user: e.target.value })}>
            <option value="">{t('audit.filter.anyone')}</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.username}</option>)}
            <option value="system">system</option>
            <option value="anonymous">{t('audit.anonymous')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('audit.filter.camera')}</span>
          <select name="camera" value={form.camera} onChange={(e) => setForm({ ...form, camera: e.target.value })}>
            <option value="">{t('audit.filter.anyCamera')}</option>
            {cameras.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('audit.filter.action')}</span>
          <select name="action" value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })}>
            <option value="">{t('audit.filter.anyAction')}</option>
            {actions.map((a) => <option key={a} value={a} dir="ltr">{a}</option>)}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('audit.filter.purpose')}</span>
          <input name="purpose" value={form.purpose} onChange={(e) => setForm({ ...form, purpose: e.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">{t('audit.filter.from')}</span>
          <input name="from" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} placeholder="2026-12-02 07:30" aria-invalid={form.from !== '' && fromLocal(form.from) === undefined} dir="ltr" />
        </label>
        <label className="field">
          <span className="field-label">{t('audit.filter.to')}</span>
          <input name="to" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} placeholder="2026-12-02 18:00" aria-invalid={form.to !== '' && fromLocal(form.to) === undefined} dir="ltr" />
        </label>
        <button type="submit" className="button">{t('audit.apply')}</button>
      </form>

      <div className="extract-box">
        <label className="field">
          <span className="field-label">{t('audit.extractReason')}</span>
          <input name="extract-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <button type="button" className="button" onClick={extract} disabled={reason.trim().length < 3} data-testid="audit-extract">{t('audit.extract')}</button>
        {extractNote && <span className="muted" role="status">{t(extractNote)}</span>}
      </div>

      <table className="admin-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('audit.col.time')}</th>
            <th scope="col">{t('audit.col.user')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.camera')}</th>
            <th scope="col">{t('audit.col.purpose')}</th>
            <th scope="col">{t('audit.col.address')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-testid="audit-row">
              <td className="nowrap">{formatDateTime(e.ts)}</td>
              <td dir="ltr">{nameOf(e.actor, e.actorName)}</td>
              <td dir="ltr"><code>{e.action}</code></td>
              <td>{cameraName(e.cameraId)}</td>
              <td>{e.purpose ?? ''}</td>
              <td dir="ltr">{e.ip ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && <p className="muted">{t('audit.empty')}</p>}
      {next !== null && <button type="button" className="button button-quiet" onClick={() => load(applied, next)}>{t('audit.more')}</button>}
    </main>
  );
}
