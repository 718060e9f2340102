import { useEffect, useState, type FormEvent } from 'react';
import { formatBytes, formatNumber, t, useI18n } from '../i18n/index.ts';
import { errorText, LocalProblem } from '../api/error-text.ts';
import { exportDownloadUrl, getExport, startExport, type ExportJob } from './playback-api.ts';
import { ApiError } from '../api/client.ts';
import { PurposePrompt } from '../privacy/PurposePrompt.tsx';
import { PURPOSE_REQUIRED } from '../privacy/privacy-api.ts';
import { onLinkClick } from '../router.ts';

import { localDate, localTime, parseLocal } from './TimePicker.tsx';

// The interval as a date and a time typed HH:MM:SS: a browser's own datetime field follows the
// browser's locale, which showed a 12-hour clock ("09:11:33 AM") in a 24-hour product.
interface Moment { date: string; time: string }
const moment = (ms: number): Moment => ({ date: localDate(ms), time: localTime(ms) });

function MomentField({ label, name, value, onChange }: { label: string; name: string; value: Moment; onChange(m: Moment): void }) {
  return (
    <fieldset className="export-moment">
      <legend>{label}</legend>
      <input type="date" value={value.date} onChange={(e) => onChange({ ...value, date: e.target.value })} name={`${name}-date`} aria-label={`${label} — ${t('timepicker.date')}`} />
      <input type="text" inputMode="numeric" value={value.time} placeholder="HH:MM:SS" maxLength={8} dir="ltr" onChange={(e) => onChange({ ...value, time: e.target.value })} name={`${name}-time`} aria-label={`${label} — ${t('timepicker.time')}`} />
    </fieldset>
  );
}

/** Export of this camera over an interval: reason required (audited), progress, then download. */
export function ExportPanel({ cameraId, around }: { cameraId: string; around: number | null }) {
  useI18n();
  const centre = around ?? Date.now() - 60_000;
  const [from, setFrom] = useState(() => moment(centre - 60_000));
  const [to, setTo] = useState(() => moment(Math.min(Date.now(), centre + 60_000)));
  const [reason, setReason] = useState('');
  const [job, setJob] = useState<ExportJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [askPurpose, setAskPurpose] = useState(false);

  useEffect(() => {
    if (!job || (job.state !== 'running' && job.state !== 'awaiting_approval')) return;
    const timer = setTimeout(async () => {
      try {
        setJob(await getExport(job.id));
      } catch (e) {
        setError(e);
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [job]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    if (!reason.trim()) return setError(new LocalProblem('export.reasonRequired'));
    const fromMs = parseLocal(from.date, from.time);
    const toMs = parseLocal(to.date, to.time);
    if (fromMs === null || toMs === null) return setError(new LocalProblem('timepicker.bad'));
    try {
      setJob(await startExport([cameraId], fromMs, toMs, reason.trim()));
    } catch (e) {
      if (e instanceof ApiError && e.code === PURPOSE_REQUIRED) return setAskPurpose(true);
      setError(e);
    }
  };

  const total = job?.files.reduce((n, f) => n + f.bytes, 0) ?? 0;
  return (
    <section className="panel" aria-labelledby="export-title" data-testid="export-panel">
      <h2 id="export-title" className="panel-title">{t('export.title')}</h2>
      <form className="export-form" onSubmit={submit}>
        <MomentField label={t('export.from')} name="export-from" value={from} onChange={setFrom} />
        <MomentField label={t('export.to')} name="export-to" value={to} onChange={setTo} />
        <label className="export-reason">{t('export.reason')}
          <input type="text" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} name="export-reason" placeholder={t('export.reasonPlaceholder')} dir="auto" />
        </label>
        <button type="submit" className="button" disabled={job?.state === 'running'} data-testid="export-start">{t('export.start')}</button>
      </form>
      <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('export.audited')}</p>
      {error !== null && <p className="banner banner-error" role="alert" dir="auto">{errorText(error)}</p>}
      {askPurpose && <PurposePrompt onDone={() => { setAskPurpose(false); void submit(); }} onCancel={() => setAskPurpose(false)} />}
      {job && (
        <div className="export-status" data-testid="export-status" data-state={job.state}>
          <progress max={1} value={job.progress} aria-label={t('export.progress')} />
          <span>
            {job.state === 'running' && t('export.running', { percent: formatNumber(Math.round(job.progress * 100)) })}
            {job.state === 'failed' && t('export.failed', { message: job.error ?? '' })}
            {job.state === 'awaiting_approval' && t('export.awaiting')}
            {job.state === 'refused' && t('export.refused', { message: job.error ?? '' })}
            {job.state === 'done' && t('export.done', { files: job.files.length, size: formatBytes(total) })}
          </span>
          {job.state === 'done' && <a className="button" href={exportDownloadUrl(job.id)} download data-testid="export-download">{t('export.download')}</a>}
          {(job.state === 'awaiting_approval' || job.state === 'refused') && <a className="button button-quiet" href="/exports" onClick={(e) => onLinkClick(e, '/exports')} data-testid="export-requests-link">{t('approvals.link')}</a>}
        </div>
      )}
    </section>
  );
}
