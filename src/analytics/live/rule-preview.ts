// What a drawn rule would have raised on the recent past, before it is saved: the camera's
// recording of the last minutes is decoded and run through the same pipeline as live analysis
// (the same detector, tracker and rules, with the draft settings), and every hit is reported with
// its wall-clock time and, for the first few, the analysed frame (heads pixelated, as alarm
// snapshots are). Re-analysis rather than replaying stored events: events exist only for rules
// that were running, and no tracks are stored (decision 033).
import type { AnalyticsConfig } from '../../core/index.ts';
import { alarmPolicy } from '../../events/index.ts';
import { blurHeads } from '../../privacy/index.ts';
import { encodePngAsync } from '../../media/index.ts';
import { CameraPipeline } from '../pipeline.ts';
import { decodeFrames, scaledSize } from '../frame-source.ts';
import { AnalyticsError } from '../errors.ts';
import type { Detector } from '../detector-types.ts';
import type { TrackerOptions } from '../tracker.ts';
import type { RuleEvent } from '../rules/types.ts';
import { pipelineOptions } from './camera-analyser.ts';
import { readInitInfo } from './fmp4-times.ts';

export interface PreviewSource {
  /** init segment first, then fragments (a recorded range as one fMP4 stream) */
  chunks: AsyncIterable<Buffer>;
  /** wall-clock ms of a media time (ms from the stream's start) */
  wallAt: (mediaMs: number) => number;
}

export interface PreviewOptions {
  settings: AnalyticsConfig;
  source: PreviewSource;
  detector: (size: { width: number; height: number }) => Detector;
  /** whether the detector is the motion stand-in (it cannot tell people: every box may hold a head) */
  motionStandIn: boolean;
  tracker?: TrackerOptions;
  ffmpeg?: string;
  /** frames kept as pictures (default 8) */
  maxSnapshots?: number;
  /** hits listed (default 200; the count goes on) */
  maxHits?: number;
}

export interface PreviewHit {
  /** wall-clock ms of the analysed frame */
  at: number;
  kind: RuleEvent['kind'];
  rule: string;
  cls: string | null;
  direction: 'positive' | 'negative' | null;
  trackId: number | null;
  box: [number, number, number, number] | null;
  detail: Record<string, number | string> | null;
  /** whether the draft's alarm entries make this hit an alarm (else it is only recorded and counted) */
  raises: boolean;
  priority: number;
  /** index into `snapshots`, or null when no picture was kept for it */
  snapshot: number | null;
}

export interface PreviewResult {
  frames: number;
  /** analysed span of video, s (gaps skipped) */
  seconds: number;
  /** hits per rule (all of them, also beyond the listed ones) */
  counts: { kind: string; rule: string; hits: number; alarms: number }[];
  hits: PreviewHit[];
  /** PNGs of the frames with hits, heads pixelated */
  snapshots: Buffer[];
  width: number;
  height: number;
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

export async function previewRules(o: PreviewOptions): Promise<PreviewResult> {
  const s = o.settings;
  const it = o.source.chunks[Symbol.asyncIterator]();
  const head = await it.next();
  const info = head.done ? null : readInitInfo(head.value);
  if (head.done || !info || !info.width || !info.height) throw new AnalyticsError('DECODE_FAILED', 'the recording has no readable picture size');
  const size = scaledSize(info, s.width);
  // Tamper is a state of the camera, not a drawn rule: left out of the preview.
  const pipeline = new CameraPipeline(o.detector(size), pipelineOptions({ ...s, tamper: false }, size.width, size.height, 0, o.tracker));
  const maxSnapshots = o.maxSnapshots ?? 8;
  const maxHits = o.maxHits ?? 200;
  const hits: PreviewHit[] = [];
  const snapshots: Promise<Buffer>[] = [];
  const counts = new Map<string, { kind: string; rule: string; hits: number; alarms: number }>();
  let frames = 0;
  let lastT = 0;
  for await (const frame of decodeFrames({ input: 'pipe:0', stdin: prepend(head.value, it), format: 'mp4', fps: s.fps, ffmpeg: o.ffmpeg }, size)) {
    const at = o.source.wallAt(frame.t * 1000);
    // Schedules are judged at the frame's own wall-clock time, as live analysis would have.
    const a = await pipeline.process({ index: frame.index, t: at / 1000, rgb: frame.rgb });
    frames++;
    lastT = frame.t;
    if (a.events.length === 0) continue;
    let snapshot: number | null = null;
    if (snapshots.length < maxSnapshots && hits.length < maxHits) {
      const rgb = frame.rgb.slice();
      const persons = [...a.tracks, ...a.detections, ...a.events.filter((e) => e.box).map((e) => ({ cls: e.cls, box: e.box! }))]
        .filter((b) => o.motionStandIn || b.cls === 'person').map((b) => b.box);
      blurHeads(rgb, size.width, size.height, persons);
      snapshot = snapshots.length;
      snapshots.push(encodePngAsync(rgb, size.width, size.height));
    }
    for (const e of a.events) {
      const policy = alarmPolicy(s.alarms, e.kind, e.rule);
      const key = `${e.kind}\u0000${e.rule}`;
      const c = counts.get(key) ?? { kind: e.kind, rule: e.rule, hits: 0, alarms: 0 };
      c.hits++;
      if (policy.raise) c.alarms++;
      counts.set(key, c);
      if (hits.length >= maxHits) continue;
      hits.push({
        at: Math.round(at), kind: e.kind, rule: e.rule, cls: e.cls ?? null, direction: e.direction ?? null, trackId: e.trackId ?? null,
        box: e.box ? (e.box.map((v) => Math.round(v * 10000) / 10000) as [number, number, number, number]) : null,
        detail: e.detail ?? null, raises: policy.raise, priority: policy.priority, snapshot,
      });
    }
  }
  return {
    frames, seconds: frames ? Math.round((lastT + 1 / s.fps) * 10) / 10 : 0,
    counts: [...counts.values()], hits, snapshots: await Promise.all(snapshots), width: size.width, height: size.height,
  };
}
