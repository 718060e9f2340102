// Refused requests (401/403) are audited, but a flood from one source must not fill the log:
// at most `perWindow` entries per source per window; the next entry allowed after a quiet spell
// says how many were left out. Pure: the caller passes the time.

export interface RefusalLimiterOptions {
  perWindow: number;
  windowMs: number;
  maxSources?: number;
}

export class RefusalLimiter {
  private readonly sources = new Map<string, { windowStart: number; count: number; suppressed: number }>();
  private readonly opts: Required<RefusalLimiterOptions>;
  constructor(opts: RefusalLimiterOptions) {
    this.opts = { maxSources: 10_000, ...opts };
  }

  /** null: do not write an entry; else write one, noting `suppressed` left out since the last. */
  admit(source: string, now: number): { suppressed: number } | null {
    let s = this.sources.get(source);
    if (!s || now - s.windowStart >= this.opts.windowMs) {
      const suppressed = s?.suppressed ?? 0;
      this.sources.delete(source);
      s = { windowStart: now, count: 0, suppressed };
      this.sources.set(source, s);
      if (this.sources.size > this.opts.maxSources) this.sources.delete(this.sources.keys().next().value!);
    }
    if (s.count >= this.opts.perWindow) {
      s.suppressed++;
      return null;
    }
    s.count++;
    const suppressed = s.suppressed;
    s.suppressed = 0;
    return { suppressed };
  }
}
