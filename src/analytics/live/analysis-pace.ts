// Is a camera's live analysis keeping up? The frames analysed in the last seconds against what the
// stream allowed: the analysis rate, or the stream's own frame rate when that is lower. A node
// with more cameras than its CPU can analyse drops frames on all of them; operators must see
// that (alarms come late, short events are missed) rather than trust a silent backlog. Pure.

import type { AnalysisPace } from '../../events/index.ts';

/** Events carry it on the bus ('analytics.behind'); its fields are explained there. */
export type Pace = AnalysisPace;

/** Seconds of history the pace is judged on. */
export const PACE_WINDOW_S = 10;
const SLOTS = 1024;

export class PaceMeter {
  private readonly times = new Float64Array(SLOTS);
  private n = 0;
  private readonly startedAt: number;
  private lastInputAt = -Infinity;
  private prevInputMedia: number | null = null;
  /** shortest recent gap between the stream's pictures (s): its nominal frame interval */
  private readonly gaps: number[] = [];

  readonly targetFps: number;

  constructor(targetFps: number, now: number) {
    this.targetFps = targetFps;
    this.startedAt = now;
  }

  /** A picture of the stream reached the analyser's input, at media time `media` (s). */
  input(now: number, media: number | null): void {
    this.lastInputAt = now;
    if (media === null) return;
    if (this.prevInputMedia !== null) {
      const g = media - this.prevInputMedia;
      // Within a second: longer gaps are the hub skipping us, not the stream's rate.
      if (g > 0 && g <= 1) {
        this.gaps.push(g);
        if (this.gaps.length > 16) this.gaps.shift();
      }
    }
    this.prevInputMedia = media;
  }

  analysed(now: number): void {
    this.times[this.n % SLOTS] = now;
    this.n++;
  }

  /**
   * `cameraFlowing`: whether the camera is delivering video now, when the caller knows; else
   * judged from what reached the analyser (which misses the pictures skipped while it lagged).
   */
  pace(now: number, cameraFlowing?: boolean): Pace {
    const from = now - PACE_WINDOW_S * 1000;
    let count = 0;
    for (let k = this.n - 1; k >= Math.max(0, this.n - SLOTS); k--) {
      if (this.times[k % SLOTS] <= from) break;
      count++;
    }
    const span = Math.min(PACE_WINDOW_S, (now - this.startedAt) / 1000);
    const analysedFps = span > 0 ? count / span : 0;
    const streamFps = this.gaps.length > 0 ? 1 / Math.min(...this.gaps) : this.targetFps;
    const expectedFps = Math.min(this.targetFps, streamFps);
    // Judged only on a full window and while video comes: a quiet or dead camera is not "behind".
    const flowing = cameraFlowing ?? now - this.lastInputAt < 2000;
    const behind = span >= PACE_WINDOW_S && flowing && analysedFps < 0.9 * expectedFps;
    return { analysedFps: Math.round(analysedFps * 100) / 100, expectedFps: Math.round(expectedFps * 100) / 100, behind };
  }
}
