import { useEffect, useState, type FormEvent } from 'react';
import { t, useI18n } from '../i18n/index.ts';
import { errorText, LocalProblem } from '../api/error-text.ts';
import { getPurposes, setPurpose, type PurposeList } from './privacy-api.ts';

/**
 * Asked before looking further back than the free window: a purpose from the admin's list and a
 * text (case, incident, request). Both go into the audit entry of every access that follows.
 */
export function PurposePrompt({ onDone, onCancel }: { onDone(): void; onCancel(): void }) {
  useI18n();
  const [list, setList] = useState<PurposeList | null>(null);
  const [purposeId, setPurposeId] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    getPurposes().then(setList, (e: unknown) => setError(e));
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = list?.purposes.find((p) => p.id === purposeId);
    if (!chosen) return setError(new LocalProblem('purpose.choose'));
    if (!text.trim()) return setError(new LocalProblem('purpose.textRequired'));
    setPurpose({ purposeId: chosen.id, purposeName: chosen.name, purposeText: text.trim() });
    onDone();
  };

  return (
    <div className="purpose-backdrop">
      <form className="panel purpose-prompt" role="dialog" aria-modal="true" aria-labelledby="purpose-title" onSubmit={submit} data-testid="purpose-prompt">
        <h2 id="purpose-title" className="panel-title">{t('purpose.title')}</h2>
        <p className="muted">{t('purpose.why', { minutes: list?.policy.freeWindowMinutes ?? 10 })}</p>
        <label>{t('purpose.label')}
          <select value={purposeId} onChange={(e) => setPurposeId(e.target.value)} name="purpose" data-testid="purpose-select">
            <option value="">{t('purpose.pick')}</option>
            {list?.purposes.filter((p) => p.active).map((p) => <option key={p.id} value={p.id} dir="auto">{p.name}</option>)}
          </select>
        </label>
        <label>{t('purpose.text')}
          <input type="text" value={text} maxLength={500} onChange={(e) => setText(e.target.value)} name="purpose-text" placeholder={t('purpose.textPlaceholder')} dir="auto" />
        </label>
        {error !== null && <p className="banner banner-error" role="alert" dir="auto">{errorText(error)}</p>}
        <p className="audit-notice audit-notice-block"><span className="audit-dot" aria-hidden="true" />{t('purpose.audited')}</p>
        <div className="purpose-actions">
          <button type="button" className="button button-quiet" onClick={onCancel}>{t('purpose.cancel')}</button>
          <button type="submit" className="button" data-testid="purpose-submit">{t('purpose.submit')}</button>
        </div>
      </form>
    </div>
  );
}
