import { useEffect, useState, type RefObject } from 'react';
import { t, useI18n } from '../i18n/index.ts';

// Investigation controls under a recorded video: pause, speed from ¼× to 16×, a frame back or
// forward (while paused), and jumps of ±10 s within what is buffered. They act on the <video>
// element only: the stream and its wall-clock mapping stay the player's.

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16] as const;
/** One frame at 25 fps; the recorded streams have no fixed rate, so a step is this long. */
const FRAME_S = 0.04;

export function InvestigationControls({ videoRef }: { videoRef: RefObject<HTMLVideoElement | null> }) {
  useI18n();
  const [paused, setPaused] = useState(false);
  const [speed, setSpeed] = useState(1);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const sync = () => setPaused(video.paused);
    video.addEventListener('play', sync);
    video.addEventListener('pause', sync);
    return () => {
      video.removeEventListener('play', sync);
      video.removeEventListener('pause', sync);
    };
  }, [videoRef]);

  const video = () => videoRef.current;
  const seekBy = (seconds: number) => {
    const v = video();
    if (!v || v.buffered.length === 0) return;
    const start = v.buffered.start(0);
    const end = v.buffered.end(v.buffered.length - 1);
    v.currentTime = Math.min(end - 0.05, Math.max(start, v.currentTime + seconds));
  };
  const toggle = () => {
    const v = video();
    if (!v) return;
    if (v.paused) void v.play().catch(() => undefined);
    else v.pause();
  };
  const step = (frames: number) => {
    const v = video();
    if (!v) return;
    v.pause();
    seekBy(frames * FRAME_S);
  };
  const changeSpeed = (value: number) => {
    setSpeed(value);
    const v = video();
    if (v) v.playbackRate = value;
  };

  return (
    <div className="investigation-controls" role="group" aria-label={t('inv.controls')} data-testid="investigation-controls">
      <button type="button" className="button" onClick={() => seekBy(-10)} data-testid="inv-back10" title={t('inv.back10')}><bdi dir="ltr">−10 s</bdi></button>
      <button type="button" className="button" onClick={() => step(-1)} data-testid="inv-frame-back" title={t('inv.frameBack')} aria-label={t('inv.frameBack')}><span className="flip-rtl" aria-hidden="true">‹</span> 1</button>
      <button type="button" className="button" onClick={toggle} data-testid="inv-pause" aria-pressed={paused}>{paused ? t('inv.play') : t('inv.pause')}</button>
      <button type="button" className="button" onClick={() => step(1)} data-testid="inv-frame-fwd" title={t('inv.frameFwd')} aria-label={t('inv.frameFwd')}>1 <span className="flip-rtl" aria-hidden="true">›</span></button>
      <button type="button" className="button" onClick={() => seekBy(10)} data-testid="inv-fwd10" title={t('inv.fwd10')}><bdi dir="ltr">+10 s</bdi></button>
      <label className="inv-speed">
        {t('inv.speed')}{' '}
        <select value={speed} onChange={(e) => changeSpeed(Number(e.target.value))} data-testid="inv-speed">
          {SPEEDS.map((s) => <option key={s} value={s}>{s < 1 ? `${s === 0.25 ? '¼' : '½'}×` : `${s}×`}</option>)}
        </select>
      </label>
    </div>
  );
}
