// All cameras of this node: start, update and stop their recorders; answer health and live
// subscriptions for the API.
import type { Logger } from 'pino';
import type { CameraRow } from '../store/types.ts';
import type { CameraRuntime, CameraStatus, LiveSink } from '../live/types.ts';
import { CameraRecorder, type CameraTarget, type RecorderOptions } from './camera-recorder.ts';

const DISABLED: CameraStatus = { state: 'disabled', lastFrameAt: null, fps: null, bitrateKbps: null, width: null, height: null, codec: null, error: null, reconnects: 0, audioDropped: false };

export interface FleetOptions extends RecorderOptions {
  /** Opens a camera's encrypted password for connecting. */
  password: (row: CameraRow) => string | null;
  logger: Logger;
}

export class CameraFleet implements CameraRuntime {
  private readonly recorders = new Map<string, CameraRecorder>();
  /** Cameras an operator switched off in this run (their next gap is theirs, not the recorder's). */
  private readonly disabled = new Set<string>();
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
        void existing.stop();
      }
      return;
    }
    if (existing) existing.update(this.target(row));
    else {
      // Switched off by an operator since its last segment: that, not a recorder outage, is the gap's reason.
      const rec = new CameraRecorder(this.target(row), this.opts, this.disabled.delete(row.id) ? 'DISABLED' : undefined);
      this.recorders.set(row.id, rec);
      rec.start();
    }
  }

  remove(cameraId: string): void {
    const rec = this.recorders.get(cameraId);
    this.recorders.delete(cameraId);
    void rec?.stop();
  }

  status(cameraId: string): CameraStatus {
    return this.recorders.get(cameraId)?.status() ?? DISABLED;
  }

  watch(cameraId: string, sink: LiveSink): () => void {
    const rec = this.recorders.get(cameraId);
    if (!rec) {
      sink.status('disabled', 'camera is disabled');
      return () => undefined;
    }
    return rec.hub.add(sink);
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
