// Line crossings are statistics, not alarms to handle: they are summed per camera, line, minute,
// class and direction in memory and written in batches, so a busy line costs one upsert per minute
// and class, not one per person.
import type { Logger } from 'pino';
import type { LineCountRow, Store } from '../store/index.ts';

export class LineCountBuffer {
  private readonly counts = new Map<string, LineCountRow>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  private readonly store: Pick<Store, 'addLineCounts'>;
  private readonly logger: Logger;

  constructor(store: Pick<Store, 'addLineCounts'>, logger: Logger, flushMs = 5000) {
    this.store = store;
    this.logger = logger;
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  add(cameraId: string, line: string, at: number, cls: string, direction: 'positive' | 'negative', n = 1): void {
    const minuteMs = Math.floor(at / 60000) * 60000;
    const key = `${cameraId}\u0000${line}\u0000${minuteMs}\u0000${cls}\u0000${direction}`;
    const row = this.counts.get(key);
    if (row) row.n += n;
    else this.counts.set(key, { cameraId, line, minuteMs, cls, direction, n });
  }

  /** Writes the counts gathered since the last flush; on failure keeps them for the next try. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.counts.size === 0) return;
      const rows = [...this.counts.values()];
      this.counts.clear();
      try {
        await this.store.addLineCounts(rows);
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, 'line count write failed');
        for (const r of rows) this.add(r.cameraId, r.line, r.minuteMs, r.cls, r.direction, r.n);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
