import { useEffect, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';
import { formatDateTime, formatNumber, formatTime, getCatalogue, t, useI18n, type MessageKey } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { usePolling } from '../polling.ts';
import { getTimeline, type Gap, type Timeline as TimelineData, type TimeSpan } from './playback-api.ts';
import { TimePicker } from './TimePicker.tsx';
import type { Bookmark } from '../api/types.ts';

const WINDOWS = [
  { key: '5m', ms: 300_000, tickMs: 60_000 },
  { key: '15m', ms: 900_000, tickMs: 180_000 },
  { key: '1h', ms: 3_600_000, tickMs: 600_000 },
  { key: '6h', ms: 6 * 3_600_000, tickMs: 3_600_000 },
  { key: '24h', ms: 24 * 3_600_000, tickMs: 4 * 3_600_000 },
] as const;

type WindowKey = (typeof WINDOWS)[number]['key'];

interface TimelineProps {
  cameraId: string;
  /** More cameras played in step with the first (investigation): one row of spans each. */
  moreCameraIds?: string[];
  /** The wall-clock time being played back, or null when live. */
  position: number | null;
  onSeek(wallMs: number): void;
  /** Back to live (absent: no live button). */
  onLive?(): void;
  bookmarks?: Bookmark[];
  defaultWindow?: WindowKey;
}

/** An operator's words for a recorder's gap code; codes we have no words for are shown as they are. */
export function gapReasonText(reason: string | null): string {
  if (reason === null) return t('gap.reason.unknown');
  const key = `gap.reason.${reason}` as MessageKey;
  const text = t(key);
  return text === key ? reason : text;
}

function percent(ms: number, start: number, length: number): string {
  return `${Math.max(0, Math.min(100, ((ms - start) / length) * 100))}%`;
}

/**
 * Recorded spans and gaps of the chosen window (5 minutes to 24 hours), ending now — or around the
 * position when it is older than the window; a click plays from that time. One row per camera.
 */
export function Timeline({ cameraId, moreCameraIds = [], position, onSeek, onLive, bookmarks = [], defaultWindow = '1h' }: TimelineProps) {
  useI18n();
  const [windowKey, setWindowKey] = useState<WindowKey>(defaultWindow);
  const win = WINDOWS.find((w) => w.key === windowKey)!;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  // null: the window ends now. A position outside the window moves it there (a short window must
  // still show the moment being played).
  const [anchorEnd, setAnchorEnd] = useState<number | null>(null);
  const end = anchorEnd ?? now;
  const start = end - win.ms;
  useEffect(() => {
    if (position === null) setAnchorEnd(null);
    else if (position < start || position > end) setAnchorEnd(position + win.ms / 2 >= Date.now() - win.ms / 10 ? null : position + win.ms / 2);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [position === null, position !== null && (position < start || position > end), windowKey]);
  const ids = [cameraId, ...moreCameraIds];
  const timeline = usePolling(
    (signal) => {
      const to = anchorEnd ?? Date.now();
      return Promise.all(ids.map((id) => getTimeline(id, to - win.ms, to, signal)));
    },
    10_000,
    `${ids.join(',')}:${windowKey}:${anchorEnd ?? 'now'}`,
  );
  const rows: TimelineData[] = timeline.data ?? [];
  const spans: TimeSpan[] = rows[0]?.spans ?? [];
  const recordedMs = spans.reduce((n, s) => n + s.endMs - s.startMs, 0);
  // Holes after the first recording in the window: the stretch before it is only "not yet recorded".
  const gaps: Gap[] = (rows[0]?.gaps ?? []).filter((g) => spans.length > 0 && g.startMs >= spans[0].endMs);
  const gapTitle = (g: Gap) => t('timeline.gapTitle', { from: formatTime(g.startMs), to: formatTime(g.endMs), reason: gapReasonText(g.reason) });

  const seekAt = (event: MouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const rtl = getCatalogue().dir === 'rtl';
    const fraction = rtl ? (rect.right - event.clientX) / rect.width : (event.clientX - rect.left) / rect.width;
    onSeek(Math.round(start + Math.max(0, Math.min(1, fraction)) * win.ms));
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? 60_000 : 10_000;
    const base = position ?? now - 60_000;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      const forward = (event.key === 'ArrowRight') !== (getCatalogue().dir === 'rtl');
      event.preventDefault();
      onSeek(Math.max(start, Math.min(Date.now(), base + (forward ? step : -step))));
    }
  };

  const ticks: number[] = [];
  for (let tick = Math.ceil(start / win.tickMs) * win.tickMs; tick <= end; tick += win.tickMs) ticks.push(tick);
  const rowHeight = ids.length > 1 ? 16 : 0;
  const rowStyle = (i: number): CSSProperties => (rowHeight ? { insetBlockStart: 4 + i * rowHeight, blockSize: rowHeight } : { insetBlock: 0 });
  const bar = (from: number, to: number): CSSProperties => ({ insetInlineStart: percent(from, start, win.ms), inlineSize: `calc(${percent(to, start, win.ms)} - ${percent(from, start, win.ms)})` });

  return (
    <section className="timeline panel" aria-labelledby="timeline-title" data-testid="timeline">
      <div className="timeline-head">
        <h2 id="timeline-title" className="panel-title">{t('timeline.title')}</h2>
        <div className="segmented" role="group" aria-label={t('timeline.window')}>
          {WINDOWS.map((w) => (
            <button key={w.key} type="button" className={w.key === windowKey ? 'is-active' : ''} aria-pressed={w.key === windowKey} onClick={() => setWindowKey(w.key)}>
              {t(`timeline.window.${w.key}`)}
            </button>
          ))}
        </div>
        <TimePicker position={position} onGo={onSeek} />
        <span className="panel-meta">{t('timeline.recorded', { minutes: formatNumber(Math.round(recordedMs / 60_000)), gaps: formatNumber(gaps.length) })}</span>
        {onLive && (
          <button type="button" className={`button ${position === null ? 'button-live-on' : ''}`} onClick={onLive} data-testid="go-live" aria-pressed={position === null}>
            {t('timeline.live')}
          </button>
        )}
      </div>
      <div
        className="timeline-track"
        role="slider"
        tabIndex={0}
        aria-label={t('timeline.slider')}
        aria-valuemin={start}
        aria-valuemax={end}
        aria-valuenow={position ?? end}
        style={rowHeight ? { blockSize: 8 + ids.length * rowHeight } : undefined}
        data-start={start}
        data-end={end}
        aria-valuetext={position !== null ? formatTime(position) : t('timeline.live')}
        onClick={seekAt}
        onKeyDown={onKey}
        data-testid="timeline-track"
      >
        {rows.map((row, i) => (
          <div key={ids[i]} className="timeline-row" style={rowStyle(i)} data-camera-id={ids[i]} data-testid="timeline-row">
            {row.spans.map((s) => (
              <div
                key={s.startMs}
                className="timeline-span"
                data-testid="timeline-span"
                data-start={s.startMs}
                data-end={s.endMs}
                style={bar(s.startMs, s.endMs)}
                title={`${formatTime(s.startMs)} – ${formatTime(s.endMs)}`}
              />
            ))}
            {i === 0 && gaps.map((g) => (
              <div
                key={`gap-${g.startMs}`}
                className="timeline-gap"
                data-testid="timeline-gap"
                data-reason={g.reason ?? ''}
                data-start={g.startMs}
                data-end={g.endMs}
                style={bar(g.startMs, g.endMs)}
                title={gapTitle(g)}
              />
            ))}
          </div>
        ))}
        {bookmarks.filter((b) => b.at >= start && b.at <= end).map((b) => (
          <button
            key={b.id}
            type="button"
            className="timeline-bookmark"
            style={{ insetInlineStart: percent(b.at, start, win.ms) }}
            title={`${formatDateTime(b.at)} — ${b.note}`}
            aria-label={t('bookmark.goTo', { time: formatTime(b.at), note: b.note })}
            onClick={(event) => { event.stopPropagation(); onSeek(b.at); }}
            data-testid="timeline-bookmark"
            data-at={b.at}
          />
        ))}
        {position !== null && <div className="timeline-cursor" data-testid="timeline-cursor" style={{ insetInlineStart: percent(position, start, win.ms) }} />}
      </div>
      <div className="timeline-ticks" aria-hidden="true">
        {ticks.map((tick) => (
          <span key={tick} className="timeline-tick" style={{ insetInlineStart: percent(tick, start, win.ms) }}>{formatTime(tick)}</span>
        ))}
      </div>
      {timeline.error !== null && <p className="banner banner-error" role="alert">{t('timeline.loadError', { message: errorText(timeline.error) })}</p>}
      {gaps.length > 0 && (
        <div className="timeline-gaps" data-testid="timeline-gaps">
          <span className="timeline-gaps-title">{t('timeline.gapsTitle')}</span>
          <ul>
            {gaps.slice(-3).reverse().map((g) => (
              <li key={g.startMs}>
                <button type="button" className="link-button" onClick={() => onSeek(Math.max(start, g.startMs - 10_000))}>
                  {formatTime(g.startMs)} – {formatTime(g.endMs)}
                </button>{' '}
                <span className="timeline-gap-reason">{gapReasonText(g.reason)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="timeline-legend muted">
        <span className="legend-swatch legend-recorded" /> {t('timeline.legendRecorded')}
        <span className="legend-swatch legend-gap" /> {t('timeline.legendGap')}
        <span>{t('timeline.hint')}</span>
      </p>
    </section>
  );
}
