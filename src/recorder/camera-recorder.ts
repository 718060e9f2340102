// One camera's supervisor: connect, turn access units into fMP4 once, hand the fragments to the
// segment writer and the live hub, watch health, and reconnect with backoff when the camera drops.
import type { Logger } from 'pino';
import type { AccessUnit } from '../media/index.ts';
import { Fmp4Fragmenter, accessUnitBytes } from '../media/index.ts';
import type { CameraStatus } from '../live/index.ts';
import { LiveHub } from '../live/index.ts';
import { SegmentWriter } from './segment-writer.ts';
import { StreamHealth } from './stream-health.ts';
import { GapTracker } from './gap-tracker.ts';
import type { GapRow, SegmentRow } from '../store/index.ts';

export interface CameraTarget {
  id: string;
  url: string;
  username: string | null;
  password: string | null;
  transport: 'tcp' | 'udp';
  record: boolean;
}

export interface ConnectionHandlers {
  onAccessUnit(au: AccessUnit): void;
  /** The camera announced an audio track (dropped for now). */
  onAudio?(): void;
  /** The connection is dead; no more calls follow. */
  onError(err: Error & { code?: string }): void;
}

export interface CameraConnection {
  close(): void;
  /** Pictures of this connection lost before they reached the recorder (packet loss, waiting for a keyframe). */
  lostFrames?(): number;
}

export type Connector = (target: CameraTarget, handlers: ConnectionHandlers) => CameraConnection;

export interface RecorderOptions {
  recordingsDir: string;
  segmentMs: number;
  connect: Connector;
  /** Called once per closed segment. */
  onSegment: (seg: SegmentRow) => Promise<void>;
  /** A segment opened or grew (at least every second): index it so a crash loses no file. */
  onSegmentProgress?: (seg: SegmentRow) => void;
  /** Recording resumed after a hole. */
  onGap?: (gap: GapRow) => void;
  /** The recordings volume is full (once per episode per camera). */
  onDiskFull?: (cameraId: string, err: Error) => void;
  /** The camera was delivering video and stopped (once per outage, not per failed retry). */
  onOffline?: (cameraId: string, reason: string) => void;
  /** Video is back after an outage. */
  onOnline?: (cameraId: string) => void;
  /** Where the index says this camera's recording ended (an earlier run), for the restart gap. */
  lastRecordedEnd?: (cameraId: string) => Promise<number | null>;
  logger: Logger;
  now?: () => number;
  /** A live-only stream (a sub-stream): fragments go out as pictures arrive (see Fmp4FragmenterOptions.holdBack). */
  lowLatency?: boolean;
}

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** A connection that delivered video this long counts as good: the backoff starts over. */
const STABLE_MS = 10_000;
/** Re-anchor camera time to wall time when they drift further apart than this. */
const MAX_DRIFT_MS = 2000;

export class CameraRecorder {
  readonly hub = new LiveHub();
  private target: CameraTarget;
  private readonly opts: RecorderOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly health = new StreamHealth();
  private readonly gaps: GapTracker;
  /** Settles when the gap tracker knows where the previous run of the recorder stopped. */
  private readonly ready: Promise<unknown>;
  private conn: CameraConnection | null = null;
  private fragmenter: Fmp4Fragmenter | null = null;
  private writer: SegmentWriter | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = BACKOFF_MIN_MS;
  private connectedAt = 0;
  private anchor: { wallMs: number; dts: number } | null = null;
  private stopped = false;
  /** An offline report was made and no video has come since. */
  private wasOffline = false;
  private statusValue: CameraStatus = {
    state: 'connecting', lastFrameAt: null, fps: null, bitrateKbps: null, width: null, height: null, codec: null, error: null, reconnects: 0, audioDropped: false,
  };
  /** Pictures lost on earlier connections, and those the muxer refused. */
  private lostBefore = 0;

  /** `seedReason`: why this camera was not recorded since its last segment (default: the recorder was down). */
  constructor(target: CameraTarget, opts: RecorderOptions, seedReason?: string) {
    this.target = target;
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.log = opts.logger.child({ camera: target.id });
    this.gaps = new GapTracker(target.id);
    this.ready = opts.lastRecordedEnd
      ? opts.lastRecordedEnd(target.id).then(
          (end) => this.gaps.seed(end, seedReason),
          (err) => this.log.warn({ err: (err as Error).message }, 'could not read where recording stopped'),
        )
      : Promise.resolve();
  }

  /** Start of the segment being written, if any (retention must leave it alone). */
  get openSegmentStart(): number | null {
    return this.writer?.openSegmentStart ?? null;
  }

  get id(): string {
    return this.target.id;
  }

