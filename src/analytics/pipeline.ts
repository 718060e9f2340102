// One camera's analysis, frame by frame: grey copy → motion (+ tamper) → crops where motion is or
// where a tracked object is expected → detector → merged detections → tracker → rules → events.
// It takes frames and a Detector; it knows nothing about ffmpeg, files, HTTP or storage.
import { rgbToGreyDownscaled, cropRgb, motionScaleFor } from './image-ops.ts';
import { MotionDetector, type MotionOptions, type MotionResult } from './motion.ts';
import { motionCrops, rectToRegion, regionToRect, type PixelRect } from './regions.ts';
import { ByteTracker, type Track, type TrackerOptions } from './tracker.ts';
import { isMotionFed } from './motion-blob-detector.ts';
import { iou, boxArea, unionBox, type Box, type Point } from './geometry.ts';
import { LineCounter, type LineDef, type ClassCounts } from './rules/line-crossing.ts';
import { ZoneIntrusion, ZoneDwell, type ZoneDef, type IntrusionOptions } from './rules/zones.ts';
import { LeftObjectRule, type LeftObjectOptions } from './rules/left-object.ts';
import { CrowdDensityRule, type CrowdOptions } from './rules/crowd.ts';
import { TamperDetector, type TamperOptions, type TamperReason } from './rules/tamper.ts';
import { planDetection, type Carried, type SkipOptions } from './detect-skip.ts';
import type { RuleEvent } from './rules/types.ts';
import type { Detection, Detector, DetectorInput } from './detector-types.ts';

export interface PipelineOptions {
  /** size of the RGB frames fed in */
  width: number;
  height: number;
  /**
   * grey frames for motion/tamper are this many times smaller (default: about 90 px high, e.g. 4
   * for 640×360, as Frigate runs motion on a ~100 px high frame)
   */
  motionScale?: number;
  motion?: MotionOptions;
  tracker?: TrackerOptions;
  /** crop side in frame pixels (default: the detector's input size) */
  cropSize?: number;
  /** crops covering more than this fraction of the frame become one full-frame input (default 0.6) */
  fullFrameFraction?: number;
  lines?: LineDef[];
  /** every zone gets an intrusion rule */
  zones?: ZoneDef[];
  intrusion?: IntrusionOptions;
  dwell?: { zone: string; seconds: number }[];
  crowd?: CrowdOptions[];
  leftObject?: LeftObjectOptions;
  /** false turns tamper checks off */
  tamper?: TamperOptions | false;
  /**
   * When a confident track may be carried to its predicted box for a frame instead of detected
   * (detect-skip.ts); false: the detector looks at every track and all motion on every frame.
   */
  detectorSkip?: SkipOptions | false;
}

export interface FrameAnalysis {
  index: number;
  t: number;
  motion: MotionResult;
  regions: PixelRect[];
  detections: Detection[];
  /** confirmed tracks seen in this frame */
  tracks: Track[];
  events: RuleEvent[];
  tamper: TamperReason | null;
  /** tracks carried to their predicted boxes instead of detected on this frame (detect-skip.ts) */
  carried: number;
}

interface Rule { update(tracks: Track[], t: number): RuleEvent[] }

export class CameraPipeline {
  readonly lines: LineCounter[];
  private readonly detector: Detector;
  private readonly o: PipelineOptions;
  private readonly grey: Uint8Array;
  private readonly greyW: number;
  private readonly greyH: number;
  private readonly motionScale: number;
  private readonly motion: MotionDetector;
  private readonly tamper: TamperDetector | null;
  private readonly tracker: ByteTracker;
  private readonly rules: Rule[];
  private readonly cropPool = new Map<number, Uint8Array[]>();
  private readonly guards: [Point, Point][];
  private readonly highScore: number;
  private readonly skipOpts: SkipOptions | false;
  /** each live track's last two boxes and the frames they are from: its velocity per frame */
  private readonly history = new Map<number, { prev: Box; prevFrame: number; last: Box; lastFrame: number }>();
  private frameNo = 0;
  /** tracks carried on the last frame */
  private readonly carriedInARow = new Map<number, number>();

