// A job that never runs twice at once (a sweep that deletes must not race itself), run on a timer
// and on demand, that a shutdown can wait for. The data-retention and recording-retention sweepers
// use it.

export interface SerialJobOptions<A, T> {
  /** The work. */
  run: (arg: A) => Promise<T>;
  /**
   * A request while a run is in progress gets that run's result. With 'again' it also makes the job
   * run once more right after it, with the latest such request's argument: for work whose cause may
   * have come after the run in progress looked (a disk filling up during a sweep).
   */
  whileRunning: 'join' | 'again';
  /** A timer tick's failure, or a failure of a run made by 'again' (nobody awaits either). */
  onError: (err: Error) => void;
}

export class SerialJob<A, T> {
  private readonly o: SerialJobOptions<A, T>;
  private running: Promise<T> | null = null;
  private again: { arg: A } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(o: SerialJobOptions<A, T>) {
    this.o = o;
  }

  run(arg: A): Promise<T> {
    if (this.running) {
      if (this.o.whileRunning === 'again') this.again = { arg };
      return this.running;
    }
    let finished = false;
    const current = (async () => {
      try {
        return await this.o.run(arg);
      } finally {
        finished = true;
        this.running = null;
        const next = this.again;
        this.again = null;
        if (next) void this.run(next.arg).catch((err: Error) => this.o.onError(err));
      }
    })();
    // A `run` that throws before its first await has finished already: nothing is running.
    if (!finished) this.running = current;
    return current;
  }

  /** Calls `tick` every everyMs (in place of a previous start); the timer keeps no process alive. */
  start(everyMs: number, tick: () => Promise<unknown>): void {
    this.stop();
    this.timer = setInterval(() => {
      void tick().catch((err: Error) => this.o.onError(err));
    }, everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits until no run is in progress, including one that 'again' starts after it. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }
}
