// All cameras of this node: start, update and stop their recorders; answer health and live
// subscriptions for the API. A camera's sub-stream, when it has one, is a second camera connection
// that is only live (never recorded) and only open while someone watches it (live analytics).
// While it is down its viewers get the main stream, and go back to it when it returns: analysis
// goes on, at a higher decoding cost, rather than stop.
import type { Logger } from 'pino';
import type { CameraRow } from '../store/index.ts';
import type { CameraRuntime, CameraStatus, LiveSink, StreamKind } from '../live/index.ts';
import type { LiveHub } from '../live/index.ts';
import { CameraRecorder, type CameraTarget, type RecorderOptions } from './camera-recorder.ts';

const DISABLED: CameraStatus = { state: 'disabled', lastFrameAt: null, fps: null, bitrateKbps: null, width: null, height: null, codec: null, error: null, reconnects: 0, audioDropped: false };

function noop(): void {}
async function nothing(): Promise<void> {}

export interface FleetOptions extends RecorderOptions {
  /** Opens a camera's encrypted password for connecting. */
  password: (row: CameraRow) => string | null;
  logger: Logger;
}

interface Viewer {
  stream: StreamKind;
  /** Leaves the hub the viewer is on now. */
  detach: () => void;
}

export class CameraFleet implements CameraRuntime {
  private readonly recorders = new Map<string, CameraRecorder>();
  /** Sub-stream connections open now (cameras with a sub-stream that someone watches). */
  private readonly subs = new Map<string, CameraRecorder>();
  /** Cameras whose sub-stream connection failed: their sub-stream viewers are on the main stream meanwhile. */
  private readonly subDown = new Set<string>();
  private readonly rows = new Map<string, CameraRow>();
  /** Cameras an operator switched off in this run (their next gap is theirs, not the recorder's). */
  private readonly disabled = new Set<string>();
  /** Live viewers per camera, with the stream each wants and how to detach it: they outlive a recorder (disable, enable). */
  private readonly viewers = new Map<string, Map<LiveSink, Viewer>>();
  private readonly opts: FleetOptions;
  /** The sub-stream's recorder options: live only, and its outages are not the camera's (no alarms, no gaps). */
  private readonly subOpts: RecorderOptions;
  constructor(opts: FleetOptions) {
    this.opts = opts;
    this.subOpts = {
      recordingsDir: opts.recordingsDir,
      segmentMs: opts.segmentMs,
      connect: opts.connect,
      onSegment: nothing,
      onOffline: (cameraId, reason) => this.subHealth(cameraId, false, reason),
      onOnline: (cameraId) => this.subHealth(cameraId, true, null),
      logger: opts.logger.child({ stream: 'sub' }),
      now: opts.now,
      lowLatency: true,
    };
  }

  private target(row: CameraRow): CameraTarget {
    return { id: row.id, url: row.url, username: row.username, password: this.opts.password(row), transport: row.transport, record: row.record };
  }

  upsert(row: CameraRow): void {
    const before = this.rows.get(row.id);
    this.rows.set(row.id, row);
    const existing = this.recorders.get(row.id);
    if (!row.enabled) {
      if (existing) {
        this.recorders.delete(row.id);
        this.disabled.add(row.id);
        this.stopSub(row.id);
        this.detachViewers(row.id);
        void existing.stop();
      }
      return;
    }
    if (existing) {
      existing.update(this.target(row));
      if (before?.subUrl !== row.subUrl) {
        this.stopSub(row.id);
        this.attachViewers(row.id, 'sub');
      } else this.subs.get(row.id)?.update({ ...this.target(row), url: row.subUrl!, record: false });
    } else {
      // Switched off by an operator since its last segment: that, not a recorder outage, is the gap's reason.
      const rec = new CameraRecorder(this.target(row), this.opts, this.disabled.delete(row.id) ? 'DISABLED' : undefined);
      this.recorders.set(row.id, rec);
      this.attachViewers(row.id, 'main');
      this.attachViewers(row.id, 'sub');
      rec.start();
    }
  }

  remove(cameraId: string): void {
    const rec = this.recorders.get(cameraId);
    this.recorders.delete(cameraId);
    this.rows.delete(cameraId);
    this.stopSub(cameraId);
    this.detachViewers(cameraId);
    void rec?.stop();
  }

