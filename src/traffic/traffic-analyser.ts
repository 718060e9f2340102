// One camera's traffic analysis on top of the tracker's output: each confirmed track's bottom
// centre is put on the ground through the calibration, and per lane zone the rules judge it:
// speeding (speed − its uncertainty above limit + tolerance), wrong way (against the lane's
// direction over ≥ 1 s), stopped vehicle (moved less than a fraction of its length for T s while
// the lane is not congested), congestion with its queue length; every track leaving is counted per
// lane and class with its speed. Only cameras with traffic rules run this, so it adds nothing to
// the others' per-frame cost. No plate, no appearance: a track id is a per-camera counter. Pure.
import { bottomCentre, pointInPolygon, type Box, type DetClass, type MeasuredPosition, type Point, type Polygon, type Track } from '../analytics/index.ts';
export type { MeasuredPosition };
import { imageToGround, localScale, measureMargin, measuredGround, type Calibration } from './homography.ts';
import { estimateSpeed, type GroundSample, type SpeedEstimate, type SpeedOptions } from './speed.ts';
import { TrafficError } from './errors.ts';

export interface LaneDef {
  name: string;
  /** image polygon, normalised 0..1 */
  polygon: Polygon;
  /** the allowed direction of travel, drawn as an arrow in the image (from, to; normalised) */
  direction?: [Point, Point];
}

export interface SpeedRuleDef {
  lane: string;
  limitKmh: number;
  /** km/h allowed above the limit before a violation (default 0) */
  toleranceKmh?: number;
  /** vehicle classes the limit applies to (default all) */
  classes?: DetClass[];
}

export interface TrafficOptions {
  /** null: only counts per lane (no metric rule can run without a calibration) */
  calibration: Calibration | null;
  lanes: LaneDef[];
  speed?: SpeedRuleDef[];
  /** on every lane with a direction unless false */
  wrongWay?: { minSeconds?: number; minMetres?: number } | false;
  /** on every lane unless false */
  stopped?: { seconds?: number; fraction?: number } | false;
  /** on every lane unless false */
  congestion?: { minVehicles?: number; maxKmh?: number; holdSeconds?: number } | false;
  speedOptions?: Omit<SpeedOptions, 'scaleSigma'>;
  /**
   * Positions further than this outside the area the calibration points span are not measured
   * with (metres; default the larger of 5 m and a quarter of the calibrated extent): beyond it the
   * mapping is extrapolated and a pixel can be metres.
   */
  measureMarginM?: number;
  /** box jitter assumed at least, in normalised image units (default 0.0015, about a pixel at 640) */
  boxJitter?: number;
  /** seconds of positions kept per track (default 60) */
  historySeconds?: number;
  /** a track unseen this long is finished and counted (default 3 s) */
  forgetAfterSeconds?: number;
  /** classes analysed as vehicles (default car, truck, bus, motorcycle, bicycle) */
  classes?: DetClass[];
}

export type TrafficEventKind = 'speeding' | 'wrong_way' | 'stopped_vehicle' | 'congestion' | 'congestion_end';


export interface TrafficEvent {
  kind: TrafficEventKind;
  lane: string;
  /** seconds on the analysed stream's clock */
  t: number;
  trackId?: number;
  cls?: DetClass;
  box?: Box;
  speedKmh?: number;
  speedErrKmh?: number;
  limitKmh?: number;
  toleranceKmh?: number;
  /** kind-specific figures (queue metres, vehicles, stopped seconds, metres against the lane …) */
  detail?: Record<string, number | string>;
  /** the positions the finding rests on (evidence) */
  positions?: MeasuredPosition[];
}

export interface TrackSummary {
  id: number;
  cls: DetClass;
  /** first and last time seen (stream seconds) */
  tIn: number;
  tOut: number;
  speedKmh: number | null;
  speedErrKmh: number | null;
  /** the lane it spent most frames in, or null */
  lane: string | null;
}

export interface LaneStats {
  lane: string;
  counts: Partial<Record<DetClass, number>>;
  /** vehicles per speed bin: bin i holds [i·binKmh, (i+1)·binKmh), the last everything above */
  speedHistogram: number[];
  binKmh: number;
  /** median and 85th percentile of the counted speeds (null with no speed) */
  p50Kmh: number | null;
  p85Kmh: number | null;
  congested: boolean;
  queueM: number | null;
}

