import { useEffect, useState, type FormEvent } from 'react';
import { formatBytes, formatNumber, t, useI18n } from '../i18n/index.ts';
import { exportDownloadUrl, getExport, startExport, type ExportJob } from './playback-api.ts';
import { ApiError } from '../api/client.ts';
import { PurposePrompt } from '../privacy/PurposePrompt.tsx';
import { PURPOSE_REQUIRED } from '../privacy/privacy-api.ts';

/** datetime-local value (local time, seconds) for a wall-clock time. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

function fromLocalInput(value: string): number {
  return new Date(value).getTime();
}

/** Export of this camera over an interval: reason required (audited), progress, then download. */
export function ExportPanel({ cameraId, around }: { cameraId: string; around: number | null }) {
  useI18n();
  const centre = around ?? Date.now() - 60_000;
  const [from, setFrom] = useState(() => toLocalInput(centre - 60_000));
  const [to, setTo] = useState(() => toLocalInput(Math.min(Date.now(), centre + 60_000)));
  const [reason, setReason] = useState('');
  const [job, setJob] = useState<ExportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [askPurpose, setAskPurpose] = useState(false);

  useEffect(() => {
    if (!job || (job.state !== 'running' && job.state !== 'awaiting_approval')) return;
    const timer = setTimeout(async () => {
      try {
        setJob(await getExport(job.id));
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [job]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    if (!reason.trim()) return setError(t('export.reasonRequired'));
    try {
      setJob(await startExport([cameraId], fromLocalInput(from), fromLocalInput(to), reason.trim()));
    } catch (e) {
      if (e instanceof ApiError && e.code === PURPOSE_REQUIRED) return setAskPurpose(true);
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const total = job?.files.reduce((n, f) => n + f.bytes, 0) ?? 0;
  return (
    <section className="panel" aria-labelledby="export-title" data-testid="export-panel">
      <h2 id="export-title" className="panel-title">{t('export.title')}</h2>
      <form className="export-form" onSubmit={submit}>
        <label>{t('export.from')}<input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} name="export-from" /></label>
        <label>{t('export.to')}<input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} name="export-to" /></label>
        <label className="export-reason">{t('export.reason')}
          <input type="text" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} name="export-reason" placeholder={t('export.reasonPlaceholder')} dir="auto" />
        </label>
        <button type="submit" className="button" disabled={job?.state === 'running'} data-testid="export-start">{t('export.start')}</button>
      </form>
      <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('export.audited')}</p>
      {error && <p className="banner banner-error" role="alert" dir="auto">{error}</p>}
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
        </div>
      )}
    </section>
  );
}
