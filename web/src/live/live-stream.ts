import { frameWallMs, parseLiveControlMessage, reconnectDelayMs } from './protocol.ts';
import { SourceBufferQueue } from './source-buffer-queue.ts';

// Plays a camera's live fMP4 stream (MSE over WebSocket) in a <video>, staying near the live edge.

export type LiveState =
  | { kind: 'connecting' }
  | { kind: 'waiting' }
  | { kind: 'playing' }
  /** The server says the camera itself is not delivering (`state`: connecting, offline, disabled). */
  | { kind: 'offline'; state: string; message: string }
  | { kind: 'reconnecting'; inMs: number }
  | { kind: 'unsupported'; mime: string }
  | { kind: 'error'; message: string };

export interface LiveStats {
  /** Seconds between the newest buffered frame and the frame on screen: the browser's share of the delay. */
  latencySec: number | null;
  bufferedSec: number;
  currentTime: number;
  /** When the frame on screen was taken (the server's clock messages), or null before the first. */
  frameWallMs: number | null;
  bytesReceived: number;
  fragmentsReceived: number;
}

export interface LiveStreamListener {
  onState?: (state: LiveState) => void;
  onStats?: (stats: LiveStats) => void;
}

const MAX_LAG_SEC = 1.5;
const EDGE_OFFSET_SEC = 0.2;
const KEEP_BEHIND_SEC = 10;
const TRIM_SLACK_SEC = 5;
const TICK_MS = 250;
// Ten seconds of 25 fps fragments that the SourceBuffer could not take in: the view is stale, start over.
const MAX_PENDING_OPERATIONS = 250;

export class LiveStream {
  private readonly video: HTMLVideoElement;
  private readonly url: string;
  private readonly listener: LiveStreamListener;
  private socket: WebSocket | null = null;
  private mediaSource: MediaSource | null = null;
  private objectUrl: string | null = null;
  private queue: SourceBufferQueue | null = null;
  private hasInit = false;
  private started = false;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private state: LiveState = { kind: 'connecting' };
  private bytesReceived = 0;
  private fragmentsReceived = 0;
  /** The keyframes' clocks still in the buffer (a few GOPs). */
  private clocks: { wallMs: number; mediaSec: number }[] = [];

  constructor(video: HTMLVideoElement, url: string, listener: LiveStreamListener = {}) {
    this.video = video;
    this.url = url;
    this.listener = listener;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.video.muted = true; // autoplay needs muted, and Vigil carries no audio anyway
    this.video.addEventListener('error', this.onVideoError);
    this.video.addEventListener('timeupdate', this.onTimeUpdate);
    this.tickTimer = setInterval(this.tick, TICK_MS);
    this.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.reconnectTimer = null;
    this.tickTimer = null;
    this.video.removeEventListener('error', this.onVideoError);
    this.video.removeEventListener('timeupdate', this.onTimeUpdate);
    this.closeSocket();
    this.teardownMedia();
  }

  private setState(state: LiveState): void {
    if (JSON.stringify(state) === JSON.stringify(this.state)) return;
    this.state = state;
    this.listener.onState?.(state);
  }

  private connect(): void {
    this.setState({ kind: 'connecting' });
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => this.setState({ kind: 'waiting' });
    socket.onmessage = (event: MessageEvent) => this.onMessage(event.data);
    socket.onclose = () => this.onSocketClosed();
    // An error is always followed by close; reconnecting is handled there.
    socket.onerror = () => {};
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(1000);
  }

