// Where the recording of one camera stopped, and why, so that when video returns the hole is
// written down as a gap. Pure: the recorder tells it what happened.
import type { GapRow } from '../store/index.ts';

/** Holes shorter than this are reconnection jitter, not gaps worth an index row. */
export const MIN_GAP_MS = 250;

export class GapTracker {
  private readonly cameraId: string;
  private readonly minGapMs: number;
  private lastEndMs: number | null = null;
  private reason: string | null = null;

  constructor(cameraId: string, minGapMs = MIN_GAP_MS) {
    this.cameraId = cameraId;
    this.minGapMs = minGapMs;
  }

  /** What an earlier run of the recorder left in the index: a restart is a gap from there. */
  seed(lastEndMs: number | null, reason = 'RECORDER_DOWN'): void {
    if (lastEndMs === null) return;
    if (this.lastEndMs === null || lastEndMs > this.lastEndMs) {
      this.lastEndMs = lastEndMs;
      this.reason ??= reason;
    }
  }

  /** Video up to endMs is safely in a file. */
  recorded(endMs: number): void {
    if (this.lastEndMs === null || endMs > this.lastEndMs) this.lastEndMs = endMs;
  }

  /** Recording stopped; the first reason holds until video returns (the cause, not the retries). */
  down(reason: string): void {
    this.reason ??= reason;
  }

  /** Recording starts again at startMs: the gap since the last recorded end, if there is one. */
  resumed(startMs: number): GapRow | null {
    const last = this.lastEndMs;
    const reason = this.reason ?? 'NO_VIDEO';
    this.reason = null;
    if (last === null || startMs - last < this.minGapMs) return null;
    return { cameraId: this.cameraId, startMs: last, endMs: startMs, reason };
  }

  get lastRecordedEnd(): number | null {
    return this.lastEndMs;
  }
}