/** Typical length in metres per class: "moved less than a fraction of its length" and queue ends. */
export const NOMINAL_LENGTH_M: Record<DetClass, number> = { car: 4.5, truck: 9, bus: 12, motorcycle: 2.2, bicycle: 1.8, person: 0.6 };

const VEHICLES: DetClass[] = ['car', 'truck', 'bus', 'motorcycle', 'bicycle'];
const BIN_KMH = 10;
const BINS = 20;
const KEEP_SPEEDS = 5000;
/** a box this close to the frame's left, right or bottom edge (normalised; about 5 px of the detector's 320) is taken as cut by it */
const EDGE = 0.015;

interface Sample extends GroundSample { image: Point; lane: string | null; box: Box }

interface TrackState {
  id: number;
  cls: DetClass;
  tIn: number;
  lastSeen: number;
  samples: Sample[];
  laneFrames: Map<string, number>;
  speedFired: Set<string>;
  wrongFired: Set<string>;
  /** time the current stop was reported, or null */
  stoppedSince: number | null;
  current: SpeedEstimate | null;
}

interface LaneState {
  def: LaneDef;
  /** unit allowed direction on the ground */
  dir: Point | null;
  counts: Partial<Record<DetClass, number>>;
  histogram: number[];
  speeds: number[];
  congested: boolean;
  /** since when the opposite of `congested` has held */
  flipSince: number | null;
  queueM: number | null;
}

export class TrafficAnalyser {
  private readonly o: TrafficOptions;
  private readonly cal: Calibration | null;
  private readonly lanes = new Map<string, LaneState>();
  private readonly tracks = new Map<number, TrackState>();
  private readonly finished: TrackSummary[] = [];
  private readonly classes: Set<DetClass>;
  private readonly margin: number;

  constructor(opts: TrafficOptions) {
    this.o = opts;
    this.cal = opts.calibration;
    this.margin = opts.measureMarginM ?? (this.cal ? measureMargin(this.cal) : 0);
    this.classes = new Set(opts.classes ?? VEHICLES);
    for (const l of opts.lanes) {
      if (this.lanes.has(l.name)) throw new TrafficError('BAD_TRAFFIC_SPEC', `lane "${l.name}" is defined twice`);
      if (l.polygon.length < 3) throw new TrafficError('BAD_TRAFFIC_SPEC', `lane "${l.name}": a lane zone needs at least 3 points`);
      this.lanes.set(l.name, { def: l, dir: l.direction ? this.groundDirection(l) : null, counts: {}, histogram: new Array(BINS + 1).fill(0), speeds: [], congested: false, flipSince: null, queueM: null });
    }
    for (const r of opts.speed ?? []) {
      if (!this.cal) throw new TrafficError('NOT_CALIBRATED', `a speed rule (lane "${r.lane}") needs the camera to be calibrated first`);
      if (!this.lanes.has(r.lane)) throw new TrafficError('BAD_TRAFFIC_SPEC', `speed rule: no lane named "${r.lane}"`);
      if (!(r.limitKmh > 0)) throw new TrafficError('BAD_TRAFFIC_SPEC', `speed rule on lane "${r.lane}": the limit must be > 0 km/h`);
      if ((r.toleranceKmh ?? 0) < 0) throw new TrafficError('BAD_TRAFFIC_SPEC', `speed rule on lane "${r.lane}": the tolerance must be ≥ 0 km/h`);
    }
  }

  private groundDirection(l: LaneDef): Point {
    if (!this.cal) throw new TrafficError('NOT_CALIBRATED', `lane "${l.name}": a direction of travel is judged on the ground and needs the camera to be calibrated first`);
    const a = imageToGround(this.cal, l.direction![0]), b = imageToGround(this.cal, l.direction![1]);
    if (!a || !b) throw new TrafficError('BAD_TRAFFIC_SPEC', `lane "${l.name}": the direction arrow reaches beyond the horizon of the calibration`);
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (d < 1e-6) throw new TrafficError('BAD_TRAFFIC_SPEC', `lane "${l.name}": the direction arrow has no length`);
    return [(b[0] - a[0]) / d, (b[1] - a[1]) / d];
  }

  private speedOpts(): SpeedOptions {
    return { ...this.o.speedOptions, scaleSigma: this.cal?.scaleSigma ?? 0 };
  }

