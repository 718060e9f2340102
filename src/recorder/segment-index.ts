// Batches index writes of growing segments: hundreds of cameras each reporting once a second
// would be hundreds of commits a second; here they become one transaction per flush.
import type { SegmentRow, Store } from '../store/index.ts';

export class SegmentIndexQueue {
  private readonly store: Pick<Store, 'putSegments'>;
  private readonly flushMs: number;
  private readonly onError: (err: Error) => void;
  private pending = new Map<string, SegmentRow>();
  /** The last state put of each segment not yet written: only that one may be retried. */
  private latest = new Map<string, SegmentRow>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(store: Pick<Store, 'putSegments'>, onError: (err: Error) => void, flushMs = 500) {
    this.store = store;
    this.onError = onError;
    this.flushMs = flushMs;
  }

  /** Latest state of a segment wins; written within flushMs. */
  put(seg: SegmentRow): void {
    const key = `${seg.cameraId}\u0000${seg.startMs}`;
    this.pending.set(key, seg);
    this.latest.set(key, seg);
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
        this.failures = 0;
        for (const seg of batch) {
          const key = `${seg.cameraId}\u0000${seg.startMs}`;
          if (this.latest.get(key) === seg) this.latest.delete(key);
        }
      } catch (err) {
        this.onError(err as Error);
        // Kept and tried again (the database away, or an edge node's link to it cut): the files
        // are on disk, and the index learns of them when the store answers again. A newer state
        // of the same segment put meanwhile wins, even one already taken by the next flush: a
        // stale state retried after it would move the segment's end back.
        for (const seg of batch) {
          const key = `${seg.cameraId}\u0000${seg.startMs}`;
          if (this.latest.get(key) === seg && !this.pending.has(key)) this.pending.set(key, seg);
        }
        this.failures++;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.flush(), Math.min(30_000, this.flushMs * 2 ** Math.min(this.failures, 6)));
        this.timer.unref?.();
      }
    });
    return this.flushing;
  }

  /** Stops retrying (at shutdown, after the last flush): what is still pending is found again by the next start's recovery. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = new Map();
    this.latest = new Map();
  }
}
