// One camera's live analysis: frames from its live fan-out → CameraPipeline → rule events handed
// to the caller with the analysed frame. The analyser never queues: while a frame is being
// analysed, newer frames replace each other in one slot, so a slow analyser drops frames and its
// alarms stay close to real time instead of falling further and further behind.
import { CameraPipeline, type FrameAnalysis, type PipelineOptions } from '../pipeline.ts';
import type { DetectionSettings } from '../detection-settings.ts';
import type { Detection, Detector } from '../detector-types.ts';
import type { RuleEvent, TrackRule } from '../rules/types.ts';
import type { Track, TrackerOptions } from '../tracker.ts';
import type { AnalyticsConfig } from '../../core/index.ts';
import type { CameraRuntime } from '../../live/index.ts';
import { LiveFrameSource, type LiveFrame } from './live-frames.ts';
import { PaceMeter, type Pace } from './analysis-pace.ts';

export interface AnalysedFrame {
  cameraId: string;
  /** the analysed picture; the receiver owns it (may blur it in place) */
  rgb: Uint8Array;
  width: number;
  height: number;
  capturedAt: number;
  /** the camera's own send time of the picture, when it stamps one */
  cameraTime: number | null;
  /** when analysis of the frame finished (wall ms): with capturedAt, where alert latency goes */
  analysedAt: number;
  events: RuleEvent[];
  tracks: Track[];
  /** every box detected in this frame (tracked or not), for blurring */
  detections: Detection[];
}

export interface CameraAnalyserOptions {
  cameraId: string;
  settings: AnalyticsConfig;
  runtime: CameraRuntime;
  /** detector for this camera (shared between cameras when it is the neural one) */
  detector: (size: { width: number; height: number }) => Detector;
  /** score thresholds of the tracker, for the detector's score scale (default: the tracker's own) */
  tracker?: TrackerOptions;
  onEvents: (frame: AnalysedFrame) => void | Promise<void>;
  onError: (message: string) => void;
  /** rules made outside analytics (traffic), new ones for each pipeline (a new frame size starts afresh) */
  trackRules?: () => TrackRule[];
  /**
   * Sees every analysed frame and its picture (the buffer is reused after the call returns), so the
   * live counts can be held against `vigil analyze` on the same pictures
   * (test/analytics/live/live-vs-analyze.test.ts).
   */
  onAnalysed?: (analysis: FrameAnalysis, rgb: Uint8Array) => void;
  ffmpeg?: string;
}

export interface AnalyserStats {
  framesDecoded: number;
  framesAnalysed: number;
  framesDropped: number;
  /** model runs: one per crop sent to the detector */
  inferences: number;
  /** frames that went to the detector at all (motion or tracked objects) */
  detectorFrames: number;
  /** fMP4 fragments (pictures) the frame source was given by the live fan-out */
  fragments: number;
  /** model runs weighted by input pixels, in 320 px runs (the detector's CPU scales with them) */
  units320: number;
  /** wall ms the analysed frames waited for the detector */
  detectorMs: number;
}

/** What detection costs this camera per analysed frame (the API's `cost`). */
export function costPerFrame(s: AnalyserStats): { inferencesPerFrame: number; units320PerFrame: number; detectorWallMsPerFrame: number } | null {
  if (s.framesAnalysed === 0) return null;
  const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  return { inferencesPerFrame: r(s.inferences / s.framesAnalysed, 3), units320PerFrame: r(s.units320 / s.framesAnalysed, 3), detectorWallMsPerFrame: r(s.detectorMs / s.framesAnalysed, 2) };
}

export function pipelineOptions(s: AnalyticsConfig, width: number, height: number, epochOffset: number, tracker?: TrackerOptions, trackRules?: TrackRule[]): PipelineOptions {
  return {
    width,
    height,
    tracker,
    lines: s.lines.map((l) => ({ name: l.name, p1: l.p1, p2: l.p2, classes: l.classes })),
    zones: s.zones.map((z) => ({ name: z.name, polygon: z.polygon, classes: z.classes, schedule: z.schedule })),
    // schedules are in the server's local time
    intrusion: { epochOffset, utcOffsetMinutes: -new Date(epochOffset * 1000).getTimezoneOffset() },
    motion: s.masks.length ? { ignore: s.masks.map((m) => m.polygon) } : undefined,
    dwell: s.dwell,
    crowd: s.crowd,
    // the camera's detector settings (input size, tiles, per-class thresholds), as `vigil analyze --input/--tiles/--score`
    detection: s.detection,
    leftObject: s.leftObjectSeconds ? { name: 'left object', seconds: s.leftObjectSeconds } : undefined,
    tamper: s.tamper ? {} : false,
    trackRules,
  };
}

/** Frames with events queued for recording per camera before analysis waits for the recorder. */
const MAX_RECORDS_PENDING = 16;

