// Offline analysis of one video (file or stream URL): the same CameraPipeline a live camera runs,
// fed by ffmpeg as fast as it decodes. Returns the JSON-able result `vigil analyze` prints.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrames, probeVideo, redactUrl, scaledSize } from './frame-source.ts';
import { CameraPipeline, type FrameAnalysis } from './pipeline.ts';
import { annotate, Canvas } from './annotate.ts';
import { encodePng } from '../media/index.ts';
import type { Detector } from './detector-types.ts';
import type { TrackerOptions } from './tracker.ts';
import { detectionSettings, type DetectionSettings } from './detection-settings.ts';
import type { RuleEvent } from './rules/types.ts';
import { zoneOccupancy, type ClassCount } from './rules/occupancy.ts';
import type { ClassCounts, LineDef } from './rules/line-crossing.ts';
import type { ZoneDef } from './rules/zones.ts';
import type { CrowdOptions } from './rules/crowd.ts';
import type { Point } from './geometry.ts';

/** One offline analysis: the video, the rules, the rate and size it is analysed at. */
export interface AnalyzeOptions {
  file: string;
  lines: LineDef[];
  zones: ZoneDef[];
  masks: Point[][];
  dwell: { zone: string; seconds: number }[];
  crowd: CrowdOptions[];
  leftObjectSeconds: number | null;
  fps: number;
  width: number;
  annotateDir: string | null;
  annotateEvery: number;
  maxFrames: number | null;
  tamper: boolean;
  /** input size, tiling, per-class thresholds (only what was given; defaults fill the rest) */
  detection: Partial<DetectionSettings>;
}

export interface AnalyzeResult {
  file: string;
  frames: number;
  /** seconds of video analysed (frames / fps) */
  seconds: number;
  fps: number;
  width: number;
  height: number;
  detector: string;
  /**
   * The model file the detector ran (null for the motion stand-in): an int8 model's name carries
   * the key of the frames it was calibrated on, which change what it finds (model-build.ts).
   */
  model: string | null;
  /** wall-clock processing time */
  elapsedSeconds: number;
  /** the detector settings used (input size, tiling, per-class thresholds) */
  detection: DetectionSettings;
  /**
   * What detection cost per analysed frame: model runs, and input pixels relative to one 320 px
   * run (≈ the CPU cost relative to one 320 px inference), and wall ms waiting for the detector.
   */
  cost: { inferencesPerFrame: number; units320PerFrame: number; detectorWallMsPerFrame: number };
  lines: Record<string, { positive: ClassCounts; negative: ClassCounts }>;
  events: RuleEvent[];
  /**
   * Per zone, the objects standing in it at every analysed frame, per class (what the crowd rule
   * counts); `t` is the frame's presentation time in the file, s.
   */
  occupancy: Record<string, OccupancySample[]>;
}

export type OccupancySample = { t: number } & ClassCount;

/**
 * Makes the detector for a frame size and detector settings; `tracker` carries score thresholds
 * suited to it (the settings' per-class thresholds apply over them).
 */
export type DetectorFactory = (frame: { width: number; height: number }, detection: DetectionSettings) => Promise<{ detector: Detector; name: string; tracker?: TrackerOptions }>;

/** Sees every analysed frame; `pts` is the frame's presentation time in the file, s. */
export type FrameObserver = (analysis: FrameAnalysis, pts: number) => void;

export async function analyzeVideo(args: AnalyzeOptions, makeDetector: DetectorFactory, log: (msg: string) => void = () => {}, observe?: FrameObserver): Promise<AnalyzeResult> {
  const started = performance.now();
  const info = await probeVideo(args.file);
  const size = scaledSize(info, args.width);
  const detection = detectionSettings(args.detection, { counting: args.crowd.length > 0 });
  const { detector, name, tracker } = await makeDetector(size, detection);
  log(`analysing ${redactUrl(args.file)}: ${info.width}x${info.height} → ${size.width}x${size.height} at ${args.fps} fps, detector ${name}${detector.model ? ` (${detector.model})` : ''}`);
  const pipeline = new CameraPipeline(detector, {
    width: size.width, height: size.height, lines: args.lines, zones: args.zones, dwell: args.dwell, crowd: args.crowd,
    leftObject: args.leftObjectSeconds === null ? undefined : { name: 'left-object', seconds: args.leftObjectSeconds },
    tamper: args.tamper ? {} : false, tracker, detection,
    motion: args.masks.length ? { ignore: args.masks } : undefined,
  });
  if (args.annotateDir) mkdirSync(args.annotateDir, { recursive: true });
  const events: RuleEvent[] = [];
  const occupancy: Record<string, OccupancySample[]> = Object.fromEntries(args.zones.map((z) => [z.name, []]));
  let frames = 0;
  let inferences = 0, units = 0, detectMs = 0;
  const scratch = new Uint8Array(size.width * size.height * 3);
  try {
    for await (const frame of decodeFrames({ input: args.file, fps: args.fps, maxFrames: args.maxFrames ?? undefined }, size)) {
      const r = await pipeline.process(frame);
      frames++;
      inferences += r.regions.length;
      units += r.regions.length * (pipeline.detection.inputSize / 320) ** 2;
      detectMs += r.detectMs;
      for (const e of r.events) events.push(roundEvent(e));
      const t = round(info.startTime + frame.t, 3);
      observe?.(r, info.startTime + frame.t);
      for (const z of args.zones) occupancy[z.name].push({ t, ...zoneOccupancy(r.present, z.polygon) });
      if (args.annotateDir && (frame.index % args.annotateEvery === 0 || r.events.length > 0)) {
        scratch.set(frame.rgb);
        const counts = pipeline.lineCounts();
        const canvas = new Canvas(scratch, size.width, size.height);
        annotate(canvas, {
          zones: [...args.zones, ...args.masks.map((polygon) => ({ name: 'MASK', polygon }))], regions: r.regions, motion: r.motion.boxes,
          lines: args.lines.map((l) => ({ ...l, positive: total(counts[l.name].positive), negative: total(counts[l.name].negative) })),
          tracks: pipeline.liveTracks(), detections: r.detections,
          // each zone's person count as occupancy reports it, to hold against a hand count on the picture
          caption: `F${frame.index} T${frame.t.toFixed(1)}${args.zones.map((z) => ` ${z.name}:${occupancy[z.name].at(-1)?.person ?? 0}P`).join('')}${r.tamper ? ` ${r.tamper}` : ''}`,
        });
        writeFileSync(join(args.annotateDir, `frame-${String(frame.index).padStart(5, '0')}.png`), encodePng(scratch, size.width, size.height));
      }
    }
  } finally {
    await detector.close();
  }
  return {
    file: args.file, frames, seconds: round(frames / args.fps, 3), fps: args.fps, width: size.width, height: size.height, detector: name, model: detector.model ?? null, detection: pipeline.detection,
    cost: { inferencesPerFrame: round(inferences / Math.max(1, frames), 3), units320PerFrame: round(units / Math.max(1, frames), 3), detectorWallMsPerFrame: round(detectMs / Math.max(1, frames), 2) },
    elapsedSeconds: round((performance.now() - started) / 1000, 3), lines: pipeline.lineCounts(), events, occupancy,
  };
}

function total(c: ClassCounts): number {
  return Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function roundEvent(e: RuleEvent): RuleEvent {
  return { ...e, t: round(e.t, 3), ...(e.box ? { box: e.box.map((v) => round(v, 4)) as RuleEvent['box'] } : {}) };
}
