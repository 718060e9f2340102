// Bulk camera import in the browser (issue 15): pick a CSV or GeoJSON file, check it (a dry run
// of the whole file: every row named, nothing created), then import it in parts with progress;
// the report says how many were taken and names every refused row with the reason.
import { useRef, useState } from 'react';
import { importCameras } from '../api/client.ts';
import type { CameraImportReport } from '../api/types.ts';
import { formatNumber, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { GRID_PATH } from '../router.ts';
import { detectFormat, splitImport, countRows, type ImportFormat } from './import-parts.ts';
import { BackLink } from '../components/BackLink.tsx';
import './import.css';

interface Loaded {
  name: string;
  text: string;
  format: ImportFormat;
  rows: number;
}

type Phase = { kind: 'idle' } | { kind: 'running'; dryRun: boolean; done: number; total: number } | { kind: 'done'; dryRun: boolean; report: CameraImportReport; stopped: boolean } | { kind: 'error'; error: unknown };

/** What parts' reports add up to. */
function merge(a: CameraImportReport, b: CameraImportReport): CameraImportReport {
  return { dryRun: a.dryRun, taken: a.taken + b.taken, refused: [...a.refused, ...b.refused], created: [...a.created, ...b.created] };
}

export function ImportScreen() {
  useI18n();
  const [file, setFile] = useState<Loaded | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);

  const pick = async (f: File | undefined) => {
    setPhase({ kind: 'idle' });
    if (!f) return setFile(null);
    const text = await f.text();
    const format = detectFormat(f.name, text);
    setFile({ name: f.name, text, format, rows: countRows(format, text) });
  };

  const run = async (dryRun: boolean) => {
    if (!file) return;
    const ctl = new AbortController();
    abort.current = ctl;
    // The check sends the whole file at once (duplicates across the file are found); the import
    // goes in parts of 2,000 rows, so progress shows and a refusal stops nothing else.
    const parts = dryRun ? [{ text: file.text, offset: 0, rows: file.rows }] : splitImport(file.format, file.text, 2000);
    let report: CameraImportReport = { dryRun, taken: 0, refused: [], created: [] };
    let done = 0;
    setPhase({ kind: 'running', dryRun, done, total: file.rows });
    try {
      for (const part of parts) {
        if (ctl.signal.aborted) break;
        report = merge(report, await importCameras({ format: file.format, text: part.text, dryRun, offset: part.offset }, ctl.signal));
        done += part.rows;
        setPhase({ kind: 'running', dryRun, done, total: file.rows });
      }
      setPhase({ kind: 'done', dryRun, report, stopped: ctl.signal.aborted });
    } catch (err) {
      if (ctl.signal.aborted) setPhase({ kind: 'done', dryRun, report, stopped: true });
      else setPhase({ kind: 'error', error: err });
    }
  };

  const running = phase.kind === 'running';
  return (
    <main className="camera-screen import-screen" id="content">
      <div className="toolbar">
        <BackLink to={GRID_PATH} label="camera.back" />
        <h1 className="toolbar-title">{t('import.title')}</h1>
      </div>
      <section className="panel import-panel">
        <p className="import-help">{t('import.help')}</p>
        <label className="import-file">
          <span>{t('import.file')}</span>
          <input type="file" accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json" data-testid="import-file" disabled={running} onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        {file && (
          <p className="import-summary" data-testid="import-summary">
            {t('import.loaded', { name: file.name, format: file.format === 'csv' ? 'CSV' : 'GeoJSON', rows: formatNumber(file.rows) })}
          </p>
        )}
        <div className="import-actions">
          <button type="button" className="button" data-testid="import-check" disabled={!file || running} onClick={() => void run(true)}>{t('import.check')}</button>
          <button type="button" className="button button-primary" data-testid="import-run" disabled={!file || running} onClick={() => void run(false)}>{t('import.run')}</button>
          {running && <button type="button" className="button" data-testid="import-stop" onClick={() => abort.current?.abort()}>{t('import.stop')}</button>}
        </div>
        {running && (
          <div className="import-progress" data-testid="import-progress">
            <progress max={Math.max(1, phase.total)} value={phase.done} aria-label={t('import.progress', { done: formatNumber(phase.done), total: formatNumber(phase.total) })} />
            <span>{t(phase.dryRun ? 'import.checking' : 'import.progress', { done: formatNumber(phase.done), total: formatNumber(phase.total) })}</span>
          </div>
        )}
        {phase.kind === 'error' && <p className="banner banner-error" role="alert" data-testid="import-error">{t('import.failed', { message: errorText(phase.error) })}</p>}
      </section>
      {phase.kind === 'done' && (
        <section className="panel import-report" data-testid="import-report" aria-live="polite">
          <h2 className="import-report-title">{phase.dryRun ? t('import.report.dry') : t('import.report.done')}</h2>
          {phase.stopped && <p className="banner banner-warning" role="status">{t('import.report.stopped')}</p>}
          <p data-testid="import-counts">
            <span className="badge badge-online" data-testid="import-taken">{t(phase.dryRun ? 'import.report.wouldTake' : 'import.report.taken', { n: formatNumber(phase.report.taken) })}</span>{' '}
            <span className={`badge ${phase.report.refused.length ? 'badge-offline' : ''}`} data-testid="import-refused-count">{t('import.report.refused', { n: formatNumber(phase.report.refused.length) })}</span>
          </p>
          {phase.report.refused.length > 0 && (
            <table className="nodes-table import-refused" data-testid="import-refused">
              <thead>
                <tr>
                  <th scope="col">{t('import.col.where')}</th>
                  <th scope="col">{t('import.col.why')}</th>
                </tr>
              </thead>
              <tbody>
                {phase.report.refused.slice(0, 500).map((r, i) => (
                  <tr key={i} data-testid="import-refused-row">
                    <td dir="ltr" className="import-where">{r.where}</td>
                    <td dir="ltr">{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {phase.report.refused.length > 500 && <p className="import-more">{t('import.report.more', { n: formatNumber(phase.report.refused.length - 500) })}</p>}
        </section>
      )}
    </main>
  );
}
