// One detector configuration for live cameras and `vigil analyze`: the model's input size, how a
// busy frame is tiled, and score thresholds per class. Stored per camera (config file and API,
// `analytics.detection`) and given to `vigil analyze` as options, so the same settings give the
// same counts in both. Pure.
import type { DetClass } from './detector-types.ts';
import type { TrackerOptions } from './tracker.ts';

/** Score thresholds of one class, on the tracker's scale (see ByteTracker). */
export interface ClassThresholds {
  /** detections below this are dropped (the tracker's low-score pass still uses those above) */
  low?: number;
  /** from here a detection is a clear sighting (matched first, may re-find a lost track) */
  high?: number;
  /** a detection must score this much to start a track */
  start?: number;
}

export interface DetectionSettings {
  /** square model input side, px (multiple of 32); crops around motion are this many frame pixels */
  inputSize: number;
  /**
   * How a frame with motion almost everywhere is seen: `rows` rows of overlapping square tiles
   * (1: tiles as tall as the frame; 2: ~half as tall, 1.8× the resolution, 4× the cost), or
   * false for the whole frame in one input, letterboxed at one scale (the cheapest; a 640×360
   * frame is seen at half size: before 2026-12-02 it was squeezed, every object at half its width).
   */
  tiles: { rows: number } | false;
  /** per-class thresholds over the defaults (NANODET_TRACKER) */
  classes: Partial<Record<DetClass, ClassThresholds>>;
}

/**
 * Tiles cost up to twice the detector CPU on busy frames, so by default only cameras that count
 * people (a crowd rule) get them; any camera can ask with `tiles`. Seen in tiles at up to twice the
 * resolution of a squeezed frame, people score 0.6–0.8 where they scored 0.3–0.5, but so do fixtures
 * (posts, signs, a cone), which score 0.3–0.5 and became tracks at the vehicles' bar (start 0.35):
 * with tiles, people get a higher bar. Chosen on the tuning frames of
 * bench/ground-truth/crowd-hand-counts.json (bench/results/eval-crowd-2026-12-02.md).
 */
export const DEFAULT_DETECTION: DetectionSettings = { inputSize: 320, tiles: false, classes: {} };
export const CROWD_TILES: { rows: number } = { rows: 1 };
export const TILED_PERSON: ClassThresholds = { low: 0.2, high: 0.4, start: 0.5 };

/**
 * Settings from partial input (config, API, CLI), defaults filled in: `counting` (the camera has a
 * crowd rule) turns tiles on unless they are set; with tiles on, people get TILED_PERSON unless set.
 */
export function detectionSettings(input: Partial<DetectionSettings> | undefined, context: { counting?: boolean } = {}): DetectionSettings {
  const tiles = input?.tiles !== undefined ? input.tiles : context.counting ? CROWD_TILES : DEFAULT_DETECTION.tiles;
  return {
    inputSize: input?.inputSize ?? DEFAULT_DETECTION.inputSize,
    tiles,
    classes: { ...DEFAULT_DETECTION.classes, ...(tiles ? { person: TILED_PERSON } : {}), ...(input?.classes ?? {}) },
  };
}

/** The tracker's options for these settings over the detector's base thresholds. */
export function trackerOptionsFor(base: TrackerOptions, d: DetectionSettings): TrackerOptions {
  const perClass: TrackerOptions['perClass'] = {};
  for (const [cls, t] of Object.entries(d.classes) as [DetClass, ClassThresholds][]) {
    perClass[cls] = { lowScore: t.low, highScore: t.high, newTrackScore: t.start };
  }
  return { ...base, perClass: { ...base.perClass, ...perClass } };
}

/** The lowest score any class keeps: what the detector itself must report. */
export function lowestScore(base: TrackerOptions, d: DetectionSettings): number {
  const lows = [base.lowScore ?? 0.1, ...Object.values(base.perClass ?? {}).map((c) => c?.lowScore ?? Infinity), ...Object.values(d.classes).map((c) => c?.low ?? Infinity)];
  return Math.min(...lows);
}