  constructor(detector: Detector, opts: PipelineOptions) {
    this.detector = detector;
    this.o = opts;
    const scale = (this.motionScale = opts.motionScale ?? motionScaleFor(opts.height));
    this.greyW = Math.floor(opts.width / scale);
    this.greyH = Math.floor(opts.height / scale);
    this.grey = new Uint8Array(this.greyW * this.greyH);
    this.motion = new MotionDetector(this.greyW, this.greyH, opts.motion);
    this.tamper = opts.tamper === false ? null : new TamperDetector(this.greyW, this.greyH, opts.tamper ?? {});
    this.tracker = new ByteTracker(opts.tracker);
    this.lines = (opts.lines ?? []).map((l) => new LineCounter(l));
    const zones = new Map((opts.zones ?? []).map((z) => [z.name, z]));
    this.rules = [
      ...this.lines,
      ...(opts.zones ?? []).map((z) => new ZoneIntrusion(z, opts.intrusion)),
      ...(opts.dwell ?? []).map((d) => {
        const z = zones.get(d.zone);
        if (!z) throw new Error(`dwell rule names unknown zone "${d.zone}"`);
        return new ZoneDwell(z, d.seconds);
      }),
      ...(opts.crowd ?? []).map((c) => new CrowdDensityRule(c)),
      ...(opts.leftObject ? [new LeftObjectRule(opts.leftObject)] : []),
    ];
    // Where a rule's decision changes: lines and the edges of every zone a rule watches.
    const edges = (poly: Point[]) => poly.map((p, i): [Point, Point] => [p, poly[(i + 1) % poly.length]]);
    this.guards = [
      ...(opts.lines ?? []).map((l): [Point, Point] => [l.p1, l.p2]),
      ...(opts.zones ?? []).flatMap((z) => edges(z.polygon)),
      ...(opts.crowd ?? []).flatMap((c) => edges(c.polygon)),
    ];
    // Carried tracks are fed to the tracker as detections scoring its high score: matched in its
    // first pass, and (below its new-track score) never the start of a second track.
    this.highScore = opts.tracker?.highScore ?? 0.5;
    const newTrackScore = opts.tracker?.newTrackScore ?? 0.6;
    this.skipOpts = opts.detectorSkip === false || newTrackScore <= this.highScore ? false : (opts.detectorSkip ?? {});
  }

  lineCounts(): Record<string, { positive: ClassCounts; negative: ClassCounts }> {
    const out: Record<string, { positive: ClassCounts; negative: ClassCounts }> = {};
    for (const l of this.lines) out[l.def.name] = { positive: { ...l.positive }, negative: { ...l.negative } };
    return out;
  }

  /** Live tracks including lost and tentative ones (for drawing). */
  liveTracks(): Track[] {
    return this.tracker.all();
  }

  async process(frame: { index: number; t: number; rgb: Uint8Array }): Promise<FrameAnalysis> {
    const { width: W, height: H } = this.o;
    rgbToGreyDownscaled(frame.rgb, W, H, this.motionScale, this.grey);
    const events: RuleEvent[] = [];
    const motion = this.motion.detect(this.grey);
    if (this.tamper) events.push(...this.tamper.update(this.grey, frame.t, motion));
    const tamper = this.tamper?.current ?? null;

    const live = this.tracker.all();
    this.remember(live);
    const no = this.frameNo++;
    const cropSize = this.o.cropSize ?? this.detector.inputSize;
    const cropsFor = (boxes: Box[]) => motionCrops(boxes, W, H, { cropSize, fullFrameFraction: this.o.fullFrameFraction });
    // Where tracked objects should be, so a car that stops keeps being detected (and tracked).
    const expected: Box[] = live.filter((tr) => tr.state !== 'tentative').map((tr) => tr.box);
    let regions: PixelRect[];
    let carried: Carried[] = [];
    if (this.skipOpts) {
      const plan = planDetection({
        motion: motion.boxes, tracks: live, predict: (tr) => this.predict(tr, no), carriedInARow: (tr) => this.carriedInARow.get(tr.id) ?? 0,
        guards: this.guards, cropsFor: (boxes) => cropsFor(boxes).map((r) => rectToRegion(r, W, H)),
      }, this.skipOpts);
      carried = plan.carried;
      regions = plan.crops.map((b) => regionToRect(b, W, H));
    } else regions = cropsFor([...motion.boxes, ...expected]);
    let detections: Detection[] = [];
    if (regions.length > 0) {
      if (isMotionFed(this.detector)) this.detector.observeMotion(motion.boxes);
      const batch = this.crops(frame.rgb, regions);
      const perCrop = await this.detector.detect(batch);
      detections = mergeDetections(perCrop.flat()).filter((d) => touchesAny(d.box, motion.boxes) || touchesAny(d.box, expected));
    }
    // Carried tracks get their predicted box as a detection scoring the tracker's high score:
    // matched in its first pass, and (below its new-track score) never the start of a second track.
    const fed = carried.length ? [...detections, ...carried.map((c): Detection => ({ cls: c.track.cls, score: this.highScore, box: c.predicted }))] : detections;
    const tracks = this.tracker.update(fed, frame.t);
    const before = carried.map((c) => (this.carriedInARow.get(c.track.id) ?? 0) + 1);
    this.carriedInARow.clear();
    carried.forEach((c, i) => this.carriedInARow.set(c.track.id, before[i]));
    for (const r of this.rules) events.push(...r.update(tracks, frame.t));
    return { index: frame.index, t: frame.t, motion, regions, detections, tracks, events, tamper, carried: carried.length };
  }

