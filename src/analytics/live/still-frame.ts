// One picture of a camera as it is now, to draw rules and calibration points on: one more viewer
// of its live fan-out (no second camera connection), the first decoded frame, then it leaves.
// The hub hands a new viewer the frames since the last keyframe, so a still takes one decode, not
// a wait for the next keyframe.
import type { CameraRuntime } from '../../live/index.ts';
import { AnalyticsError } from '../errors.ts';
import { LiveFrameSource, type LiveFrame } from './live-frames.ts';

export interface StillOptions {
  /** scaled to at most this width (default 1280: enough to place a point to a pixel or two) */
  width?: number;
  /** default 10 s */
  timeoutMs?: number;
  ffmpeg?: string;
}

export function grabStill(runtime: CameraRuntime, cameraId: string, o: StillOptions = {}): Promise<LiveFrame> {
  const state = runtime.status(cameraId).state;
  // A camera that sends nothing now has no picture to give: say so at once rather than wait.
  if (state !== 'online') return Promise.reject(new AnalyticsError('NO_PICTURE', `camera ${cameraId} sends no picture now (${state})`));
  return new Promise((resolve, reject) => {
    let done = false;
    let lastError: string | null = null;
    const finish = (f: LiveFrame | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unwatch();
      source.close();
      if (f) resolve(f);
      else reject(new AnalyticsError('NO_PICTURE', `camera ${cameraId} sent no picture within ${(o.timeoutMs ?? 10_000) / 1000} s (${runtime.status(cameraId).state}${lastError ? `: ${lastError}` : ''})`));
    };
    const source = new LiveFrameSource({
      fps: 5,
      width: o.width ?? 1280,
      ffmpeg: o.ffmpeg,
      // The frame's buffer is the source's own, reused after this call: keep a copy.
      onFrame: (f) => finish({ ...f, rgb: f.rgb.slice() }),
      onError: (message) => { lastError = message; },
    });
    const timer = setTimeout(() => finish(null), o.timeoutMs ?? 10_000);
    const unwatch = runtime.watch(cameraId, source, 'main');
  });
}
