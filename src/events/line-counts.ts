// Counts are statistics, not alarms to handle: they are summed in memory per key (camera, line or
// lane, minute, class, …) and written in batches, so a busy line costs one upsert per minute and
// class, not one per person. Line crossings and traffic counts (issue 14) share the batching.
import type { Logger } from 'pino';
import type { LineCountRow, Store, TrafficCountRow } from '../store/index.ts';

/** Rows with a count `n`, summed per key until written by `write`; failed writes are kept for the next try. */
export class CountBuffer<R extends { n: number }> {
  private readonly counts = new Map<string, R>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly key: (r: R) => string;
  private readonly write: (rows: R[]) => Promise<void>;
  private readonly logger: Logger;
  private readonly what: string;

  constructor(o: { key: (r: R) => string; write: (rows: R[]) => Promise<void>; logger: Logger; what: string; flushMs?: number }) {
    this.key = o.key;
    this.write = o.write;
    this.logger = o.logger;
    this.what = o.what;
    this.timer = setInterval(() => void this.flush(), o.flushMs ?? 5000);
    this.timer.unref();
  }

  addRow(row: R): void {
    const k = this.key(row);
    const had = this.counts.get(k);
    if (had) had.n += row.n;
    else this.counts.set(k, { ...row });
  }

  /** Writes the counts gathered since the last flush; on failure keeps them for the next try. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.counts.size === 0) return;
      const rows = [...this.counts.values()];
      this.counts.clear();
      try {
        await this.write(rows);
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, `${this.what} write failed`);
        for (const r of rows) this.addRow(r);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

export class LineCountBuffer extends CountBuffer<LineCountRow> {
  constructor(store: Pick<Store, 'addLineCounts'>, logger: Logger, flushMs = 5000) {
    super({ key: (r) => `${r.cameraId}\u0000${r.line}\u0000${r.minuteMs}\u0000${r.cls}\u0000${r.direction}`, write: (rows) => store.addLineCounts(rows), logger, what: 'line count', flushMs });
  }

  add(cameraId: string, line: string, at: number, cls: string, direction: 'positive' | 'negative', n = 1): void {
    this.addRow({ cameraId, line, minuteMs: Math.floor(at / 60000) * 60000, cls, direction, n });
  }
}

/** Issue 14: vehicles that left a lane, per camera, lane, minute, class and speed bin. */
export class TrafficCountBuffer extends CountBuffer<TrafficCountRow> {
  constructor(store: Pick<Store, 'addTrafficCounts'>, logger: Logger, flushMs = 5000) {
    super({ key: (r) => `${r.cameraId}\u0000${r.lane}\u0000${r.minuteMs}\u0000${r.cls}\u0000${r.speedBin}`, write: (rows) => store.addTrafficCounts(rows), logger, what: 'traffic count', flushMs });
  }
}
