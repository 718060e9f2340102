import { useEffect, useRef, useState } from 'react';
import { liveSocketUrl } from '../api/client.ts';
import { formatDecimal, formatTime, t, useI18n } from '../i18n/index.ts';
import { LiveStream, type LiveState, type LiveStats } from './live-stream.ts';

interface LivePlayerProps {
  cameraId: string;
  /** Latency and buffer figures, for the large camera view. */
  showStats?: boolean;
  /** The wall-clock time of the frame on screen in a corner (when it was taken, not how long it has played). */
  showClock?: boolean;
  label: string;
}

function stateMessage(state: LiveState): string | null {
  switch (state.kind) {
    case 'playing': return null;
    case 'connecting': return t('live.connecting');
    case 'waiting': return t('live.waiting');
    case 'reconnecting': return t('live.reconnecting', { seconds: Math.max(1, Math.round(state.inMs / 1000)) });
    case 'offline':
      if (state.state === 'connecting') return t('live.cameraConnecting');
      if (state.state === 'disabled') return t('tile.disabled');
      return t('live.offline', { message: state.message || t('tile.noError') });
    case 'unsupported': return t('live.unsupported', { mime: state.mime });
    case 'error': return t('live.error', { message: state.message });
  }
}

export function LivePlayer({ cameraId, showStats = false, showClock = false, label }: LivePlayerProps) {
  useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<LiveState>({ kind: 'connecting' });
  const [stats, setStats] = useState<LiveStats | null>(null);
  const wantStats = showStats || showClock;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const stream = new LiveStream(video, liveSocketUrl(cameraId), {
      onState: setState,
      onStats: wantStats ? throttle(setStats, 500) : undefined,
    });
    stream.start();
    return () => stream.stop();
  }, [cameraId, wantStats]);

  const message = stateMessage(state);
  return (
    <div className="live" data-live-state={state.kind}>
      <video ref={videoRef} className="live-video" muted playsInline autoPlay disablePictureInPicture aria-label={label} />
      {message && (
        <div className={`live-overlay live-overlay-${state.kind}`} role="status">
          {message}
        </div>
      )}
      {showClock && stats && stats.frameWallMs !== null && state.kind === 'playing' && (
        <time className="live-clock" title={t('tile.videoTime')} dateTime={new Date(stats.frameWallMs).toISOString()} data-testid="frame-clock">{formatTime(stats.frameWallMs)}</time>
      )}
      {showStats && stats && stats.latencySec !== null && (
        <span className="live-stats" data-testid="latency">
          {t('live.latency', { seconds: formatDecimal(stats.latencySec, 2) })} · {t('live.buffer', { seconds: formatDecimal(stats.bufferedSec, 1) })}
        </span>
      )}
    </div>
  );
}

function throttle<T>(fn: (value: T) => void, intervalMs: number): (value: T) => void {
  let last = 0;
  return (value) => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    fn(value);
  };
}
