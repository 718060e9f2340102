// Counts failed sign-ins in a sliding window, per (user name, address) pair and per address.
// Pure: the caller passes the time. In-memory per process; a cluster will move it to the shared
// store.
//
// An attempt counts from the moment it starts (begin), not when its password hash has been
// checked: 20 parallel guesses used to all pass the check before the first one was recorded.
// A pair, not the user name alone, is locked: anyone could otherwise lock the admin out from
// anywhere. The address has its own, higher limit against one source trying many names.

export interface ThrottleOptions {
  /** Failures of one user name from one address before throttling. */
  maxFailures: number;
  /** Failures from one address, whatever the names, before throttling. */
  maxFailuresPerAddress: number;
  windowMs: number;
  /** Most keys kept; past it the oldest go first, so a flood of names cannot grow memory without bound. */
  maxKeys?: number;
}

export interface LoginAttempt {
  /** Seconds to wait, when the attempt is refused; 0 when it may go on. */
  retryAfter: number;
  /** Call when the password was right: the attempt then does not count as a failure. */
  succeeded(): void;
}

const DEFAULT_MAX_KEYS = 100_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly opts: Required<ThrottleOptions>;
  constructor(opts: ThrottleOptions) {
    this.opts = { maxKeys: DEFAULT_MAX_KEYS, ...opts };
  }

  private keys(username: string, ip: string): [string, number][] {
    return [
      [`p:${ip}\u0000${username.normalize('NFKC').toLowerCase()}`, this.opts.maxFailures],
      [`a:${ip}`, this.opts.maxFailuresPerAddress],
    ];
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
    for (const [key, max] of this.keys(username, ip)) {
      const list = this.recent(key, now);
      if (list.length >= max) {
        const oldestThatCounts = list[list.length - max];
        wait = Math.max(wait, Math.max(1, Math.ceil((oldestThatCounts + this.opts.windowMs - now) / 1000)));
      }
    }
    return wait;
  }

  /**
   * Checks and, when allowed, counts the attempt as a failure at once (synchronously: no other
   * attempt can slip in between), to be taken back by succeeded().
   */
  begin(username: string, ip: string, now: number): LoginAttempt {
    const retryAfter = this.retryAfterSeconds(username, ip, now);
    if (retryAfter > 0) return { retryAfter, succeeded: () => undefined };
    const keys = this.keys(username, ip).map(([k]) => k);
    for (const key of keys) this.push(key, now);
    return {
      retryAfter: 0,
      succeeded: () => {
        for (const key of keys) this.unpush(key, now);
      },
    };
  }

  /** Number of keys held (for tests of the bound). */
  get size(): number {
    return this.failures.size;
  }

  private push(key: string, now: number): void {
    const list = this.recent(key, now);
    list.push(now);
    // Map order is insertion order: re-inserting moves the key to the young end.
    this.failures.delete(key);
    this.failures.set(key, list.slice(-Math.max(this.opts.maxFailures, this.opts.maxFailuresPerAddress) * 2));
    if (this.failures.size > this.opts.maxKeys) this.evict(now);
  }

  private unpush(key: string, at: number): void {
    const list = this.failures.get(key);
    if (!list) return;
    const i = list.lastIndexOf(at);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.failures.delete(key);
  }

  /** Drops expired keys, then the oldest, down to 90 % of the bound (so eviction is rare). */
  private evict(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    const target = Math.floor(this.opts.maxKeys * 0.9);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= target) break;
      this.failures.delete(key);
    }
  }
}