  /** Records the live tracks' boxes as of the end of the previous frame (number frameNo − 1). */
  private remember(live: Track[]): void {
    const f = this.frameNo - 1;
    for (const tr of live) {
      const h = this.history.get(tr.id);
      // a track missed on the last frame kept its old box: no velocity from that
      if (tr.misses > 0) { if (h) h.lastFrame = h.prevFrame = -2; continue; }
      if (!h) this.history.set(tr.id, { prev: tr.box, prevFrame: -2, last: tr.box, lastFrame: f });
      else if (h.lastFrame !== f) {
        h.prev = h.last; h.prevFrame = h.lastFrame;
        h.last = tr.box; h.lastFrame = f;
      }
    }
    // tracks the tracker dropped
    if (this.history.size > live.length) {
      const ids = new Set(live.map((tr) => tr.id));
      for (const id of this.history.keys()) if (!ids.has(id)) this.history.delete(id);
    }
  }

  /**
   * A track's box on frame `no` and the one after, at its velocity over the last two frames (a
   * track unmatched on either has none). The tracker's Kalman filter predicts the same
   * constant-velocity step from its smoothed state; this is only used to decide and to carry.
   */
  private predict(tr: Track, no: number): { now: Box; next: Box } | null {
    const h = this.history.get(tr.id);
    if (!h || h.lastFrame !== no - 1 || h.prevFrame !== no - 2) return null;
    const l = h.last, p = h.prev;
    const v: Box = [l[0] - p[0], l[1] - p[1], l[2] - p[2], l[3] - p[3]];
    return { now: [l[0] + v[0], l[1] + v[1], l[2] + v[2], l[3] + v[3]], next: [l[0] + 2 * v[0], l[1] + 2 * v[1], l[2] + 2 * v[2], l[3] + 2 * v[3]] };
  }

  /** Crop buffers come from a pool keyed by size: the same few sizes recur frame after frame. */
  private crops(rgb: Uint8Array, regions: PixelRect[]): DetectorInput[] {
    const { width: W, height: H } = this.o;
    const used = new Map<number, number>();
    return regions.map((r) => {
      const bytes = r.w * r.h * 3;
      const n = used.get(bytes) ?? 0;
      used.set(bytes, n + 1);
      let pool = this.cropPool.get(bytes);
      if (!pool) this.cropPool.set(bytes, (pool = []));
      if (!pool[n]) pool[n] = new Uint8Array(bytes);
      cropRgb(rgb, W, r.x, r.y, r.w, r.h, pool[n]);
      return { rgb: pool[n], width: r.w, height: r.h, region: rectToRegion(r, W, H) };
    });
  }
}

/** Classes a detector confuses for one another on the same object (a van: car or truck?). */
const ROAD_VEHICLE = new Set(['car', 'truck', 'bus']);

function sameKind(a: Detection['cls'], b: Detection['cls']): boolean {
  return a === b || (ROAD_VEHICLE.has(a) && ROAD_VEHICLE.has(b));
}

/**
 * Overlapping crops see the same object twice, once perhaps cut by a crop edge, and a detector may
 * call one van both "car" and "truck". Boxes of the same kind that overlap (IoU ≥ 0.5), or where
 * one mostly contains the other and is at least 40 % of its size (a copy cut by a crop edge), are
 * one object: keep the best score and its class, and the union of the boxes, so a cut copy does not
 * shrink the whole one. A big box never swallows small ones (a spurious frame-sized "bus" would
 * otherwise eat every car), and a person on a bicycle stays two.
 */
export function mergeDetections(dets: Detection[]): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const out: Detection[] = [];
  for (const d of sorted) {
    const same = out.find((k) => sameKind(k.cls, d.cls) && (iou(k.box, d.box) >= 0.5 || (containment(k.box, d.box) >= 0.8 && areaRatio(k.box, d.box) >= 0.4)));
    if (same) same.box = unionBox(same.box, d.box);
    else out.push({ cls: d.cls, score: d.score, box: d.box.slice() as Box });
  }
  return out;
}

/**
 * Objects are born where something moves or live where a track expects them: a static thing the
 * detector mistakes for a car (a lane marking, a bollard) in a crop taken for something else never
 * becomes a track.
 */
function touchesAny(b: Box, boxes: Box[]): boolean {
  return boxes.some((m) => containment(b, m) > 0.3);
}

function areaRatio(a: Box, b: Box): number {
  const x = boxArea(a), y = boxArea(b);
  return Math.min(x, y) / Math.max(1e-12, Math.max(x, y));
}

function containment(a: Box, b: Box): number {
  const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / Math.max(1e-12, Math.min(boxArea(a), boxArea(b)));
}
