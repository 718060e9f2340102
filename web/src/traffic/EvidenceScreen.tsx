// A traffic violation's evidence package (issue 14): what was measured and how, the frames with
// the measured path, the clip, the calibration and its error, any recording gap, the plate (or
// why it is unread), and whether the package's signature and hashes verify now.
import { useEffect, useState } from 'react';
import { request } from '../api/client.ts';
import type { Evidence } from '../api/types.ts';
import { formatDateTime, formatDecimal, formatNumber, formatTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { GRID_PATH, onLinkClick } from '../router.ts';
import { BackLink } from '../components/BackLink.tsx';

export function evidencePath(eventId: string): string {
  return `/violations/${encodeURIComponent(eventId)}`;
}

const fileUrl = (id: string, name: string) => `/api/events/${encodeURIComponent(id)}/evidence/files/${encodeURIComponent(name)}`;

export function EvidenceScreen({ id }: { id: string }) {
  useI18n();
  const [ev, setEv] = useState<Evidence | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setEv(null);
    request<Evidence>('GET', `/api/events/${encodeURIComponent(id)}/evidence`).then(setEv, (e: unknown) => setError(e));
  }, [id]);
  const r = ev?.record;
  const m = r?.measurement ?? {};
  const num = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : null);
  const clip = r?.recording.files[0];
  return (
    <main className="evidence-screen" id="content" data-testid="evidence-screen">
      <div className="toolbar">
        <BackLink to={GRID_PATH} label="wf.back" />
        {r && <h1 className="toolbar-title" dir="auto">{t('ev.title', { kind: t(`alarms.kind.${r.kind}` as 'alarms.kind.speeding'), lane: r.lane, time: formatDateTime(r.atMs) })}</h1>}
        {r && <a href={`/traffic/${encodeURIComponent(r.cameraId)}`} onClick={(event) => onLinkClick(event, `/traffic/${encodeURIComponent(r.cameraId)}`)} data-testid="evidence-dashboard-link">{t('tr.dashboard')}</a>}
        {ev && <span className={ev.verified ? 'badge badge-ok' : 'badge badge-error'} data-testid="evidence-verified">{ev.verified ? t('ev.verified') : t('ev.notVerified')}</span>}
      </div>
      {error !== null && <p className="banner banner-error" role="alert" data-testid="evidence-error">{errorText(error)}</p>}
      {r && ev && (
        <div className="evidence-grid">
          <section className="panel" aria-label={t('ev.measurement')}>
            <h2>{t('ev.measurement')}</h2>
            <dl className="details">
              {num('speedKmh') !== null && <div className="detail-row"><dt>{t('ev.speed')}</dt><dd data-testid="evidence-speed" dir="ltr">{formatDecimal(num('speedKmh')!)} ± {formatDecimal(num('speedErrKmh') ?? 0)} km/h</dd></div>}
              {r.rule.limitKmh !== null && <div className="detail-row"><dt>{t('ev.limit')}</dt><dd dir="ltr">{formatDecimal(r.rule.limitKmh)} km/h + {formatDecimal(r.rule.toleranceKmh ?? 0)}</dd></div>}
              {num('distanceM') !== null && <div className="detail-row"><dt>{t('ev.distance')}</dt><dd dir="ltr">{formatDecimal(num('distanceM')!, 2)} m / {formatDecimal(num('spanSeconds') ?? 0, 2)} s</dd></div>}
              {num('againstM') !== null && <div className="detail-row"><dt>{t('ev.against')}</dt><dd dir="ltr">{formatDecimal(num('againstM')!, 1)} m</dd></div>}
              <div className="detail-row"><dt>{t('ev.rule')}</dt><dd dir="ltr" className="muted">{r.rule.fires}</dd></div>
              <div className="detail-row"><dt>{t('ev.positions')}</dt><dd>{formatNumber(r.positions.length)}</dd></div>
              <div className="detail-row"><dt>{t('ev.calibration')}</dt><dd data-testid="evidence-calibration" dir="ltr">{r.calibration ? `${formatNumber(r.calibration.points.length)} pts · RMS ${formatDecimal(r.calibration.rmsGroundM, 2)} m · ±${formatDecimal(r.calibration.scaleErrorPct, 2)} %` : t('ev.noCalibration')}</dd></div>
              <div className="detail-row"><dt>{t('ev.recording')}</dt><dd data-testid="evidence-recording" className={r.recording.complete ? '' : 'error-text'}>{recordingText(r.recording)}</dd></div>
            </dl>
          </section>
          <section className="panel" aria-label={t('ev.plate')}>
            <h2>{t('ev.plate')}</h2>
            {r.plate.status === 'read' && <p className="plate-text" data-testid="evidence-plate" dir="ltr">{r.plate.text} <span className="muted">({formatDecimal(r.plate.confidence * 100, 0)} %)</span></p>}
            {r.plate.status !== 'read' && <p data-testid="evidence-plate">{t('ev.plateUnread', { reason: r.plate.reason })}</p>}
            {(r.plate.status === 'read' || (r.plate.status === 'unread' && r.plate.crop)) && <img className="plate-crop" src={fileUrl(id, r.plate.status === 'read' ? r.plate.crop : r.plate.crop!)} alt={t('ev.plate')} />}
            <p className="muted">{t('ev.plateOnly')}</p>
          </section>
          <section className="panel evidence-frames" aria-label={t('ev.frames')}>
            <h2>{t('ev.frames')}</h2>
            <div className="evidence-frame-row">
              {r.frames.map((f) => (
                <figure key={f.file}><img src={fileUrl(id, f.file)} alt={f.file} data-testid="evidence-frame" /><figcaption>{formatDateTime(f.wallMs)}</figcaption></figure>
              ))}
            </div>
            {clip && <video className="evidence-clip" controls muted src={fileUrl(id, clip)} data-testid="evidence-clip" />}
          </section>
          <section className="panel" aria-label={t('ev.files')}>
            <h2>{t('ev.files')}</h2>
            <ul className="evidence-files" dir="ltr">
              {ev.files.map((f) => <li key={f.name}><a href={fileUrl(id, f.name)} download>{f.name}</a> <code>{f.sha256.slice(0, 16)}…</code></li>)}
            </ul>
            <p className="muted" dir="ltr">{t('ev.verifyHint')} · key {ev.serverKeyId}</p>
          </section>
        </div>
      )}
    </main>
  );
}

/**
 * The package's statement on its recording, in the reader's language and clock (the signed package
 * keeps the server's English sentence with UTC times; this words the same fields).
 */
function recordingText(rec: { fromMs: number; toMs: number; files: string[]; gaps: { startMs: number; endMs: number }[] }): string {
  const span = { from: formatDateTime(rec.fromMs), to: formatDateTime(rec.toMs) };
  if (rec.files.length === 0) return t('ev.recNothing', span);
  if (rec.gaps.length === 0) return t('ev.recComplete', span);
  const list = rec.gaps.map((g) => t('ev.recGap', { from: formatTime(g.startMs), to: formatTime(g.endMs), seconds: formatDecimal((g.endMs - g.startMs) / 1000) })).join(t('ev.recGapJoin'));
  return t('ev.recGaps', { count: formatNumber(rec.gaps.length), list });
}
