// One camera's analysis, frame by frame: grey copy → motion (+ tamper) → crops where motion is or
// where a tracked object is expected → detector → merged detections → tracker → rules → events.
// It takes frames and a Detector; it knows nothing about ffmpeg, files, HTTP or storage.
import { rgbToGreyDownscaled, cropRgb, motionScaleFor } from './image-ops.ts';
import { MotionDetector, type MotionOptions, type MotionResult } from './motion.ts';
import { motionCrops, rectToRegion, type PixelRect } from './regions.ts';
import { ByteTracker, sameKind, type Track, type TrackerOptions } from './tracker.ts';
import { isMotionFed } from './motion-blob-detector.ts';
import { iou, boxArea, unionBox, type Box } from './geometry.ts';
import { LineCounter, type LineDef, type ClassCounts } from './rules/line-crossing.ts';
import { ZoneIntrusion, ZoneDwell, type ZoneDef, type IntrusionOptions } from './rules/zones.ts';
import { LeftObjectRule, type LeftObjectOptions } from './rules/left-object.ts';
import { CrowdDensityRule, type CrowdOptions } from './rules/crowd.ts';
import { TamperDetector, type TamperOptions, type TamperReason } from './rules/tamper.ts';
import type { RuleEvent, TrackRule } from './rules/types.ts';
import type { Detection, Detector, DetectorInput } from './detector-types.ts';
import { detectionSettings, trackerOptionsFor, type DetectionSettings } from './detection-settings.ts';

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
  /**
   * Input size, tiling and per-class thresholds (defaults: detectionSettings, with tiles when there
   * is a crowd rule; the detector's own input size when none is given). Its class thresholds apply
   * over `tracker`.
   */
  detection?: Partial<DetectionSettings>;
  /** crop side in frame pixels (default: the input size) */
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
  /** rules made outside this part (traffic), given each frame's confirmed tracks after the built-in ones */
  trackRules?: TrackRule[];
}

export interface FrameAnalysis {
  index: number;
  t: number;
  motion: MotionResult;
  regions: PixelRect[];
  detections: Detection[];
  /** confirmed tracks seen in this frame */
  tracks: Track[];
  /** the objects taken to be in view now: what occupancy and the crowd rule count */
  present: Track[];
  events: RuleEvent[];
  tamper: TamperReason | null;
  /** wall ms this frame waited for the detector (0 when nothing was sent) */
  detectMs: number;
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
  readonly detection: DetectionSettings;
  /** per class, the score below which a detection is nothing (not even merged into another's box) */
  private readonly lowScore: (cls: Detection['cls']) => number;

  constructor(detector: Detector, opts: PipelineOptions) {
    this.detector = detector;
    this.o = opts;
    this.detection = detectionSettings({ inputSize: detector.inputSize, ...opts.detection }, { counting: (opts.crowd ?? []).length > 0 });
    const scale = (this.motionScale = opts.motionScale ?? motionScaleFor(opts.height));
    this.greyW = Math.floor(opts.width / scale);
    this.greyH = Math.floor(opts.height / scale);
    this.grey = new Uint8Array(this.greyW * this.greyH);
    this.motion = new MotionDetector(this.greyW, this.greyH, opts.motion);
    this.tamper = opts.tamper === false ? null : new TamperDetector(this.greyW, this.greyH, opts.tamper ?? {});
    const trackerOpts = trackerOptionsFor(opts.tracker ?? {}, this.detection);
    this.tracker = new ByteTracker(trackerOpts);
    this.lowScore = (cls) => trackerOpts.perClass?.[cls]?.lowScore ?? trackerOpts.lowScore ?? 0;
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
      ...(opts.trackRules ?? []),
    ];
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

