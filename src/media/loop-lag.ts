// How late this process's event loop has run, accumulated over time. A timeout that judges a
// peer by how long it has been silent (the RTSP client's stall watchdog) must not count the time
// during which this process could not read: when hundreds of cameras saturate the loop, their
// packets wait in our own socket buffers, and declaring those cameras stalled makes them
// reconnect, which adds set-up work exactly when there is no time for it (the collapse measured
// in bench/results/record-2026-11-23.md). Subtracting the loop's lateness from the silence keeps
// a dead camera detectable (later, in proportion to the load) while a late loop alone never is.
//
// perf_hooks.monitorEventLoopDelay gives a histogram of delays, not their sum over a given
// window, so a plain timer does the measuring: each tick adds how much later than its interval
// it ran.
import { performance } from 'node:perf_hooks';

export class LoopLag {
  readonly #intervalMs: number;
  #last: number;
  #total = 0;
  #timer: NodeJS.Timeout | null = null;
  #users = 0;

  constructor(intervalMs = 100) {
    this.#intervalMs = intervalMs;
    this.#last = performance.now();
  }

  /**
   * Milliseconds the loop has been late in total, up to `now` (performance.now() clock), including
   * the tick that is overdue right now, so the answer does not depend on which timer runs first.
   * Only differences between two readings mean anything. Monotonic.
   */
  total(now = performance.now()): number {
    if (!this.#timer) return this.#total; // not measuring: no tick is overdue
    return this.#total + Math.max(0, now - this.#last - this.#intervalMs);
  }

  /** Start measuring (reference counted; the timer never keeps the process alive). */
  retain(): void {
    if (this.#users++ > 0) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#timer.unref();
  }

  release(): void {
    if (this.#users === 0 || --this.#users > 0) return;
    clearInterval(this.#timer!);
    this.#timer = null;
  }

  #tick(): void {
    const now = performance.now();
    this.#total += Math.max(0, now - this.#last - this.#intervalMs);
    this.#last = now;
  }
}

/** One per process: every camera's watchdog reads the same loop. */
export const processLoopLag = new LoopLag();
