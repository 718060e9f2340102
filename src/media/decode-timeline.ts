// Decode timestamps for pictures that arrive with presentation timestamps only, as over RTP (the
// RTP timestamp is the sampling instant, i.e. the pts). With B-frames, decode order is not
// presentation order, and a muxer needs dts ≤ pts, increasing.
//
// Why this works without looking ahead: if output order lags decode order by at most D pictures
// (the SPS says D: H.264 max_num_reorder_frames, H.265 sps_max_num_reorder_pics), then after n+1
// pictures every picture with presentation index ≤ n−D has arrived, so the (D+1)-th largest pts
// seen so far is the pts of presentation index n−D. Using it as dts of picture n delays decode by
// D pictures, keeps dts increasing, and keeps dts ≤ pts for every picture (its presentation
// index is ≥ n−D). Without D from the SPS it is learnt: a picture presented earlier than the
// current dts raises D (a few pictures near that moment get a negative composition offset, which
// fMP4 trun version 1 can carry).
import { VIDEO_CLOCK } from './types.ts';

const MAX_REORDER = 16;
/** A pts further back than this is a new stream (camera restart), not reordering. */
const RESTART_BACK = 10 * VIDEO_CLOCK;

export class DecodeTimeline {
  #depth: number;
  readonly #learn: boolean;
  /** The largest pts seen, descending, at most MAX_REORDER + 1 of them. */
  #top: number[] = [];
  #count = 0;
  #lastDts: number | null = null;
  #lastPts: number | null = null;
  #duration: number;

  /** `reorderDepth` from the SPS when known; null to learn it from the stream. */
  constructor(reorderDepth: number | null = null, defaultDuration = 3000) {
    this.#learn = reorderDepth === null;
    this.#depth = Math.min(MAX_REORDER, Math.max(0, reorderDepth ?? 0));
    this.#duration = defaultDuration;
  }

  get reorderDepth(): number {
    return this.#depth;
  }

  /** The SPS arrived (or changed): trust what it says from now on. */
  setReorderDepth(depth: number): void {
    this.#depth = Math.min(MAX_REORDER, Math.max(0, depth));
  }

  /** dts for the next picture in decode order, given its (unwrapped) pts. */
  next(pts: number): number {
    if (this.#top.length > 0 && pts < this.#top[0] - RESTART_BACK) this.#reset();
    if (this.#lastPts !== null && pts > this.#lastPts) {
      const d = pts - this.#lastPts;
      if (d < this.#duration || this.#count < 2) this.#duration = Math.max(1, d);
    }
    this.#lastPts = pts;
    this.#insert(pts);
    const n = this.#count++;
    let dts: number;
    if (this.#top.length > this.#depth) dts = this.#top[this.#depth];
    else dts = this.#top[this.#top.length - 1] - (this.#depth - n) * this.#duration;
    if (this.#learn && pts < dts && this.#depth < MAX_REORDER) {
      // Presented before it could be decoded: the stream reorders more than we assumed.
      while (this.#depth < MAX_REORDER && this.#depth < this.#top.length - 1 && this.#top[this.#depth] > pts) this.#depth++;
      dts = this.#top[this.#depth];
    }
    if (this.#lastDts !== null && dts <= this.#lastDts) dts = this.#lastDts + 1;
    this.#lastDts = dts;
    return dts;
  }

  #insert(pts: number): void {
    const top = this.#top;
    let i = 0;
    while (i < top.length && top[i] > pts) i++;
    if (i > MAX_REORDER) return;
    top.splice(i, 0, pts);
    if (top.length > MAX_REORDER + 1) top.pop();
  }

  #reset(): void {
    this.#top = [];
    this.#count = 0;
    this.#lastDts = null;
    this.#lastPts = null;
  }
}