export class CameraAnalyser {
  readonly cameraId: string;
  private readonly counters = { framesDecoded: 0, framesAnalysed: 0, framesDropped: 0, inferences: 0, detectorFrames: 0, units320: 0, detectorMs: 0 };
  private readonly o: CameraAnalyserOptions;
  private readonly source: LiveFrameSource;
  private readonly unwatch: () => void;
  private pipeline: CameraPipeline | null = null;
  private size = { width: 0, height: 0 };
  private readonly startedAt = Date.now();
  private busy = false;
  private pending: { rgb: Uint8Array; capturedAt: number; cameraTime: number | null } | null = null;
  private spare: Uint8Array | null = null;
  private working: Uint8Array = new Uint8Array(0);
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  /** this camera's events being recorded, in frame order, while analysis goes on */
  private recording: Promise<void> = Promise.resolve();
  private recordsPending = 0;
  private readonly pace: PaceMeter;

  constructor(o: CameraAnalyserOptions) {
    this.o = o;
    this.cameraId = o.cameraId;
    this.pace = new PaceMeter(o.settings.fps, Date.now());
    this.source = new LiveFrameSource({
      fps: o.settings.fps,
      width: o.settings.width,
      ffmpeg: o.ffmpeg,
      onFrame: (f) => this.onFrame(f),
      onError: o.onError,
      onFragment: (media) => this.pace.input(Date.now(), media),
    });
    this.unwatch = o.runtime.watch(o.cameraId, this.source, 'sub');
  }

  private onFrame(f: LiveFrame): void {
    if (this.stopped) return;
    this.counters.framesDecoded++;
    if (f.width !== this.size.width || f.height !== this.size.height) {
      this.size = { width: f.width, height: f.height };
      this.pipeline = new CameraPipeline(this.o.detector(this.size), pipelineOptions(this.o.settings, f.width, f.height, this.startedAt / 1000, this.o.tracker, this.o.trackRules?.()));
      this.working = new Uint8Array(f.rgb.length);
      this.spare = null;
      this.pending = null;
    }
    // The source reuses its buffer: keep our own copy (two buffers, swapped, no allocation).
    if (this.pending) this.counters.framesDropped++;
    const buf = this.pending?.rgb ?? this.spare ?? new Uint8Array(f.rgb.length);
    this.spare = null;
    buf.set(f.rgb);
    this.pending = { rgb: buf, capturedAt: f.capturedAt, cameraTime: f.cameraTime };
    if (!this.busy) this.idle = this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.pending && !this.stopped && this.pipeline) {
        const { rgb, capturedAt, cameraTime } = this.pending;
        this.pending = null;
        // swap: the frame being analysed must not be overwritten by the next one
        this.spare = this.working;
        this.working = rgb;
        const pipeline = this.pipeline;
        const a = await pipeline.process({ index: this.counters.framesAnalysed, t: (capturedAt - this.startedAt) / 1000, rgb });
        this.counters.framesAnalysed++;
        this.pace.analysed(Date.now());
        this.counters.inferences += a.regions.length;
        this.counters.units320 += a.regions.length * (pipeline.detection.inputSize / 320) ** 2;
        this.counters.detectorMs += a.detectMs;
        if (a.regions.length > 0) this.counters.detectorFrames++;
        this.o.onAnalysed?.(a, rgb);
        if (a.events.length > 0 && !this.stopped) {
          // Recording (snapshot, row, bus) runs behind the analysis, on a copy of the frame (ours
          // is reused for the next one; only frames with events are copied); the recorder keeps
          // each camera's events in order. Only when it falls far behind (a stalled disk) does
          // analysis wait, dropping frames, rather than hold ever more frames in memory.
          const frame: AnalysedFrame = { cameraId: this.cameraId, rgb: rgb.slice(), width: this.size.width, height: this.size.height, capturedAt, cameraTime, analysedAt: Date.now(), events: a.events, tracks: a.tracks, detections: a.detections };
          this.recordsPending++;
          this.recording = Promise.resolve()
            .then(() => this.o.onEvents(frame))
            .catch((err: Error) => this.o.onError(`recording events failed: ${err.message}`))
            .finally(() => this.recordsPending--);
          if (this.recordsPending > MAX_RECORDS_PENDING) await this.recording;
        }
      }
    } catch (err) {
      this.o.onError(`analysis failed: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  /** Whether analysis keeps up with the stream, over the last seconds. */
  currentPace(): Pace {
    // From the camera, not from what reached us: a lagging analyser is skipped by the live
    // fan-out (until a keyframe), and those pictures must count against it, not excuse it.
    const now = Date.now();
    const last = this.o.runtime.status(this.cameraId).lastFrameAt;
    return this.pace.pace(now, last !== null && now - last < 2000);
  }

  /** The detector settings of the running pipeline (null before the first frame). */
  get detection(): DetectionSettings | null {
    return this.pipeline?.detection ?? null;
  }

  get stats(): AnalyserStats {
    return { ...this.counters, fragments: this.source.fragmentsIn };
  }

  /** Line counts since start, per line and direction. */
  lineCounts() {
    return this.pipeline?.lineCounts() ?? {};
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    this.source.close();
    await this.idle;
    await this.recording;
  }
}
