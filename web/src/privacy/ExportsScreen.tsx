import { useState } from 'react';
import type { Camera, User } from '../api/types.ts';
import { ApiError } from '../api/client.ts';
import { errorText, LocalProblem } from '../api/error-text.ts';
import { formatBytes, formatDateTime, formatTime, t, useI18n } from '../i18n/index.ts';
import { usePolling } from '../polling.ts';
import { approveExport, exportDownloadUrl, listExportRequests, listMyExports, refuseExport, type ExportJob } from '../playback/playback-api.ts';

// Four-eyes export (issue 13): a requester follows their requests here and downloads once one is
// approved and produced; a second user with export.approve (admin, supervisor) sees the requests
// waiting for them and approves or refuses each with a reason. The server decides who may: a
// requester's own approval is refused there, and its message is shown as it came.

export const EXPORTS_PATH = '/exports';

/** Roles holding export.approve (src/access/permissions.ts); others are not shown the queue. */
const APPROVER_ROLES = new Set(['admin', 'supervisor']);

/** Put into words while rendering, so a language switch reaches it; a 403 keeps the server's own words (e.g. "four eyes: the requester cannot approve or refuse their own export"). */
function requestErrorText(error: unknown): string {
  return error instanceof ApiError && error.status === 403 ? t('approvals.refusedByServer', { message: error.message }) : errorText(error);
}

function interval(job: ExportJob): string {
  const sameDay = new Date(job.from).toDateString() === new Date(job.to).toDateString();
  return `${formatDateTime(job.from)} – ${sameDay ? formatTime(job.to) : formatDateTime(job.to)}`;
}

function Purpose({ job }: { job: ExportJob }) {
  return (
    <>
      <span dir="auto">{job.reason}</span>
      {job.purpose && <div className="muted" dir="auto">{t('approvals.purposeLine', { purpose: job.purpose.name, text: job.purpose.text })}</div>}
    </>
  );
}

function stateText(job: ExportJob): string {
  const by = job.decidedByName ?? '';
  switch (job.state) {
    case 'awaiting_approval': return t('approvals.state.awaiting');
    case 'refused': return t('approvals.state.refused', { by, reason: (job.error ?? '').replace(/^refused: /, '') });
    case 'running': return t('approvals.state.running', { percent: Math.round(job.progress * 100) });
    case 'done': return job.decidedByName ? t('approvals.state.doneApproved', { by }) : t('approvals.state.done');
    case 'failed': return t('approvals.state.failed', { message: job.error ?? '' });
  }
}

function RequestRow({ job, cameraName, onDecided }: { job: ExportJob; cameraName(id: string): string; onDecided(): void }) {
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const decide = async (action: () => Promise<ExportJob>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onDecided();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const refuse = () => {
    if (!reason.trim()) return setError(new LocalProblem('approvals.refuseReasonRequired'));
    void decide(() => refuseExport(job.id, reason.trim()));
  };
  return (
    <tr data-testid="export-request" data-export-id={job.id}>
      <td dir="auto">{job.cameras.map(cameraName).join(', ')}</td>
      <td className="nowrap">{interval(job)}</td>
      <td><Purpose job={job} /></td>
      <td dir="auto" data-testid="request-requester">{job.requestedByName}</td>
      <td className="nowrap">{formatDateTime(job.createdAt)}</td>
      <td>
        <div className="row-actions">
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void decide(() => approveExport(job.id))} data-testid="request-approve">{t('approvals.approve')}</button>
          {!refusing && <button type="button" className="button button-danger" disabled={busy} onClick={() => setRefusing(true)} data-testid="request-refuse">{t('approvals.refuse')}</button>}
        </div>
        {refusing && (
          <form className="refuse-form" onSubmit={(e) => { e.preventDefault(); refuse(); }}>
            <label className="field">
              <span className="field-label">{t('approvals.refuseReason')}</span>
              <input name="refuse-reason" value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} dir="auto" />
            </label>
            <div className="row-actions">
              <button type="submit" className="button button-danger" disabled={busy} data-testid="request-refuse-confirm">{t('approvals.refuseConfirm')}</button>
              <button type="button" className="button button-quiet" onClick={() => { setRefusing(false); setError(null); }}>{t('approvals.cancel')}</button>
            </div>
          </form>
        )}
        {error !== null && <p className="banner banner-error" role="alert" dir="auto" data-testid="request-error">{requestErrorText(error)}</p>}
      </td>
    </tr>
  );
}