  status(): CameraStatus {
    const { fps, bitrateKbps } = this.health.rates(this.now());
    return {
      ...this.statusValue, fps: this.statusValue.state === 'online' ? fps : null, bitrateKbps: this.statusValue.state === 'online' ? bitrateKbps : null, lastFrameAt: this.health.lastFrameAt,
      lostFrames: this.lostBefore + (this.conn?.lostFrames?.() ?? 0),
    };
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** New settings: reconnect when anything about the connection changed. */
  update(target: CameraTarget): void {
    const same = JSON.stringify(target) === JSON.stringify(this.target);
    this.target = target;
    if (!same) {
      this.writer?.down('RECONFIGURED');
      void this.teardown().then(() => {
        if (!this.stopped) this.connect();
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.teardown();
    this.setState('disabled', null);
  }

  private connect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setState('connecting', this.statusValue.error);
    this.fragmenter = new Fmp4Fragmenter({ holdBack: !this.opts.lowLatency });
    this.anchor = null;
    this.writer = this.target.record
      ? new SegmentWriter({
          cameraId: this.target.id,
          root: this.opts.recordingsDir,
          segmentMs: this.opts.segmentMs,
          onSegment: (seg) => this.opts.onSegment(seg),
          onProgress: this.opts.onSegmentProgress,
          onGap: this.opts.onGap,
          onDiskFull: (err) => {
            this.log.error({ err: err.message }, 'recordings volume is full');
            this.opts.onDiskFull?.(this.target.id, err);
          },
          onError: (err) => this.log.error({ err: err.message }, 'recording write failed'),
          gaps: this.gaps,
          ready: this.ready,
          now: this.now,
        })
      : null;
    this.connectedAt = this.now();
    this.log.info({ url: this.target.url, transport: this.target.transport }, 'connecting');
    try {
      this.conn = this.opts.connect(this.target, {
        onAccessUnit: (au) => this.onAccessUnit(au),
        onAudio: () => {
          this.statusValue.audioDropped = true;
        },
        onError: (err) => this.onConnectionError(err),
      });
    } catch (err) {
      this.onConnectionError(err as Error);
    }
  }

  private onAccessUnit(au: AccessUnit): void {
    const now = this.now();
    this.health.frame(now, accessUnitBytes(au));
    if (this.statusValue.state !== 'online') {
      const afterOutage = this.wasOffline;
      this.wasOffline = false;
      this.setState('online', null);
      this.log.info('receiving video');
      if (afterOutage) this.opts.onOnline?.(this.target.id);
    }
    let outputs;
    try {
      outputs = this.fragmenter!.push(au);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'dropped a unit the muxer refused');
      this.lostBefore++;
      return;
    }
    for (const out of outputs) {
      if (out.kind === 'init') {
        const cfg = out.config;
        this.statusValue.width = cfg.width;
        this.statusValue.height = cfg.height;
        this.statusValue.codec = cfg.codecString;
        this.hub.setInit(`video/mp4; codecs="${cfg.codecString}"`, out.data);
        this.writer?.setInit(out.data);
      } else {
        // The fragment's bytes stay in pieces (views of the camera's packets) until the segment
        // writer copies them into its write batch; the hub joins them only for a live viewer.
        const startMs = this.wallTime(out.dts, now);
        this.hub.fragment(out, out.keyframe, startMs);
        this.writer?.write(out.parts, out.keyframe, startMs, out.duration / 90);
      }
    }
  }

  /** Wall-clock time of a 90 kHz decode timestamp: anchored at the first unit, re-anchored on drift. */
  private wallTime(dts: number, now: number): number {
    let wall = this.anchor ? this.anchor.wallMs + (dts - this.anchor.dts) / 90 : NaN;
    if (!this.anchor || Math.abs(wall - now) > MAX_DRIFT_MS) {
      this.anchor = { wallMs: now, dts };
      wall = now;
    }
    return Math.round(wall);
  }

  private onConnectionError(err: Error & { code?: string }): void {
    if (this.stopped) return;
    const message = `${err.code ?? 'ERROR'}: ${err.message}`;
    this.log.warn({ code: err.code, err: err.message }, 'camera connection lost');
    const wasStable = this.statusValue.state === 'online' && this.now() - this.connectedAt > STABLE_MS;
    this.writer?.down(err.code ?? 'CONNECTION_LOST');
    void this.teardown();
    this.setState('offline', message);
    if (!this.wasOffline) {
      this.wasOffline = true;
      this.opts.onOffline?.(this.target.id, message);
    }
    this.statusValue.reconnects++;
    this.backoffMs = wasStable ? BACKOFF_MIN_MS : Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    const delay = wasStable ? BACKOFF_MIN_MS : this.backoffMs;
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4));
    this.retryTimer.unref?.();
  }

  private async teardown(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const conn = this.conn;
    this.conn = null;
    this.lostBefore += conn?.lostFrames?.() ?? 0;
    try {
      conn?.close();
    } catch {
      /* already gone */
    }
    const frag = this.fragmenter;
    const writer = this.writer;
    this.fragmenter = null;
    this.writer = null;
    if (frag && writer) {
      for (const out of frag.flush()) {
        if (out.kind === 'fragment') writer.write(out.parts, out.keyframe, this.wallTime(out.dts, this.now()), out.duration / 90);
      }
    }
    this.health.reset();
    await writer?.close();
  }

  private setState(state: CameraStatus['state'], error: string | null): void {
    this.statusValue.state = state;
    this.statusValue.error = error;
    this.hub.setState(state, error);
  }
}
