import { useEffect, useState, type FormEvent } from 'react';
import { formatTime, t, useI18n } from '../i18n/index.ts';
import { errorText, LocalProblem } from '../api/error-text.ts';
import { endLift, getMasks, liftMasks, type MaskList } from './privacy-api.ts';

/**
 * The camera's privacy masks as this user gets them: masked (burned in by the server), or lifted
 * by this user for a while, with a reason. `onChange` lets the live view reconnect for the new view.
 */
export function MaskPanel({ cameraId, onChange }: { cameraId: string; onChange(): void }) {
  useI18n();
  const [data, setData] = useState<MaskList | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    getMasks(cameraId).then((d) => live && setData(d), () => live && setData(null));
    return () => { live = false; };
  }, [cameraId, version]);

  // A lift ends by itself: refresh when it does (the server closes the unmasked live view then).
  useEffect(() => {
    if (!data?.lift) return;
    const timer = setTimeout(() => setVersion((v) => v + 1), Math.max(0, data.lift.expiresAt - Date.now()) + 500);
    return () => clearTimeout(timer);
  }, [data?.lift]);

  if (!data || data.masks.length === 0) return null;
  const liftable = data.masks.some((m) => m.liftable);
  const permanent = data.masks.filter((m) => !m.liftable).length;

  const lift = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!reason.trim()) return setError(new LocalProblem('masks.reasonRequired'));
    try {
      await liftMasks(cameraId, reason.trim(), 15);
      setReason('');
      setVersion((v) => v + 1);
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const restore = async () => {
    await endLift(cameraId).catch(() => undefined);
    setVersion((v) => v + 1);
    onChange();
  };

  return (
    <section className="panel" aria-labelledby="masks-title" data-testid="mask-panel" data-lifted={data.lift ? 'yes' : 'no'}>
      <h2 id="masks-title" className="panel-title">{t('masks.title')}</h2>
      <p>{data.lift ? t('masks.lifted', { time: formatTime(data.lift.expiresAt) }) : t('masks.applied', { n: data.masks.length })}</p>
      {permanent > 0 && <p className="muted">{t('masks.permanent', { n: permanent })}</p>}
      {data.mayLift && liftable && !data.lift && (
        <form className="export-form" onSubmit={lift}>
          <label className="export-reason">{t('masks.reason')}
            <input type="text" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} name="lift-reason" placeholder={t('masks.reasonPlaceholder')} dir="auto" />
          </label>
          <button type="submit" className="button" data-testid="mask-lift">{t('masks.lift')}</button>
        </form>
      )}
      {data.lift && <button type="button" className="button" onClick={restore} data-testid="mask-restore">{t('masks.restore')}</button>}
      {error !== null && <p className="banner banner-error" role="alert" dir="auto">{errorText(error)}</p>}
      <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('masks.audited')}</p>
    </section>
  );
}
