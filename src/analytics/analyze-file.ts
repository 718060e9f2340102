// Offline analysis of one video (file or stream URL): the same CameraPipeline a live camera runs,
// fed by ffmpeg as fast as it decodes. Returns the JSON-able result `vigil analyze` prints.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrames, probeVideo, redactUrl, scaledSize } from './frame-source.ts';
import { CameraPipeline } from './pipeline.ts';
import { annotate, Canvas } from './annotate.ts';
import { encodePng } from '../media/index.ts';
import type { AnalyzeArgs } from './analyze-args.ts';
import type { Detector } from './detector-types.ts';
import type { TrackerOptions } from './tracker.ts';
import type { RuleEvent } from './rules/types.ts';
import type { ClassCounts } from './rules/line-crossing.ts';

export interface AnalyzeResult {
  file: string;
  frames: number;
  /** seconds of video analysed (frames / fps) */
  seconds: number;
  fps: number;
  width: number;
  height: number;
  detector: string;
  /** wall-clock processing time */
  elapsedSeconds: number;
  lines: Record<string, { positive: ClassCounts; negative: ClassCounts }>;
  events: RuleEvent[];
}

/** Makes the detector for a frame size; `tracker` carries score thresholds suited to it. */
export type DetectorFactory = (frame: { width: number; height: number }) => Promise<{ detector: Detector; name: string; tracker?: TrackerOptions }>;

export async function analyzeVideo(args: AnalyzeArgs, makeDetector: DetectorFactory, log: (msg: string) => void = () => {}): Promise<AnalyzeResult> {
  const started = performance.now();
  const info = await probeVideo(args.file);
  const size = scaledSize(info, args.width);
  const { detector, name, tracker } = await makeDetector(size);
  log(`analysing ${redactUrl(args.file)}: ${info.width}x${info.height} → ${size.width}x${size.height} at ${args.fps} fps, detector ${name}`);
  const pipeline = new CameraPipeline(detector, {
    width: size.width, height: size.height, lines: args.lines, zones: args.zones, dwell: args.dwell, crowd: args.crowd,
    leftObject: args.leftObjectSeconds === null ? undefined : { name: 'left-object', seconds: args.leftObjectSeconds },
    tamper: args.tamper ? {} : false, tracker,
    motion: args.masks.length ? { ignore: args.masks } : undefined,
  });
  if (args.annotateDir) mkdirSync(args.annotateDir, { recursive: true });
  const events: RuleEvent[] = [];
  let frames = 0;
  const scratch = new Uint8Array(size.width * size.height * 3);
  try {
    for await (const frame of decodeFrames({ input: args.file, fps: args.fps, maxFrames: args.maxFrames ?? undefined }, size)) {
      const r = await pipeline.process(frame);
      frames++;
      for (const e of r.events) events.push(roundEvent(e));
      if (args.annotateDir && (frame.index % args.annotateEvery === 0 || r.events.length > 0)) {
        scratch.set(frame.rgb);
        const counts = pipeline.lineCounts();
        const canvas = new Canvas(scratch, size.width, size.height);
        annotate(canvas, {
          zones: [...args.zones, ...args.masks.map((polygon) => ({ name: 'MASK', polygon }))], regions: r.regions, motion: r.motion.boxes,
          lines: args.lines.map((l) => ({ ...l, positive: total(counts[l.name].positive), negative: total(counts[l.name].negative) })),
          tracks: pipeline.liveTracks(), caption: `F${frame.index} T${frame.t.toFixed(1)}${r.tamper ? ` ${r.tamper}` : ''}`,
        });
        writeFileSync(join(args.annotateDir, `frame-${String(frame.index).padStart(5, '0')}.png`), encodePng(scratch, size.width, size.height));
      }
    }
  } finally {
    await detector.close();
  }
  return {
    file: args.file, frames, seconds: round(frames / args.fps, 3), fps: args.fps, width: size.width, height: size.height, detector: name,
    elapsedSeconds: round((performance.now() - started) / 1000, 3), lines: pipeline.lineCounts(), events,
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