  /** The hub a viewer of this stream belongs on now, opening the sub-stream when it is first wanted. */
  private hubFor(cameraId: string, stream: StreamKind): LiveHub | null {
    const main = this.recorders.get(cameraId);
    if (!main) return null;
    const subUrl = this.rows.get(cameraId)?.subUrl;
    if (stream === 'main' || !subUrl) return main.hub;
    let sub = this.subs.get(cameraId);
    if (!sub) {
      sub = new CameraRecorder({ ...this.target(this.rows.get(cameraId)!), url: subUrl, record: false }, this.subOpts);
      this.subs.set(cameraId, sub);
      sub.start();
    }
    return this.subDown.has(cameraId) ? main.hub : sub.hub;
  }

  /** The sub-stream went down or came back: move its viewers to the main stream or back. */
  private subHealth(cameraId: string, up: boolean, reason: string | null): void {
    if (!this.subs.has(cameraId) || up === !this.subDown.has(cameraId)) return;
    if (up) this.subDown.delete(cameraId);
    else this.subDown.add(cameraId);
    const log = this.opts.logger.child({ camera: cameraId });
    if (up) log.info('sub-stream back: its viewers leave the main stream');
    else log.warn({ reason }, 'sub-stream down: its viewers get the main stream meanwhile');
    this.attachViewers(cameraId, 'sub');
  }

  /** The state of a camera's sub-stream connection, for health and tests. */
  subStreamState(cameraId: string): 'none' | 'idle' | 'up' | 'down' {
    if (!this.rows.get(cameraId)?.subUrl || !this.recorders.has(cameraId)) return 'none';
    if (!this.subs.has(cameraId)) return 'idle';
    return this.subDown.has(cameraId) ? 'down' : 'up';
  }

  /** (Re)attach every viewer of one stream kind to the hub it belongs on now. */
  private attachViewers(cameraId: string, stream: StreamKind): void {
    for (const [sink, v] of this.viewers.get(cameraId) ?? []) {
      if (v.stream !== stream) continue;
      v.detach();
      const hub = this.hubFor(cameraId, stream);
      v.detach = hub ? hub.add(sink) : noop;
    }
  }

  private stopSub(cameraId: string): void {
    const sub = this.subs.get(cameraId);
    if (!sub) return;
    this.subs.delete(cameraId);
    this.subDown.delete(cameraId);
    void sub.stop();
  }

  /** The camera stops: its viewers leave the old hub (told so) and wait for the next one. */
  private detachViewers(cameraId: string): void {
    const sinks = this.viewers.get(cameraId);
    if (!sinks) return;
    for (const [sink, v] of sinks) {
      v.detach();
      v.detach = noop;
      sink.status('disabled', 'camera is disabled');
    }
  }

  status(cameraId: string): CameraStatus {
    const rec = this.recorders.get(cameraId);
    return rec ? { ...rec.status(), subStream: this.subStreamState(cameraId) } : DISABLED;
  }

  watch(cameraId: string, sink: LiveSink, stream: StreamKind = 'main'): () => void {
    let sinks = this.viewers.get(cameraId);
    if (!sinks) this.viewers.set(cameraId, (sinks = new Map()));
    const hub = this.hubFor(cameraId, stream);
    const v: Viewer = { stream, detach: hub ? hub.add(sink) : noop };
    sinks.set(sink, v);
    if (!hub) sink.status('disabled', 'camera is disabled');
    const mine = sinks;
    return () => {
      mine.get(sink)?.detach();
      mine.delete(sink);
      if (mine.size === 0 && this.viewers.get(cameraId) === mine) this.viewers.delete(cameraId);
      // Nobody watches the sub-stream any more: close that connection.
      if (stream === 'sub' && this.subs.has(cameraId) && ![...mine.values()].some((o) => o.stream === 'sub')) this.stopSub(cameraId);
    };
  }

  /** Sub-stream connections open now (for tests and health). */
  get openSubStreams(): number {
    return this.subs.size;
  }

  /** Segments being written now, one per recording camera: retention must not touch them. */
  openSegments(): { cameraId: string; startMs: number }[] {
    const out: { cameraId: string; startMs: number }[] = [];
    for (const [cameraId, rec] of this.recorders) {
      const startMs = rec.openSegmentStart;
      if (startMs !== null) out.push({ cameraId, startMs });
    }
    return out;
  }

  async stopAll(): Promise<void> {
    const all = [...this.recorders.values(), ...this.subs.values()];
    this.recorders.clear();
    this.subs.clear();
    await Promise.all(all.map((r) => r.stop()));
  }
}