  /** Feeds the confirmed tracks seen in one frame (the tracker's output) at stream time t. */
  update(tracks: readonly Track[], t: number): TrafficEvent[] {
    const events: TrafficEvent[] = [];
    const keep = this.o.historySeconds ?? 60;
    const seenNow: TrackState[] = [];
    for (const tr of tracks) {
      if (!this.classes.has(tr.cls)) continue;
      // The detector's own box of this frame where the tracker gives it: the tracker's filtered box
      // lags a vehicle while its velocity settles (metres at a track's start), which a speed must not.
      const box = tr.detBox ?? tr.box;
      const image = bottomCentre(box);
      // A box cut by the frame's edge does not end where the vehicle does: no position from it.
      const cut = box[0] <= EDGE || box[2] >= 1 - EDGE || box[3] >= 1 - EDGE;
      const ground = this.cal && !cut ? measuredGround(this.cal, image, this.margin) : null;
      const floorM = ground ? localScale(this.cal!, image) * (this.o.boxJitter ?? 0.0015) : undefined;
      let s = this.tracks.get(tr.id);
      if (!s) this.tracks.set(tr.id, (s = { id: tr.id, cls: tr.cls, tIn: t, lastSeen: t, samples: [], laneFrames: new Map(), speedFired: new Set(), wrongFired: new Set(), stoppedSince: null, current: null }));
      s.cls = tr.cls;
      s.lastSeen = t;
      const lane = this.laneAt(image);
      if (lane) s.laneFrames.set(lane, (s.laneFrames.get(lane) ?? 0) + 1);
      s.samples.push({ t, g: ground ?? [NaN, NaN], floorM, image, lane, box });
      while (s.samples.length > 2 && s.samples[0].t < t - keep) s.samples.shift();
      seenNow.push(s);
    }
    if (this.cal) {
      const runs = new Map<TrackState, ReturnType<TrafficAnalyser['laneRun']>>();
      for (const s of seenNow) {
        const run = this.laneRun(s);
        runs.set(s, run);
        s.current = run.samples.length ? estimateSpeed(tail(run.samples, 3), this.speedOpts()) : null;
        if (!run.lane) continue;
        events.push(...this.judgeSpeed(s, run.lane, run.samples, t), ...this.judgeWrongWay(s, run.lane, run.samples, t));
      }
      events.push(...this.judgeCongestion(seenNow, t));
      for (const s of seenNow) {
        const run = runs.get(s)!;
        if (run.lane) events.push(...this.judgeStopped(s, run.lane, run.samples, t));
      }
    }
    const forget = this.o.forgetAfterSeconds ?? 3;
    for (const [id, s] of this.tracks) if (t - s.lastSeen > forget) { this.finish(s); this.tracks.delete(id); }
    return events;
  }

  /** Ends the analysis (end of a file): every live track is counted. Returns all track summaries. */
  close(): TrackSummary[] {
    for (const s of this.tracks.values()) this.finish(s);
    this.tracks.clear();
    return this.summaries();
  }

  /** Tracks finished so far (left the view, or closed), in the order they finished. */
  summaries(): TrackSummary[] {
    return this.finished.slice();
  }

  /** The tracks finished since the last call, forgotten here (a live camera runs for months). */
  takeFinished(): TrackSummary[] {
    return this.finished.splice(0, this.finished.length);
  }

  laneStats(): LaneStats[] {
    return [...this.lanes.values()].map((l) => ({
      lane: l.def.name, counts: { ...l.counts }, speedHistogram: l.histogram.slice(), binKmh: BIN_KMH,
      p50Kmh: quantile(l.speeds, 0.5), p85Kmh: quantile(l.speeds, 0.85), congested: l.congested, queueM: l.queueM,
    }));
  }

  private laneAt(p: Point): string | null {
    for (const l of this.lanes.values()) if (pointInPolygon(p, l.def.polygon)) return l.def.name;
    return null;
  }

  /** The track's latest contiguous samples in one lane (or outside any lane), with ground positions. */
  private laneRun(s: TrackState): { lane: string | null; samples: Sample[] } {
    const last = s.samples[s.samples.length - 1];
    let i = s.samples.length - 1;
    while (i > 0 && s.samples[i - 1].lane === last.lane) i--;
    return { lane: last.lane, samples: s.samples.slice(i).filter((x) => Number.isFinite(x.g[0])) };
  }

