// Batches index writes of growing segments: hundreds of cameras each reporting once a second
// would be hundreds of commits a second; here they become one transaction per flush.
import type { SegmentRow, Store } from '../store/index.ts';

export class SegmentIndexQueue {
  private readonly store: Pick<Store, 'putSegments'>;
  private readonly flushMs: number;
  private readonly onError: (err: Error) => void;
  private pending = new Map<string, SegmentRow>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(store: Pick<Store, 'putSegments'>, onError: (err: Error) => void, flushMs = 500) {
    this.store = store;
    this.onError = onError;
    this.flushMs = flushMs;
  }

  /** Latest state of a segment wins; written within flushMs. */
  put(seg: SegmentRow): void {
    this.pending.set(`${seg.cameraId}\u0000${seg.startMs}`, seg);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref?.();
    }
  }

  /** Writes everything pending now; resolves when it is committed (or reported failed). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.putSegments(batch);
      } catch (err) {
        this.onError(err as Error);
      }
    });
    return this.flushing;
  }
}