export function ExportsScreen({ user, cameras }: { user: User; cameras: Camera[] | null }) {
  useI18n();
  const approver = APPROVER_ROLES.has(user.role);
  const [version, setVersion] = useState(0);
  const mine = usePolling(listMyExports, 2000, `mine-${version}`);
  const queue = usePolling((signal) => (approver ? listExportRequests(signal) : Promise.resolve([])), 3000, `queue-${version}`);
  const cameraName = (id: string) => cameras?.find((c) => c.id === id)?.name ?? id;
  const refresh = () => setVersion((v) => v + 1);

  return (
    <main id="content" className="admin-screen" data-testid="exports-screen">
      <h1 className="screen-title">{t('approvals.title')}</h1>
      <p className="screen-intro">{t('approvals.intro')}</p>

      {approver && (
        <section className="exports-section" aria-labelledby="requests-title" data-testid="export-requests">
          <h2 id="requests-title" className="admin-subtitle">{t('approvals.queueTitle')}</h2>
          {queue.error !== null && <p className="banner banner-error" role="alert">{errorText(queue.error)}</p>}
          {queue.data && queue.data.length === 0 && <p className="muted" data-testid="requests-empty">{t('approvals.queueEmpty')}</p>}
          {queue.data && queue.data.length > 0 && (
            <table className="admin-table">
              <thead><tr>
                <th>{t('approvals.col.cameras')}</th><th>{t('approvals.col.interval')}</th><th>{t('approvals.col.purpose')}</th>
                <th>{t('approvals.col.requester')}</th><th>{t('approvals.col.requested')}</th><th>{t('approvals.col.decision')}</th>
              </tr></thead>
              <tbody>{queue.data.map((job) => <RequestRow key={job.id} job={job} cameraName={cameraName} onDecided={refresh} />)}</tbody>
            </table>
          )}
          <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('approvals.audited')}</p>
        </section>
      )}

      <section className="exports-section" aria-labelledby="mine-title" data-testid="my-exports">
        <h2 id="mine-title" className="admin-subtitle">{t('approvals.mineTitle')}</h2>
        {mine.error !== null && <p className="banner banner-error" role="alert">{errorText(mine.error)}</p>}
        {mine.data && mine.data.length === 0 && <p className="muted">{t('approvals.mineEmpty')}</p>}
        {mine.data && mine.data.length > 0 && (
          <table className="admin-table">
            <thead><tr>
              <th>{t('approvals.col.cameras')}</th><th>{t('approvals.col.interval')}</th><th>{t('approvals.col.purpose')}</th>
              <th>{t('approvals.col.requested')}</th><th>{t('approvals.col.state')}</th><th />
            </tr></thead>
            <tbody>
              {mine.data.map((job) => (
                <tr key={job.id} data-testid="my-export" data-export-id={job.id} data-state={job.state}>
                  <td dir="auto">{job.cameras.map(cameraName).join(', ')}</td>
                  <td className="nowrap">{interval(job)}</td>
                  <td><Purpose job={job} /></td>
                  <td className="nowrap">{formatDateTime(job.createdAt)}</td>
                  <td dir="auto" data-testid="my-export-state">{stateText(job)}</td>
                  <td>
                    {job.state === 'done'
                      ? <a className="button nowrap" href={exportDownloadUrl(job.id)} download data-testid="my-export-download">{t('export.download')} · {formatBytes(job.files.reduce((n, f) => n + f.bytes, 0))}</a>
                      : <span className="muted">{t('approvals.noDownload')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
