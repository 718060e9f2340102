// All cameras of this node: start, update and stop their recorders; answer health and live
// subscriptions for the API.
import type { Logger } from 'pino';
import type { CameraRow } from '../store/types.ts';
import type { CameraRuntime, CameraStatus, LiveSink } from '../live/types.ts';
import { CameraRecorder, type CameraTarget, type RecorderOptions } from './camera-recorder.ts';

const DISABLED: CameraStatus = { state: 'disabled', lastFrameAt: null, fps: null, bitrateKbps: null, width: null, height: null, codec: null, error: null, reconnects: 0, audioDropped: false };

function noop(): void {}

export interface FleetOptions extends RecorderOptions {
  /** Opens a camera's encrypted password for connecting. */
  password: (row: CameraRow) => string | null;
  logger: Logger;
}

export class CameraFleet implements CameraRuntime {
  private readonly recorders = new Map<string, CameraRecorder>();
  /** Cameras an operator switched off in this run (their next gap is theirs, not the recorder's). */
  private readonly disabled = new Set<string>();
  /** Live viewers per camera, with how to detach each from the hub it is on: they outlive a recorder (disable, enable). */
  private readonly viewers = new Map<string, Map<LiveSink, () => void>>();
  private readonly opts: FleetOptions;
  constructor(opts: FleetOptions) {
    this.opts = opts;
  }

  private target(row: CameraRow): CameraTarget {
    return { id: row.id, url: row.url, username: row.username, password: this.opts.password(row), transport: row.transport, record: row.record };
  }

  upsert(row: CameraRow): void {
    const existing = this.recorders.get(row.id);
    if (!row.enabled) {
      if (existing) {
        this.recorders.delete(row.id);
        this.disabled.add(row.id);
        this.detachViewers(row.id);
        void existing.stop();
      }
      return;
    }
    if (existing) existing.update(this.target(row));
    else {
      // Switched off by an operator since its last segment: that, not a recorder outage, is the gap's reason.
      const rec = new CameraRecorder(this.target(row), this.opts, this.disabled.delete(row.id) ? 'DISABLED' : undefined);
      this.recorders.set(row.id, rec);
      const sinks = this.viewers.get(row.id);
      for (const sink of sinks?.keys() ?? []) sinks!.set(sink, rec.hub.add(sink));
      rec.start();
    }
  }

  remove(cameraId: string): void {
    const rec = this.recorders.get(cameraId);
    this.recorders.delete(cameraId);
    this.detachViewers(cameraId);
    void rec?.stop();
  }

  /** The camera stops: its viewers leave the old hub (told so) and wait for the next one. */
  private detachViewers(cameraId: string): void {
    const sinks = this.viewers.get(cameraId);
    if (!sinks) return;
    for (const [sink, detach] of sinks) {
      detach();
      sinks.set(sink, noop);
      sink.status('disabled', 'camera is disabled');
    }
  }

  status(cameraId: string): CameraStatus {
    return this.recorders.get(cameraId)?.status() ?? DISABLED;
  }

  watch(cameraId: string, sink: LiveSink): () => void {
    let sinks = this.viewers.get(cameraId);
    if (!sinks) this.viewers.set(cameraId, (sinks = new Map()));
    const rec = this.recorders.get(cameraId);
    if (rec) sinks.set(sink, rec.hub.add(sink));
    else {
      sinks.set(sink, noop);
      sink.status('disabled', 'camera is disabled');
    }
    const mine = sinks;
    return () => {
      mine.get(sink)?.();
      mine.delete(sink);
      if (mine.size === 0 && this.viewers.get(cameraId) === mine) this.viewers.delete(cameraId);
    };
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
    const all = [...this.recorders.values()];
    this.recorders.clear();
    await Promise.all(all.map((r) => r.stop()));
  }
}