  private judgeSpeed(s: TrackState, lane: string, run: Sample[], t: number): TrafficEvent[] {
    const out: TrafficEvent[] = [];
    let fitted: SpeedEstimate | null | undefined; // one fit per track and frame, whatever the number of rules
    for (const r of this.o.speed ?? []) {
      if (r.lane !== lane || s.speedFired.has(lane) || (r.classes && !r.classes.includes(s.cls))) continue;
      const est = fitted === undefined ? (fitted = estimateSpeed(run, this.speedOpts())) : fitted;
      if (!est) continue;
      const tol = r.toleranceKmh ?? 0;
      // Only what the measurement proves: the speed less its uncertainty must exceed limit + tolerance.
      if (est.kmh - est.errKmh > r.limitKmh + tol) {
        s.speedFired.add(lane);
        out.push({
          kind: 'speeding', lane, t, trackId: s.id, cls: s.cls, box: run[run.length - 1].box, speedKmh: round(est.kmh, 1), speedErrKmh: round(est.errKmh, 1),
          limitKmh: r.limitKmh, toleranceKmh: tol, detail: { spanSeconds: round(est.spanSeconds, 2), distanceM: round(est.distanceM, 2) }, positions: positions(run),
        });
      }
    }
    return out;
  }

  private judgeWrongWay(s: TrackState, lane: string, run: Sample[], t: number): TrafficEvent[] {
    const l = this.lanes.get(lane)!;
    const cfg = this.o.wrongWay;
    if (cfg === false || !l.dir || s.wrongFired.has(lane)) return [];
    const minS = Math.max(1, cfg?.minSeconds ?? 1), minM = cfg?.minMetres ?? 2;
    const est = estimateSpeed(run, { ...this.speedOpts(), minSpanSeconds: minS });
    if (!est) return [];
    const a = est.centroids[0].g, b = est.centroids[est.centroids.length - 1].g;
    const along = (b[0] - a[0]) * l.dir[0] + (b[1] - a[1]) * l.dir[1];
    const net = Math.hypot(b[0] - a[0], b[1] - a[1]);
    // against the lane, by a clear distance, and mostly along it (not a sideways drift)
    if (along > -minM || -along < 0.7 * net) return [];
    s.wrongFired.add(lane);
    return [{
      kind: 'wrong_way', lane, t, trackId: s.id, cls: s.cls, box: run[run.length - 1].box, speedKmh: round(est.kmh, 1), speedErrKmh: round(est.errKmh, 1),
      detail: { againstM: round(-along, 2), spanSeconds: round(est.spanSeconds, 2) }, positions: positions(run),
    }];
  }

  private judgeStopped(s: TrackState, lane: string, run: Sample[], t: number): TrafficEvent[] {
    const cfg = this.o.stopped;
    if (cfg === false) return [];
    const T = cfg?.seconds ?? 30, fraction = cfg?.fraction ?? 0.5;
    const len = NOMINAL_LENGTH_M[s.cls];
    const window = run.filter((x) => x.t >= t - T);
    const covered = run.length > 0 && run[0].t <= t - T + 1e-6;
    const c = centroidOf(window);
    // the box's bottom edge jitters; a one-second average of it must stay within the fraction
    const moved = covered && c ? Math.max(...secondMeans(window).map((g) => Math.hypot(g[0] - c[0], g[1] - c[1]))) : Infinity;
    if (moved > fraction * len) {
      if (s.stoppedSince !== null && moved > len) s.stoppedSince = null;
      return [];
    }
    if (s.stoppedSince !== null || this.lanes.get(lane)!.congested) return [];
    s.stoppedSince = t;
    return [{ kind: 'stopped_vehicle', lane, t, trackId: s.id, cls: s.cls, box: run[run.length - 1].box, detail: { stoppedSeconds: T, movedM: round(moved, 2) }, positions: positions(window) }];
  }

