// Plays a recorded range through Media Source Extensions: one HTTP request per seek
// (GET /api/cameras/:id/playback), the body appended to a SourceBuffer as it arrives, reading paused
// while more than a minute is buffered ahead (TCP back-pressure reaches the server).
import { apiErrorOf } from '../api/client.ts';
import { SourceBufferQueue } from '../live/source-buffer-queue.ts';
import { purposeParams } from '../privacy/privacy-api.ts';
// The server's own pure timeline arithmetic (no I/O), so the two cannot drift apart.
import { mediaTimeAt, parseTimelinePoints, wallTimeAt, type TimelinePoint } from '../../../src/playback/timeline.ts';

export type PlaybackState =
  | { kind: 'loading' }
  | { kind: 'playing' }
  | { kind: 'ended' }
  | { kind: 'empty' }
  | { kind: 'unsupported'; mime: string }
  /** An ApiError or a media failure, put into words when shown (web/src/api/error-text.ts). */
  | { kind: 'error'; error: unknown }
  /** The operator declined to give a purpose. */
  | { kind: 'cancelled' }
  /** Looking this far back needs a purpose (the server said PURPOSE_REQUIRED). */
  | { kind: 'purpose' };

export interface PlaybackCallbacks {
  onState(state: PlaybackState): void;
  /** Wall-clock time shown, as the video plays. */
  onPosition(wallMs: number): void;
}

const AHEAD_LIMIT_SEC = 60;
const KEEP_BEHIND_SEC = 20;

export class RecordedPlayback {
  private readonly video: HTMLVideoElement;
  private readonly callbacks: PlaybackCallbacks;
  private abort: AbortController | null = null;
  private points: TimelinePoint[] = [];
  private objectUrl: string | null = null;
  private queue: SourceBufferQueue | null = null;

  constructor(video: HTMLVideoElement, callbacks: PlaybackCallbacks) {
    this.video = video;
    this.callbacks = callbacks;
    video.addEventListener('timeupdate', this.onTimeUpdate);
  }

  /** Plays [fromMs, toMs) of the camera's recordings, starting exactly at fromMs. */
  async play(cameraId: string, fromMs: number, toMs: number): Promise<void> {
    this.teardown();
    const abort = new AbortController();
    this.abort = abort;
    this.callbacks.onState({ kind: 'loading' });
    try {
      const query = new URLSearchParams({ from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)), ...purposeParams() });
      const response = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/playback?${query}`, { credentials: 'same-origin', signal: abort.signal });
      if (response.status === 404) return this.callbacks.onState({ kind: 'empty' });
      if (response.status === 428) return this.callbacks.onState({ kind: 'purpose' });
      if (!response.ok || !response.body) {
        return this.callbacks.onState({ kind: 'error', error: apiErrorOf(response, await response.json().catch(() => null)) });
      }
      const mime = response.headers.get('x-vigil-mime') ?? 'video/mp4';
      if (!('MediaSource' in window) || !MediaSource.isTypeSupported(mime)) return this.callbacks.onState({ kind: 'unsupported', mime });
      this.points = parseTimelinePoints(response.headers.get('x-vigil-timeline'));
      const source = new MediaSource();
      this.objectUrl = URL.createObjectURL(source);
      this.video.src = this.objectUrl;
      await new Promise<void>((resolve) => source.addEventListener('sourceopen', () => resolve(), { once: true }));
      if (abort.signal.aborted) return;
      const queue = new SourceBufferQueue({
        evictBefore: () => Math.max(0, this.video.currentTime - KEEP_BEHIND_SEC),
        onError: (error) => this.callbacks.onState({ kind: 'error', error }),
      });
      this.queue = queue;
      queue.attach(source.addSourceBuffer(mime));
      const startAt = mediaTimeAt(this.points, fromMs) / 1000;
      let started = false;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (abort.signal.aborted) return;
        if (done) break;
        queue.append(value.slice().buffer);
        if (!started && this.bufferedEnd() > startAt) {
          started = true;
          // The stream starts on the keyframe before fromMs: seek forward to the asked second.
          this.video.currentTime = startAt;
          void this.video.play().catch(() => undefined);
          this.callbacks.onState({ kind: 'playing' });
        }
        while (!abort.signal.aborted && (queue.pending > 8 || this.bufferedEnd() - this.video.currentTime > AHEAD_LIMIT_SEC)) {
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      // The last append may still be in flight (pending counts queued ones only): endOfStream() while
      // a SourceBuffer is updating throws, which ended short ranges (an alarm's last minute) in an error.
      while (!abort.signal.aborted && !queue.idle) await new Promise((resolve) => setTimeout(resolve, 50));
      if (abort.signal.aborted) return;
      if (source.readyState === 'open') source.endOfStream();
      if (!started) {
        started = true;
        this.video.currentTime = Math.min(startAt, this.bufferedEnd());
        void this.video.play().catch(() => undefined);
        this.callbacks.onState({ kind: 'playing' });
      }
      this.video.addEventListener('ended', () => this.callbacks.onState({ kind: 'ended' }), { once: true });
    } catch (error) {
      if (abort.signal.aborted) return;
      this.callbacks.onState({ kind: 'error', error });
    }
  }

  /** The wall-clock time of the frame on screen, or null before the stream's timeline is known. */
  wallNow(): number | null {
    return this.points.length > 0 ? wallTimeAt(this.points, this.video.currentTime * 1000) : null;
  }

  /**
   * Shows the frame of `wallMs` when it is already buffered (a synchronised follower keeping up);
   * false when it is not, and the caller should ask for a new range.
   */
  seekWall(wallMs: number): boolean {
    if (this.points.length === 0) return false;
    const at = mediaTimeAt(this.points, wallMs) / 1000;
    const b = this.video.buffered;
    for (let i = 0; i < b.length; i++) {
      if (at >= b.start(i) && at <= b.end(i) - 0.05) {
        this.video.currentTime = at;
        return true;
      }
    }
    return false;
  }

  stop(): void {
    this.teardown();
    this.video.removeEventListener('timeupdate', this.onTimeUpdate);
  }

  private bufferedEnd(): number {
    const b = this.video.buffered;
    return b.length > 0 ? b.end(b.length - 1) : 0;
  }

  private readonly onTimeUpdate = (): void => {
    if (this.points.length > 0) this.callbacks.onPosition(wallTimeAt(this.points, this.video.currentTime * 1000));
  };

  private teardown(): void {
    this.abort?.abort();
    this.abort = null;
    this.queue?.detach();
    this.queue = null;
    this.video.removeAttribute('src');
    this.video.load();
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
    this.points = [];
  }
}
