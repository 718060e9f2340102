// Counts failed logins per user name and per address in a sliding window. Pure: the caller passes
// the time. In-memory per process; a cluster will move it to the shared store.

export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly opts: ThrottleOptions;
  constructor(opts: ThrottleOptions) {
    this.opts = opts;
  }

  private keys(username: string, ip: string): string[] {
    return [`u:${username.toLowerCase()}`, `ip:${ip}`];
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before another attempt is allowed, or 0. */
  retryAfterSeconds(username: string, ip: string, now: number): number {
    let wait = 0;
    for (const key of this.keys(username, ip)) {
      const list = this.recent(key, now);
      if (list.length >= this.opts.maxFailures) {
        const oldestThatCounts = list[list.length - this.opts.maxFailures];
        wait = Math.max(wait, Math.ceil((oldestThatCounts + this.opts.windowMs - now) / 1000));
      }
    }
    return wait;
  }

  recordFailure(username: string, ip: string, now: number): void {
    for (const key of this.keys(username, ip)) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.set(key, list.slice(-this.opts.maxFailures * 2));
    }
  }

  recordSuccess(username: string, _ip: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }
}