  private judgeCongestion(seen: TrackState[], t: number): TrafficEvent[] {
    const cfg = this.o.congestion;
    if (cfg === false) return [];
    const minN = cfg?.minVehicles ?? 3, maxKmh = cfg?.maxKmh ?? 10, hold = cfg?.holdSeconds ?? 5;
    const out: TrafficEvent[] = [];
    for (const l of this.lanes.values()) {
      const here = seen.filter((s) => s.samples[s.samples.length - 1].lane === l.def.name && Number.isFinite(s.samples[s.samples.length - 1].g[0]));
      const speeds = here.map((s) => s.current?.kmh).filter((v): v is number => v !== undefined);
      const med = quantile(speeds, 0.5);
      const now = here.length >= minN && speeds.length >= minN && med !== null && med <= maxKmh;
      l.queueM = now ? queueLength(here.filter((s) => (s.current?.kmh ?? Infinity) <= maxKmh), l.dir) : null;
      if (now === l.congested) { l.flipSince = null; continue; }
      l.flipSince ??= t;
      if (t - l.flipSince < hold) continue;
      l.congested = now;
      l.flipSince = null;
      out.push(now
        ? { kind: 'congestion', lane: l.def.name, t, detail: { vehicles: here.length, medianKmh: round(med ?? 0, 1), queueM: round(l.queueM ?? 0, 1) } }
        : { kind: 'congestion_end', lane: l.def.name, t, detail: { vehicles: here.length } });
    }
    return out;
  }

  private finish(s: TrackState): void {
    const withGround = s.samples.filter((x) => Number.isFinite(x.g[0]));
    const fitted = this.cal ? estimateSpeed(withGround, this.speedOpts()) : null;
    // A speed whose ± is as large as itself says nothing about the vehicle (a track that mixed two
    // of them): the track is counted without a speed, never with that number.
    const est = fitted && fitted.errKmh < fitted.kmh ? fitted : null;
    let lane: string | null = null, best = 0;
    for (const [name, n] of s.laneFrames) if (n > best) { lane = name; best = n; }
    this.finished.push({ id: s.id, cls: s.cls, tIn: s.tIn, tOut: s.lastSeen, speedKmh: est ? round(est.kmh, 1) : null, speedErrKmh: est ? round(est.errKmh, 1) : null, lane });
    if (!lane) return;
    const l = this.lanes.get(lane)!;
    l.counts[s.cls] = (l.counts[s.cls] ?? 0) + 1;
    if (est) {
      l.histogram[Math.min(BINS, Math.floor(est.kmh / BIN_KMH))]++;
      l.speeds.push(est.kmh);
      if (l.speeds.length > KEEP_SPEEDS) l.speeds.shift();
    }
  }
}

function tail(samples: Sample[], seconds: number): Sample[] {
  const t = samples[samples.length - 1].t;
  let i = samples.length - 1;
  while (i > 0 && samples[i - 1].t >= t - seconds) i--;
  return samples.slice(i);
}

function positions(run: Sample[]): MeasuredPosition[] {
  return run.map((x) => ({ t: round(x.t, 3), image: [round(x.image[0], 4), round(x.image[1], 4)], ground: Number.isFinite(x.g[0]) ? [round(x.g[0], 3), round(x.g[1], 3)] : null, box: x.box.map((v) => round(v, 4)) as Box }));
}

function centroidOf(run: GroundSample[]): Point | null {
  if (!run.length) return null;
  return [run.reduce((a, s) => a + s.g[0], 0) / run.length, run.reduce((a, s) => a + s.g[1], 0) / run.length];
}

/** Mean ground positions over consecutive one-second chunks. */
function secondMeans(run: GroundSample[]): Point[] {
  const out: Point[] = [];
  let cur: GroundSample[] = [];
  for (const s of run) {
    if (cur.length && s.t - cur[0].t >= 1) { out.push(centroidOf(cur)!); cur = []; }
    cur.push(s);
  }
  if (cur.length) out.push(centroidOf(cur)!);
  return out;
}

/** From the first to the last slow vehicle along the lane, plus the last one's length. */
function queueLength(slow: TrackState[], dir: Point | null): number {
  if (!slow.length) return 0;
  const pts = slow.map((s) => s.samples[s.samples.length - 1].g);
  let extent = 0;
  if (dir) {
    const proj = pts.map((g) => g[0] * dir[0] + g[1] * dir[1]);
    extent = Math.max(...proj) - Math.min(...proj);
  } else {
    for (const a of pts) for (const b of pts) extent = Math.max(extent, Math.hypot(a[0] - b[0], a[1] - b[1]));
  }
  return extent + Math.max(...slow.map((s) => NOMINAL_LENGTH_M[s.cls]));
}

function quantile(v: number[], q: number): number | null {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const x = (s.length - 1) * q;
  const i = Math.floor(x);
  return round(s[i] + (s[Math.min(i + 1, s.length - 1)] - s[i]) * (x - i), 1);
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
