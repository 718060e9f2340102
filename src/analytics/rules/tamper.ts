// Camera tamper on the small grey frames motion already has, a few arithmetic passes each:
//  covered  — nearly uniform or very dark (lens covered, sprayed, bagged);
//  blinded  — very bright (a torch or laser into the lens);
//  defocused — edge energy far below its learnt level while the picture is not uniform;
//  moved    — right after a sudden change over most of the picture (the motion detector's "lighting"
//             relearn), the coarse picture (mean grey per cell) no longer correlates with the learnt
//             one. The correlation ignores a global gain and offset (so real lighting changes pass),
//             cells average out shake and fine texture. Only a global change opens the check: a big
//             vehicle filling a featureless view (a top-down car park) also decorrelates the
//             layout, but it never changes most of the picture at once.
// The normal edge level and layout are learnt only from frames with little motion, so traffic
// does not inflate them.
// A condition must hold for `holdFrames` before it fires, and fires again only after clearing. Pure.
import { edgeEnergy, meanAndStd } from '../image-ops.ts';
import type { RuleEvent } from './types.ts';

export type TamperReason = 'covered' | 'blinded' | 'defocused' | 'moved';

export interface TamperOptions {
  name?: string;
  uniformStd?: number;
  dark?: number;
  bright?: number;
  /** defocused when edge energy < this × the learnt level */
  defocusRatio?: number;
  /** moved when the layout correlation with the learnt one drops below this */
  moveCorrelation?: number;
  holdFrames?: number;
  /** frames to learn the normal edge level and layout before judging */
  learnFrames?: number;
  /** learning rate of the normal edge level and layout */
  alpha?: number;
  /** side of the square cells the layout is pooled into (tolerates shake) */
  cell?: number;
  /** frames learnt from must have less than this fraction of pixels moving */
  stillFraction?: number;
  /**
   * "moved" is judged only when the learnt view has this much structure (standard deviation of
   * the cell means, grey levels): in a featureless view any passing object dominates the layout.
   */
  minLayoutStd?: number;
}

/** What the motion detector saw on the same frame. */
export interface MotionSummary { changedFraction: number; relearnt: boolean }

export class TamperDetector {
  private readonly o: Required<TamperOptions>;
  private readonly width: number;
  private readonly height: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly layout: Float32Array;
  private readonly reference: Float32Array;
  private frames = 0;
  private learntEnergy = 0;
  private candidate: TamperReason | null = null;
  private candidateFrames = 0;
  private active: TamperReason | null = null;
  /** frames left in which a "moved" may still be confirmed after a global change */
  private moveWindow = 0;

  constructor(width: number, height: number, opts: TamperOptions = {}) {
    this.width = width;
    this.height = height;
    this.o = {
      name: opts.name ?? 'tamper', uniformStd: opts.uniformStd ?? 6, dark: opts.dark ?? 20, bright: opts.bright ?? 235,
      defocusRatio: opts.defocusRatio ?? 0.35, moveCorrelation: opts.moveCorrelation ?? 0.5, holdFrames: opts.holdFrames ?? 5,
      learnFrames: opts.learnFrames ?? 10, alpha: opts.alpha ?? 0.02, cell: opts.cell ?? 8, stillFraction: opts.stillFraction ?? 0.02, minLayoutStd: opts.minLayoutStd ?? 15,
    };
    this.cols = Math.max(1, Math.floor(width / this.o.cell));
    this.rows = Math.max(1, Math.floor(height / this.o.cell));
    this.layout = new Float32Array(this.cols * this.rows);
    this.reference = new Float32Array(this.cols * this.rows);
  }

  /** The condition seen on the last frame (before hold), for diagnostics. */
  get current(): TamperReason | null {
    return this.candidate;
  }

  update(grey: Uint8Array, t: number, motion: MotionSummary = { changedFraction: 0, relearnt: false }): RuleEvent[] {
    const o = this.o;
    if (motion.relearnt && this.frames > 0) this.moveWindow = 2 * o.holdFrames;
    else if (this.moveWindow > 0) this.moveWindow--;
    const { mean, std } = meanAndStd(grey);
    const energy = edgeEnergy(grey, this.width, this.height);
    let reason: TamperReason | null = null;
    let corr = 1;
    if (mean > o.bright) reason = 'blinded';
    else if (std < o.uniformStd || mean < o.dark) reason = 'covered';
    else {
      this.poolLayout(grey);
      if (this.frames >= o.learnFrames) {
        if (energy < o.defocusRatio * this.learntEnergy) reason = 'defocused';
        else if (this.moveWindow > 0 && cellStd(this.reference) >= o.minLayoutStd && (corr = correlation(this.layout, this.reference)) < o.moveCorrelation) reason = 'moved';
      }
    }
    if (reason === null && (this.frames < o.learnFrames || motion.changedFraction < o.stillFraction)) this.learn(energy);

    const events: RuleEvent[] = [];
    if (reason !== null && reason === this.candidate) this.candidateFrames++;
    else { this.candidate = reason; this.candidateFrames = reason ? 1 : 0; }
    if (reason === null) this.active = null;
    else if (this.candidateFrames >= o.holdFrames && this.active !== reason) {
      this.active = reason;
      events.push({ kind: 'tamper', rule: o.name, t, detail: { reason, mean: Math.round(mean), std: Math.round(std), edgeEnergy: round2(energy), learntEdgeEnergy: round2(this.learntEnergy), layoutCorrelation: round2(corr) } });
      // A moved camera shows a new normal: learn it rather than alarming forever.
      if (reason === 'moved') { this.reference.set(this.layout); this.learntEnergy = energy; }
    }
    return events;
  }

  private learn(energy: number): void {
    const first = this.frames === 0;
    const a = this.frames < this.o.learnFrames ? 1 / (this.frames + 1) : this.o.alpha;
    this.learntEnergy = first ? energy : this.learntEnergy + a * (energy - this.learntEnergy);
    const ref = this.reference;
    const cur = this.layout;
    for (let i = 0; i < ref.length; i++) ref[i] = first ? cur[i] : ref[i] + a * (cur[i] - ref[i]);
    this.frames++;
  }

  /** Mean grey per cell. */
  private poolLayout(grey: Uint8Array): void {
    const { width: w, cols, rows } = this;
    const c = this.o.cell;
    this.layout.fill(0);
    for (let y = 0; y < rows * c; y++) {
      const row = Math.floor(y / c) * cols;
      for (let x = 0; x < cols * c; x++) this.layout[row + Math.floor(x / c)] += grey[y * w + x];
    }
    const inv = 1 / (c * c);
    for (let i = 0; i < this.layout.length; i++) this.layout[i] *= inv;
  }
}

/** Standard deviation of the cell means, in grey levels. */
function cellStd(layout: Float32Array): number {
  let s = 0, s2 = 0;
  for (let i = 0; i < layout.length; i++) { s += layout[i]; s2 += layout[i] * layout[i]; }
  const m = s / layout.length;
  return Math.sqrt(Math.max(0, s2 / layout.length - m * m));
}

function correlation(a: Float32Array, b: Float32Array): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length; mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) { const da = a[i] - ma, db = b[i] - mb; sab += da * db; saa += da * da; sbb += db * db; }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
