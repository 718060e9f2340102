import { useEffect, useRef, useState } from 'react';
import { formatDateTime, t, useI18n } from '../i18n/index.ts';
import { errorText } from '../api/error-text.ts';
import { RecordedPlayback, type PlaybackState } from './recorded-playback.ts';
import { InvestigationControls } from './InvestigationControls.tsx';
import { PurposePrompt } from '../privacy/PurposePrompt.tsx';
import { currentPurpose } from '../privacy/privacy-api.ts';

interface PlaybackPlayerProps {
  cameraId: string;
  /** Wall-clock time to start at; a new value seeks. */
  fromMs: number;
  label: string;
  onPosition(wallMs: number): void;
  /** Investigation controls under the video (a synchronised follower has the leader's). */
  controls?: boolean;
  /** The player, for synchronised playback of several cameras (null when it goes). */
  onPlayer?(player: PlayerHandle | null): void;
}

/** What a synchronised playback needs of one player: its video, where it is, and a seek. */
export interface PlayerHandle {
  video: HTMLVideoElement;
  wallNow(): number | null;
  seekWall(wallMs: number): boolean;
}

/** How much of the recording one request covers; the timeline asks again past it. */
const RANGE_MS = 3_600_000;

function stateMessage(state: PlaybackState): string | null {
  switch (state.kind) {
    case 'playing': return null;
    case 'loading': return t('playback.loading');
    case 'ended': return t('playback.ended');
    case 'empty': return t('playback.empty');
    case 'unsupported': return t('live.unsupported', { mime: state.mime });
    case 'error': return t('live.error', { message: errorText(state.error) });
    case 'cancelled': return t('purpose.cancelled');
    case 'purpose': return t('purpose.needed');
  }
}

export function PlaybackPlayer({ cameraId, fromMs, label, onPosition, controls = true, onPlayer }: PlaybackPlayerProps) {
  useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const playerRef = useRef<RecordedPlayback | null>(null);
  const positionRef = useRef(onPosition);
  positionRef.current = onPosition;
  const onPlayerRef = useRef(onPlayer);
  onPlayerRef.current = onPlayer;
  const [state, setState] = useState<PlaybackState>({ kind: 'loading' });
  const [position, setPosition] = useState<number | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const player = new RecordedPlayback(video, {
      onState: setState,
      onPosition: (wallMs) => {
        setPosition(wallMs);
        positionRef.current(wallMs);
      },
    });
    playerRef.current = player;
    onPlayerRef.current?.({ video, wallNow: () => player.wallNow(), seekWall: (ms) => player.seekWall(ms) });
    return () => {
      onPlayerRef.current?.(null);
      player.stop();
    };
  }, []);

  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setPosition(null);
    void playerRef.current?.play(cameraId, fromMs, Math.min(Date.now(), fromMs + RANGE_MS));
  }, [cameraId, fromMs, attempt]);
  const purpose = currentPurpose();

  const message = stateMessage(state);
  return (
    <div className="playback-wrap">
    <div className="live playback" data-playback-state={state.kind}>
      <video ref={videoRef} className="live-video" muted playsInline controls={false} disablePictureInPicture aria-label={label} />
      {message && <div className={`live-overlay live-overlay-${state.kind === 'error' || state.kind === 'unsupported' || state.kind === 'cancelled' ? 'error' : state.kind}`} role="status">{message}</div>}
      {state.kind === 'purpose' && <PurposePrompt onDone={() => setAttempt((n) => n + 1)} onCancel={() => setState({ kind: 'cancelled' })} />}
      {purpose && state.kind === 'playing' && <span className="purpose-badge" data-testid="purpose-badge" dir="auto">{t('purpose.badge', { purpose: purpose.purposeName })}</span>}
      {position !== null && (
        <span className="live-clock playback-clock" data-testid="playback-clock">
          <span className="playback-badge">{t('playback.badge')}</span>
          <time dateTime={new Date(position).toISOString()}>{formatDateTime(position)}</time>
        </span>
      )}
    </div>
    {controls && <InvestigationControls videoRef={videoRef} />}
    </div>
  );
}
