// A recording node's health reports: every interval, the state of each camera it holds (state,
// frame rate, bit rate, picture, reconnects, last frame, error) in one batched write to the shared
// store, so the api processes know the state of cameras recorded elsewhere (health-board.ts).
// A failed write is logged and the next round writes the newest state anyway: a report is a
// snapshot, nothing to catch up. Each camera's history gets a sample of its report on every
// change of state and every HISTORY_EVERY_MS otherwise (issue 15).
import type { Logger } from 'pino';
import type { CameraHealthRow, CameraHealthSample, Store } from '../store/index.ts';
import type { CameraStatus } from '../live/index.ts';

export const HEALTH_INTERVAL_MS = 10_000;
/** A camera whose state holds gets a sample in its history this often (about 100 a day). */
export const HISTORY_EVERY_MS = 15 * 60_000;

export interface HealthReporterOptions {
  nodeId: string;
  store: Pick<Store, 'putCameraHealth' | 'addCameraHealthSamples'>;
  /** The cameras this node records now. */
  held: () => string[];
  status: (cameraId: string) => CameraStatus;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
}

/** A report row from a recorder's status (stateSince is kept by the store while the state holds). */
export function healthRow(nodeId: string, cameraId: string, s: CameraStatus, now: number): CameraHealthRow {
  return {
    cameraId, nodeId, state: s.state, stateSince: now, fps: s.fps, bitrateKbps: s.bitrateKbps, width: s.width, height: s.height,
    codec: s.codec, reconnects: s.reconnects, lastFrameAt: s.lastFrameAt, error: s.error, reportedAt: now, lostFrames: s.lostFrames ?? null,
  };
}

export class HealthReporter {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;
  /** Each held camera's last sample in the history: when, and in which state. */
  private readonly sampled = new Map<string, { at: number; state: CameraHealthRow['state'] }>();

  private readonly o: HealthReporterOptions;

  constructor(o: HealthReporterOptions) {
    this.o = o;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.report(), this.o.intervalMs ?? HEALTH_INTERVAL_MS);
    this.timer.unref();
  }

  /** One report of every held camera; a report still being written is not overlapped. */
  report(): Promise<void> {
    if (this.running) return this.running;
    const now = (this.o.now ?? Date.now)();
    const rows = this.o.held().map((id) => healthRow(this.o.nodeId, id, this.o.status(id), now));
    this.running = (rows.length ? this.o.store.putCameraHealth(rows) : Promise.resolve(0)).then(
      async () => {
        await this.sample(rows, now);
        if (this.failing) this.o.logger.info({ cameras: rows.length }, 'camera health reports written again');
        this.failing = false;
      },
      (err: Error) => {
        if (!this.failing) this.o.logger.warn({ err: err.message, cameras: rows.length }, 'camera health report not written; retrying every interval');
        this.failing = true;
      },
    ).finally(() => { this.running = null; });
    return this.running;
  }

  /** The history's samples of this report: a camera new here, changed state, or not sampled for HISTORY_EVERY_MS. */
  private async sample(rows: CameraHealthRow[], now: number): Promise<void> {
    const due: CameraHealthSample[] = [];
    for (const r of rows) {
      const last = this.sampled.get(r.cameraId);
      if (last && last.state === r.state && now - last.at < HISTORY_EVERY_MS) continue;
      due.push({ cameraId: r.cameraId, at: now, nodeId: r.nodeId, state: r.state, fps: r.fps, bitrateKbps: r.bitrateKbps, reconnects: r.reconnects, lostFrames: r.lostFrames, error: r.error });
    }
    if (due.length) await this.o.store.addCameraHealthSamples(due);
    for (const s of due) this.sampled.set(s.cameraId, { at: s.at, state: s.state });
    // cameras handed to another node: their next sample is that node's
    if (this.sampled.size > rows.length) {
      const held = new Set(rows.map((r) => r.cameraId));
      for (const id of this.sampled.keys()) if (!held.has(id)) this.sampled.delete(id);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
