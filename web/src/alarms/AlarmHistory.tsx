import { useEffect, useState, type FormEvent } from 'react';
import { request } from '../api/client.ts';
import type { Alarm, AlarmHistory as HistoryPage } from '../api/types.ts';
import { formatDateTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { GRID_PATH, onLinkClick } from '../router.ts';
import { alarmPath } from './alarm-api.ts';
import { BackLink } from '../components/BackLink.tsx';

// Alarm history: filters (time, camera, rule, state, outcome, operator), pages by the server's keyset
// cursor ("More"), and the same filter as a CSV download (the export is audited on the server).

/** What the time boxes accept: a date, optionally with a 24-hour time to the minute or second. */
const TIME_PATTERN = '\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}(:\\d{2})?)?';
const STATES = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved'] as const;
const OUTCOMES = ['incident', 'false_alarm', 'test', 'duplicate', 'other', 'auto_closed'] as const;

function label(key: string): string {
  const text = t(key as MessageKey);
  return text === key ? key.slice(key.lastIndexOf('.') + 1) : text;
}

interface Filter {
  from: string;
  to: string;
  cameraId: string;
  rule: string;
  state: string;
  outcome: string;
  operator: string;
}

const EMPTY: Filter = { from: '', to: '', cameraId: '', rule: '', state: '', outcome: '', operator: '' };

function toQuery(f: Filter): URLSearchParams {
  const q = new URLSearchParams();
  // Local time typed as "2026-12-02 14:05:09" (a text box: the browser's date picker would show a
  // 12-hour clock in some locales); the API takes ms since the epoch.
  const ms = (v: string) => new Date(v.trim().replace(' ', 'T')).getTime();
  if (f.from && Number.isFinite(ms(f.from))) q.set('from', String(ms(f.from)));
  if (f.to && Number.isFinite(ms(f.to))) q.set('to', String(ms(f.to)));
  for (const k of ['cameraId', 'rule', 'state', 'outcome', 'operator'] as const) if (f[k]) q.set(k, f[k]);
  return q;
}

export function AlarmHistory() {
  useI18n();
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [applied, setApplied] = useState<Filter>(EMPTY);
  const [rows, setRows] = useState<Alarm[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = async (f: Filter, cursor: string | null) => {
    setLoading(true);
    try {
      const q = toQuery(f);
      q.set('limit', '50');
      if (cursor) q.set('cursor', cursor);
      const page = await request<HistoryPage>('GET', `/api/alarms/history?${q}`);
      setRows((r) => (cursor ? [...r, ...page.alarms] : page.alarms));
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(applied, null);
  }, [applied]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied(filter);
  };
  const set = (k: keyof Filter) => (e: { target: { value: string } }) => setFilter({ ...filter, [k]: e.target.value });

  return (
    <main className="alarm-screen" id="content" data-testid="alarm-history">
      <div className="toolbar">
        <BackLink to={GRID_PATH} label="wf.back" />
        <h1 className="toolbar-title">{t('wf.history')}</h1>
        <a className="button" href={`/api/alarms/history.csv?${toQuery(applied)}`} download data-testid="alarm-history-csv">{t('wf.exportCsv')}</a>
      </div>
      <form className="alarm-form panel" onSubmit={submit} data-testid="alarm-history-filter">
        <label>{t('wf.from')} <input type="text" dir="ltr" inputMode="numeric" placeholder="YYYY-MM-DD HH:MM:SS" pattern={TIME_PATTERN} value={filter.from} onChange={set('from')} data-testid="alarm-history-from" /></label>
        <label>{t('wf.to')} <input type="text" dir="ltr" inputMode="numeric" placeholder="YYYY-MM-DD HH:MM:SS" pattern={TIME_PATTERN} value={filter.to} onChange={set('to')} data-testid="alarm-history-to" /></label>
        <input type="text" placeholder={t('wf.camera')} value={filter.cameraId} onChange={set('cameraId')} aria-label={t('wf.camera')} />
        <input type="text" placeholder={t('wf.rule')} value={filter.rule} onChange={set('rule')} aria-label={t('wf.rule')} />
        <select value={filter.state} onChange={set('state')} aria-label={t('wf.stateLabel')} data-testid="alarm-history-state">
          <option value="">{t('wf.stateLabel')}: {t('wf.any')}</option>
          {STATES.map((s) => <option key={s} value={s}>{label(`wf.state.${s}`)}</option>)}
        </select>
        <select value={filter.outcome} onChange={set('outcome')} aria-label={t('wf.outcomeLabel')} data-testid="alarm-history-outcome">
          <option value="">{t('wf.outcomeLabel')}: {t('wf.any')}</option>
          {OUTCOMES.map((o) => <option key={o} value={o}>{label(`wf.outcome.${o}`)}</option>)}
        </select>
        <input type="text" placeholder={t('wf.operator')} value={filter.operator} onChange={set('operator')} aria-label={t('wf.operator')} />
        <button type="submit" className="button button-primary" disabled={loading} data-testid="alarm-history-apply">{t('wf.apply')}</button>
      </form>
      {error !== null && <p className="banner banner-error" role="alert">{errorText(error)}</p>}
      <div className="table-scroll">
        <table className="table" data-testid="alarm-history-table">
          <thead>
            <tr>
              <th scope="col">{t('wf.firstCol')}</th>
              <th scope="col">{t('wf.camera')}</th>
              <th scope="col">{t('wf.rule')}</th>
              <th scope="col" className="num">{t('wf.priorityCol')}</th>
              <th scope="col" className="num">{t('wf.hitsCol')}</th>
              <th scope="col">{t('wf.stateLabel')}</th>
              <th scope="col">{t('wf.outcomeLabel')}</th>
              <th scope="col">{t('wf.operator')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-testid="alarm-history-row" data-alarm-id={a.id}>
                <td><a href={alarmPath(a.id)} onClick={(event) => onLinkClick(event, alarmPath(a.id))}><time dateTime={new Date(a.firstAt).toISOString()}>{formatDateTime(a.firstAt)}</time></a></td>
                <td dir="auto">{a.cameraName}</td>
                <td>{label(`alarms.kind.${a.ruleKind}`)}: <span dir="auto">{a.rule}</span></td>
                <td className="num">{a.priority}</td>
                <td className="num">{a.hits}</td>
                <td>{label(`wf.state.${a.state}`)}</td>
                <td>{a.outcome ? label(`wf.outcome.${a.outcome}`) : ''}</td>
                <td dir="auto">{a.resolved?.by ?? a.owner?.name ?? a.ack?.by ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && !loading && <p className="muted">{t('wf.historyEmpty')}</p>}
      {next && <button type="button" className="button" disabled={loading} onClick={() => void load(applied, next)} data-testid="alarm-history-more">{t('wf.more')}</button>}
    </main>
  );
}