    // Where tracked objects should be, so a car that stops keeps being detected (and tracked).
    const expected: Box[] = this.tracker.all().filter((tr) => tr.state !== 'tentative').map((tr) => tr.box);
    const regions = motionCrops([...motion.boxes, ...expected], W, H, { cropSize: this.o.cropSize ?? this.detection.inputSize, fullFrameFraction: this.o.fullFrameFraction, tiles: this.detection.tiles });
    let detections: Detection[] = [];
    let detectMs = 0;
    if (regions.length > 0) {
      if (isMotionFed(this.detector)) this.detector.observeMotion(motion.boxes);
      const batch = this.crops(frame.rgb, regions);
      const sent = performance.now();
      const perCrop = await this.detector.detect(batch);
      detectMs = performance.now() - sent;
      const kept = perCrop.flatMap((dets, i) => dets.filter((d) => d.score >= this.lowScore(d.cls)).map((d) => ({ ...d, crop: batch[i].region })));
      detections = mergeDetections(kept, { peopleApart: this.detection.tiles !== false }).filter((d) => touchesAny(d.box, motion.boxes) || touchesAny(d.box, expected));
    }
    const tracks = this.tracker.update(detections, frame.t);
    const present = this.tracker.present(1);
    for (const r of this.rules) events.push(...(r instanceof CrowdDensityRule ? r.update(present, frame.t, motion.boxes) : r.update(tracks, frame.t)));
    return { index: frame.index, t: frame.t, motion, regions, detections, tracks, present, events, tamper, detectMs };
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
      return { rgb: pool[n], width: r.w, height: r.h, region: rectToRegion(r, W, H), size: this.detection.inputSize, fit: 'letterbox' };
    });
  }
}

/** A detection and the crop (normalised region) it was found in. */
export type CropDetection = Detection & { crop?: [number, number, number, number] };

/**
 * Overlapping crops and tiles see the same object twice, once perhaps cut by a crop edge, and a
 * detector may call one van both "car" and "truck". The rule is per class:
 * - **people** stand closer together than anything else, and inside one crop the detector's own
 *   per-class suppression has already decided what is one person, so two people side by side, or
 *   one half hidden behind another, found in one crop stay two. Merged are only boxes from
 *   different crops with IoU ≥ 0.6, or a copy cut by its crop's inner edge lying ≥ 80 % inside a
 *   box from another crop at least 40 % of its size;
 * - **vehicles and two-wheelers** (the rule eval:analytics was developed with): boxes of one kind
 *   (car/truck/bus are one) with IoU ≥ 0.5, or where one mostly contains the other (≥ 80 %) and is
 *   at least 40 % of its size, whichever crop they come from.
 * The best score and its class are kept, and the union of the boxes, so a cut copy does not shrink
 * the whole one. A big box never swallows small ones (a spurious frame-sized "bus" would otherwise
 * eat every car), and a person on a bicycle stays two.
 */
export function mergeDetections(dets: CropDetection[], opts: { peopleApart?: boolean } = {}): Detection[] {
  // Without tiles (a camera that does not count people) people merge as vehicles do: NanoDet also
  // calls parts of cars "person", and the line counts were developed with those merged.
  const peopleApart = opts.peopleApart ?? true;
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const out: CropDetection[] = [];
  for (const d of sorted) {
    const same = out.find((k) => {
      if (!sameKind(k.cls, d.cls)) return false;
      const nested = containment(k.box, d.box) >= 0.8 && areaRatio(k.box, d.box) >= 0.4;
      if (d.cls !== 'person' || !peopleApart) return iou(k.box, d.box) >= 0.5 || nested;
      const otherCrop = !k.crop || !d.crop || k.crop.some((v, i) => v !== d.crop![i]);
      return otherCrop && (iou(k.box, d.box) >= PERSON_MERGE_IOU || (nested && (cutByCrop(d) || cutByCrop(k))));
    });
    if (same) same.box = unionBox(same.box, d.box);
    else out.push({ cls: d.cls, score: d.score, box: d.box.slice() as Box, crop: d.crop });
  }
  return out.map(({ cls, score, box }) => ({ cls, score, box }));
}

/** IoU from which two person boxes from different crops are one person. */
const PERSON_MERGE_IOU = 0.6;

/** Whether a box touches an edge of its crop that is not the frame's edge (it may be cut there). */
function cutByCrop(d: CropDetection): boolean {
  if (!d.crop) return true;
  const e = 0.004;
  const [x1, y1, x2, y2] = d.crop;
  return (x1 > 0 && d.box[0] - x1 < e) || (y1 > 0 && d.box[1] - y1 < e) || (x2 < 1 && x2 - d.box[2] < e) || (y2 < 1 && y2 - d.box[3] < e);
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
