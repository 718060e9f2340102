// Per-minute line counts regrouped into the buckets a caller asks for. Pure.
import type { LineCountRow } from '../store/index.ts';

export interface CountBucket {
  /** bucket start, ms */
  from: number;
  line: string;
  cls: string;
  direction: 'positive' | 'negative';
  n: number;
}

/** Buckets of bucketSeconds (a multiple of 60, since counts are stored per minute), aligned to fromMs. */
export function bucketCounts(rows: LineCountRow[], fromMs: number, bucketSeconds: number): CountBucket[] {
  const size = Math.max(60, Math.round(bucketSeconds / 60) * 60) * 1000;
  const out = new Map<string, CountBucket>();
  for (const r of rows) {
    const from = fromMs + Math.floor((r.minuteMs - fromMs) / size) * size;
    const key = `${from}\u0000${r.line}\u0000${r.cls}\u0000${r.direction}`;
    const b = out.get(key);
    if (b) b.n += r.n;
    else out.set(key, { from, line: r.line, cls: r.cls, direction: r.direction, n: r.n });
  }
  return [...out.values()].sort((a, b) => a.from - b.from || a.line.localeCompare(b.line) || a.cls.localeCompare(b.cls) || a.direction.localeCompare(b.direction));
}
