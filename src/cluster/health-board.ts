// What an api process knows of the cameras other nodes record: the newest health report of every
// camera (health-reporter.ts), read from the store in pages every interval and held in memory, so
// the camera list, the map's red clusters and /metrics show every camera of the city, not only
// those this process records. A camera this process records answers from its own recorder.
import type { Logger } from 'pino';
import type { CameraHealthRow, Store } from '../store/index.ts';
import type { CameraRuntime, CameraStatus, LiveSink, StreamKind } from '../live/index.ts';
import { HEALTH_INTERVAL_MS } from './health-reporter.ts';

const PAGE = 10_000;
/** Reports missed before a camera's state is no longer believed (its node went silent). */
const STALE_REPORTS = 3;

export interface HealthBoardOptions {
  store: Pick<Store, 'listCameraHealth'>;
  /** This process's recorders. */
  local: CameraRuntime;
  /** This process records the camera now. */
  isLocal: (cameraId: string) => boolean;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
}

export function statusFromHealth(h: CameraHealthRow, now: number, intervalMs: number): CameraStatus {
  const stale = now - h.reportedAt > STALE_REPORTS * intervalMs;
  return {
    state: stale ? 'offline' : h.state,
    lastFrameAt: h.lastFrameAt,
    fps: stale ? null : h.fps,
    bitrateKbps: stale ? null : h.bitrateKbps,
    width: h.width,
    height: h.height,
    codec: h.codec,
    error: stale ? `no health report from node ${h.nodeId} since ${new Date(h.reportedAt).toISOString()}` : h.error,
    reconnects: h.reconnects,
    audioDropped: false,
    ...(h.lostFrames === null ? {} : { lostFrames: h.lostFrames }),
  };
}

export class HealthBoard implements CameraRuntime {
  private byCamera = new Map<string, CameraHealthRow>();
  private timer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private readonly intervalMs: number;

  private readonly o: HealthBoardOptions;

  constructor(o: HealthBoardOptions) {
    this.o = o;
    this.intervalMs = o.intervalMs ?? HEALTH_INTERVAL_MS;
  }

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  /** Reads every camera's newest report again (pages of 10,000 by camera id). */
  refresh(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      const next = new Map<string, CameraHealthRow>();
      let afterId: string | undefined;
      for (;;) {
        const page = await this.o.store.listCameraHealth({ afterId, limit: PAGE });
        for (const h of page) next.set(h.cameraId, h);
        if (page.length < PAGE) break;
        afterId = page[page.length - 1]!.cameraId;
      }
      this.byCamera = next;
    })().catch((err: Error) => {
      this.o.logger.warn({ err: err.message }, 'camera health not read; keeping the last known');
    }).finally(() => { this.loading = null; });
    return this.loading;
  }

  /** The newest report of a camera (null: no node has reported it). */
  health(cameraId: string): CameraHealthRow | null {
    return this.byCamera.get(cameraId) ?? null;
  }

  status(cameraId: string): CameraStatus {
    if (this.o.isLocal(cameraId)) return this.o.local.status(cameraId);
    const h = this.byCamera.get(cameraId);
    return h ? statusFromHealth(h, (this.o.now ?? Date.now)(), this.intervalMs) : this.o.local.status(cameraId);
  }

  watch(cameraId: string, sink: LiveSink, stream?: StreamKind): () => void {
    return this.o.local.watch(cameraId, sink, stream);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