  private onSocketClosed(): void {
    this.socket = null;
    this.teardownMedia();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = reconnectDelayMs(this.attempt);
    this.attempt += 1;
    if (this.state.kind !== 'offline' && this.state.kind !== 'unsupported') this.setState({ kind: 'reconnecting', inMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  /** Drops the socket and the media, then reconnects: the server restarts us at a keyframe. */
  private restart(): void {
    this.closeSocket();
    this.teardownMedia();
    this.scheduleReconnect();
  }

  private onMessage(data: unknown): void {
    if (typeof data === 'string') {
      const message = parseLiveControlMessage(data);
      if (message?.type === 'init') this.setupMedia(message.mime);
      else if (message?.type === 'clock') {
        this.clocks.push({ wallMs: message.wallMs, mediaSec: message.mediaSec });
        if (this.clocks.length > 16) this.clocks.splice(0, this.clocks.length - 16);
      }
      else if (message?.type === 'status') {
        if (message.state !== 'online') this.setState({ kind: 'offline', state: message.state, message: message.message });
        else if (this.state.kind === 'offline') this.setState({ kind: 'waiting' });
      }
      return;
    }
    if (!(data instanceof ArrayBuffer) || !this.queue) return;
    this.bytesReceived += data.byteLength;
    if (this.hasInit) this.fragmentsReceived += 1;
    this.hasInit = true;
    this.queue.append(data);
    if (this.queue.pending > MAX_PENDING_OPERATIONS) this.restart();
  }

  /** A new stream configuration: a fresh MediaSource and SourceBuffer; the next binary message is its init segment. */
  private setupMedia(mime: string): void {
    this.teardownMedia();
    if (typeof MediaSource === 'undefined' || !MediaSource.isTypeSupported(mime)) {
      this.setState({ kind: 'unsupported', mime });
      this.stopped = true; // retrying cannot help this browser
      this.closeSocket();
      return;
    }
    const mediaSource = new MediaSource();
    const queue = new SourceBufferQueue({
      evictBefore: () => this.video.currentTime - 2,
      onError: (error) => this.fail(error),
    });
    this.mediaSource = mediaSource;
    this.queue = queue;
    this.hasInit = false;
    this.started = false;
    mediaSource.addEventListener('sourceopen', () => {
      if (this.mediaSource !== mediaSource) return;
      try {
        const buffer = mediaSource.addSourceBuffer(mime);
        buffer.mode = 'segments';
        queue.attach(buffer);
      } catch (error) {
        this.fail(error);
      }
    }, { once: true });
    this.objectUrl = URL.createObjectURL(mediaSource);
    this.video.src = this.objectUrl;
    if (this.state.kind === 'offline' || this.state.kind === 'error') this.setState({ kind: 'waiting' });
  }

  private teardownMedia(): void {
    this.queue?.detach();
    this.queue = null;
    const mediaSource = this.mediaSource;
    this.mediaSource = null;
    if (mediaSource && mediaSource.readyState === 'open') {
      try {
        mediaSource.endOfStream();
      } catch {
        // Already ending or a buffer still updating: the element reset below releases it anyway.
      }
    }
    if (this.objectUrl) {
      this.video.removeAttribute('src');
      this.video.load();
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
    this.hasInit = false;
    this.started = false;
    this.clocks = [];
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.setState({ kind: 'error', message });
    this.restart();
  }

  private readonly onVideoError = (): void => {
    if (!this.objectUrl) return; // the reset in teardownMedia, not a decode failure
    this.fail(new Error(this.video.error?.message || `media error ${this.video.error?.code ?? ''}`));
  };

  private readonly tick = (): void => {
    const video = this.video;
    const buffered = video.buffered;
    if (!this.queue || buffered.length === 0) {
      this.emitStats(null, 0);
      return;
    }
    const last = buffered.length - 1;
    const start = buffered.start(last);
    const end = buffered.end(last);
    const liveEdge = Math.max(start, end - EDGE_OFFSET_SEC);
    if (!this.started) {
      this.started = true;
      video.currentTime = liveEdge;
      this.play();
    } else if (video.currentTime < start || end - video.currentTime > MAX_LAG_SEC) {
      // Behind (a stall, a hidden tab) or stranded in an older range: jump, never play catch-up.
      video.currentTime = liveEdge;
    }
    if (video.paused) this.play();
    if (video.currentTime - buffered.start(0) > KEEP_BEHIND_SEC + TRIM_SLACK_SEC) {
      this.queue.remove(buffered.start(0), video.currentTime - KEEP_BEHIND_SEC);
    }
    this.onTimeUpdate();
    this.emitStats(Math.max(0, end - video.currentTime), end - buffered.start(0));
  };

  /** Frames are reaching the screen: say so at once, not on the next tick. */
  private readonly onTimeUpdate = (): void => {
    if (!this.queue || this.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || this.video.currentTime <= 0) return;
    if (this.state.kind === 'offline' || this.state.kind === 'playing') return;
    this.attempt = 0;
    this.setState({ kind: 'playing' });
  };

  private play(): void {
    this.video.play().catch(() => {
      // Autoplay refused or interrupted by a seek; the next tick tries again.
    });
  }

  private emitStats(latencySec: number | null, bufferedSec: number): void {
    this.listener.onStats?.({
      latencySec,
      bufferedSec,
      currentTime: this.video.currentTime,
      frameWallMs: frameWallMs(this.clocks, this.video.currentTime),
      bytesReceived: this.bytesReceived,
      fragmentsReceived: this.fragmentsReceived,
    });
  }
}
