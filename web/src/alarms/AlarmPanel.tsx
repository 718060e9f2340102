import { useState } from 'react';
import { formatDecimal, formatTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import type { Alarm, AlarmFeed } from './alarm-feed.ts';
import { alarmPath } from './alarm-api.ts';
import { onLinkClick } from '../router.ts';
import './alarms.css';

function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

function AlarmItem({ alarm, feed }: { alarm: Alarm; feed: AlarmFeed }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (command: 'ack' | 'take') => {
    setBusy(true);
    setError(null);
    try {
      await feed.command(alarm.id, command);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const urgency = alarm.priority <= 20 ? 'critical' : alarm.priority <= 100 ? 'warning' : 'info';
  const path = alarmPath(alarm.id);
  return (
    <li className={`alarm alarm-${urgency} alarm-state-${alarm.state}${alarm.escalatedAt ? ' alarm-escalated' : ''}`} data-testid="alarm" data-alarm-id={alarm.id} data-state={alarm.state}>
      <a href={path} onClick={(event) => onLinkClick(event, path)} className="alarm-thumb-link" aria-label={t('wf.cmd.open')}>
        {alarm.snapshotUrl ? (
          <img className="alarm-thumb" src={alarm.snapshotUrl} alt={t('alarms.snapshotAlt', { camera: alarm.cameraName })} loading="lazy" data-testid="alarm-thumb" />
        ) : (
          <span className="alarm-thumb alarm-thumb-none" aria-hidden="true" />
        )}
      </a>
      <div className="alarm-body">
        <div className="alarm-head">
          <span className="alarm-rule">{label('alarms.kind', alarm.ruleKind)}: {alarm.rule}</span>
          <time className="alarm-time" dateTime={new Date(alarm.firstAt).toISOString()}>{formatTime(alarm.firstAt)}</time>
        </div>
        <div className="alarm-camera" dir="auto">{alarm.cameraName}</div>
        <div className="alarm-meta">
          <span className="alarm-priority" data-testid="alarm-priority">{t('wf.priority', { n: alarm.priority })}</span>
          <span className="alarm-state" data-testid="alarm-state">{t(`wf.state.${alarm.state}`)}</span>
          {alarm.hits > 1 && <span data-testid="alarm-hits">{t('wf.hits', { n: alarm.hits })}</span>}
          {alarm.cls && <span>{label('alarms.class', alarm.cls)}</span>}
          {alarm.ruleKind === 'crowd' && <CrowdFigures detail={alarm.detail} />}
        </div>
        {alarm.ruleKind === 'crowd' && alarm.detail?.beyondCounting !== undefined && (
          <div className="alarm-beyond" role="note" data-testid="alarm-crowd-beyond">{t('alarms.crowdBeyond', { n: String(alarm.detail.persons ?? 0) })}</div>
        )}
        {alarm.escalatedAt !== null && <div className="alarm-escalated-note" data-testid="alarm-escalated">{t('wf.escalated')}</div>}
        {alarm.owner && <div className="alarm-acked-by" data-testid="alarm-owner">{t('wf.owner', { user: alarm.owner.name })}</div>}
        {alarm.ack && !alarm.owner && <div className="alarm-acked-by" data-testid="alarm-acked">{t('alarms.ackedBy', { user: alarm.ack.by, time: formatTime(alarm.ack.at) })}</div>}
        <div className="alarm-actions">
          {alarm.allowed.includes('ack') && <button type="button" className="button alarm-ack" onClick={() => void run('ack')} disabled={busy} data-testid="alarm-ack">{t('wf.cmd.ack')}</button>}
          {alarm.allowed.includes('take') && <button type="button" className="button alarm-ack" onClick={() => void run('take')} disabled={busy} data-testid="alarm-take">{t('wf.cmd.take')}</button>}
          <a className="button alarm-ack" href={path} onClick={(event) => onLinkClick(event, path)} data-testid="alarm-open">{t('wf.cmd.open')}</a>
        </div>
        {error !== null && <div className="alarm-error" role="alert">{errorText(error)}</div>}
      </div>
    </li>
  );
}

/** A crowd alarm says both: persons, and persons per m² where the zone's ground area is known. */
function CrowdFigures({ detail }: { detail: Alarm['detail'] }) {
  if (!detail || typeof detail.persons !== 'number') return null;
  return (
    <span data-testid="alarm-crowd">
      {t('alarms.crowdPersons', { n: String(detail.persons) })}
      {typeof detail.personsPerM2 === 'number' && <> · {t('alarms.crowdDensity', { d: formatDecimal(detail.personsPerM2, 2) })}</>}
    </span>
  );
}

/** Cameras whose analysis falls behind: a few by name, many as a count with the range (all in the title). */
function BehindWarning({ behind }: { behind: Record<string, { analysedFps: number; expectedFps: number }> }) {
  const entries = Object.entries(behind).sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  const each = entries.map(([id, p]) => t('alarms.behindCamera', { id, analysed: formatDecimal(p.analysedFps, 1), expected: formatDecimal(p.expectedFps, 0) }));
  const fps = entries.map(([, p]) => p.analysedFps);
  const cameras = entries.length <= 3
    ? each.join(', ')
    : t('alarms.behindMany', { n: entries.length, low: formatDecimal(Math.min(...fps), 1), high: formatDecimal(Math.max(...fps), 1), expected: formatDecimal(Math.max(...entries.map(([, p]) => p.expectedFps)), 0) });
  return (
    <p className="banner banner-warning" role="status" data-testid="alarm-behind" title={each.join('\n')}>
      {t('alarms.behind', { cameras })}
    </p>
  );
}

export function AlarmPanel({ feed }: { feed: AlarmFeed }) {
  useI18n();
  const motionOnly = Object.entries(feed.detectors).filter(([, d]) => d === 'motion').map(([id]) => id);
  const neural = Object.values(feed.detectors).some((d) => d === 'neural');
  const open = feed.alarms.length;
  return (
    <aside className="alarm-panel" aria-labelledby="alarm-title" data-testid="alarm-panel">
      <div className="alarm-panel-head">
        <h2 id="alarm-title" className="alarm-title">{t('alarms.title')}</h2>
        <span className="alarm-count" data-testid="alarm-open">{t('alarms.open', { n: open })}</span>
        <a className="alarm-history-link" href="/alarm-history" onClick={(event) => onLinkClick(event, '/alarm-history')} data-testid="alarm-history-link">{t('wf.history')}</a>
        <span className={`alarm-live ${feed.connected ? 'is-live' : ''}`} title={feed.connected ? t('alarms.connected') : t('alarms.disconnected')} />
      </div>
      {(neural || motionOnly.length > 0) && (
        <p className="alarm-detector" data-testid="alarm-detector">
          {neural && t('alarms.detectorNeural')}
          {motionOnly.length > 0 && ' ' + t('alarms.detectorMotion', { cameras: motionOnly.join(', ') })}
        </p>
      )}
      {Object.keys(feed.behind).length > 0 && (
        <BehindWarning behind={feed.behind} />
      )}
      <p className="alarm-privacy">{t('alarms.privacy')}</p>
      {feed.error !== null && <p className="banner banner-error" role="alert">{t('alarms.loadError', { message: errorText(feed.error) })}</p>}
      {feed.alarms.length === 0 ? (
        <p className="empty">{t('alarms.empty')}</p>
      ) : (
        <ol className="alarm-list" aria-live="polite" data-testid="alarm-list">
          {feed.alarms.map((a) => <AlarmItem key={a.id} alarm={a} feed={feed} />)}
        </ol>
      )}
    </aside>
  );
}
