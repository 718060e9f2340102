import { useState } from 'react';
import { formatDecimal, formatTime, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { useAlarmFeed, type Alarm } from './alarm-feed.ts';
import './alarms.css';

function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

function AlarmItem({ alarm, onAck }: { alarm: Alarm; onAck: (id: string) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const time = formatTime(alarm.ts);
  const ack = async () => {
    setBusy(true);
    setError(null);
    try {
      await onAck(alarm.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`alarm alarm-${alarm.severity}${alarm.ack ? ' alarm-acked' : ''}`} data-testid="alarm" data-alarm-id={alarm.id}>
      {alarm.snapshotUrl ? (
        <img className="alarm-thumb" src={alarm.snapshotUrl} alt={t('alarms.snapshotAlt', { camera: alarm.cameraName })} loading="lazy" data-testid="alarm-thumb" />
      ) : (
        <span className="alarm-thumb alarm-thumb-none" aria-hidden="true" />
      )}
      <div className="alarm-body">
        <div className="alarm-head">
          <span className="alarm-rule">{label('alarms.kind', alarm.ruleKind)}: {alarm.rule}</span>
          <time className="alarm-time" dateTime={new Date(alarm.ts).toISOString()}>{time}</time>
        </div>
        <div className="alarm-camera">{alarm.cameraName}</div>
        <div className="alarm-meta">
          {alarm.cls && <span>{label('alarms.class', alarm.cls)}</span>}
          {alarm.direction && <span>{label('alarms.direction', alarm.direction)}</span>}
          {alarm.ruleKind === 'crowd' && <CrowdFigures detail={alarm.detail} />}
        </div>
        {alarm.ruleKind === 'crowd' && alarm.detail?.beyondCounting !== undefined && (
          <div className="alarm-beyond" role="note" data-testid="alarm-crowd-beyond">{t('alarms.crowdBeyond', { n: String(alarm.detail.persons ?? 0) })}</div>
        )}
        {alarm.ack ? (
          <div className="alarm-acked-by" data-testid="alarm-acked">{t('alarms.ackedBy', { user: alarm.ack.by, time: formatTime(alarm.ack.at) })}</div>
        ) : (
          <button type="button" className="button alarm-ack" onClick={ack} disabled={busy} data-testid="alarm-ack">{t('alarms.ack')}</button>
        )}
        {error && <div className="alarm-error" role="alert">{error}</div>}
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

export function AlarmPanel() {
  useI18n();
  const feed = useAlarmFeed();
  const motionOnly = Object.entries(feed.detectors).filter(([, d]) => d === 'motion').map(([id]) => id);
  const neural = Object.values(feed.detectors).some((d) => d === 'neural');
  const open = feed.alarms.filter((a) => !a.ack).length;
  return (
    <aside className="alarm-panel" aria-labelledby="alarm-title" data-testid="alarm-panel">
      <div className="alarm-panel-head">
        <h2 id="alarm-title" className="alarm-title">{t('alarms.title')}</h2>
        <span className="alarm-count" data-testid="alarm-open">{t('alarms.open', { n: open })}</span>
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
      {feed.error && <p className="banner banner-error" role="alert">{t('alarms.loadError', { message: feed.error })}</p>}
      {feed.alarms.length === 0 ? (
        <p className="empty">{t('alarms.empty')}</p>
      ) : (
        <ol className="alarm-list" aria-live="polite" data-testid="alarm-list">
          {feed.alarms.map((a) => <AlarmItem key={a.id} alarm={a} onAck={feed.acknowledge} />)}
        </ol>
      )}
    </aside>
  );
}
