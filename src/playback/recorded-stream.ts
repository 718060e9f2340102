// One camera's recordings over a time range as a single continuous fMP4 stream: one init segment,
// then the recorded fragments with their decode times rebased so the media clock never jumps.
// Gaps are skipped (the media timeline runs straight across them); the wall-clock time of every
// part of the stream is given by `points`, so a player can show the real time and the UI can say
// "gap skipped". The stream starts at the keyframe at or before the requested time, so the first
// frame shown is at most one GOP early and a player that wants the exact second seeks forward.
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SegmentRow } from '../store/index.ts';
import { readFmp4, rebaseFragment, type Fmp4File, type FragmentInfo } from '../media/index.ts';
import { PlaybackError } from './errors.ts';
import { GAP_MS, type TimeSpan, type TimelinePoint } from './timeline.ts';

export interface SegmentSource {
  listSegments(cameraId: string, fromMs: number, toMs: number, limit?: number): Promise<SegmentRow[]>;
}

export interface PlaybackRequest {
  cameraId: string;
  fromMs: number;
  toMs: number;
  recordingsDir: string;
  store: SegmentSource;
  /** At most this many segments per stream (bounds the timeline header); the stream's endMs says where it stopped. */
  maxSegments?: number;
}

export interface PlaybackStream {
  /** MIME type with codecs, for MediaSource.addSourceBuffer. */
  mime: string;
  /** Wall-clock time of media time 0 (the keyframe the stream starts on). */
  startMs: number;
  /** Wall-clock time where the stream ends (≤ the requested end). */
  endMs: number;
  /** Media time → wall clock, one point per segment; between points time runs 1:1. */
  points: TimelinePoint[];
  /** Holes in the recording inside the range, skipped by the stream. */
  gaps: TimeSpan[];
  /** init segment, then moof+mdat fragments. */
  chunks(): AsyncGenerator<Buffer>;
}

export const DEFAULT_MAX_SEGMENTS = 240;

export function segmentFile(recordingsDir: string, seg: SegmentRow): string {
  const abs = path.resolve(recordingsDir, seg.path);
  // The index is trusted, but a path escaping the recordings root must never be served.
  if (!abs.startsWith(path.resolve(recordingsDir) + path.sep)) throw new PlaybackError('NOT_FOUND', 'segment path outside the recordings', { reason: 'SEGMENT_NOT_FOUND' });
  return abs;
}

export async function readSegment(recordingsDir: string, seg: SegmentRow): Promise<{ bytes: Buffer; mp4: Fmp4File }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(segmentFile(recordingsDir, seg));
  } catch (err) {
    // The code, not the message: the message carries the server's absolute path (review notes).
    throw new PlaybackError('NOT_FOUND', `recording ${seg.path} is not readable (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { reason: 'RECORDING_UNREADABLE' });
  }
  return { bytes, mp4: readFmp4(bytes) };
}

/** Reads only the init segment of a recording (the first few KiB). */
export async function readSegmentInit(recordingsDir: string, seg: SegmentRow): Promise<Buffer> {
  const fh = await open(segmentFile(recordingsDir, seg), 'r');
  try {
    const head = Buffer.alloc(Math.min(64 * 1024, Math.max(seg.bytes, 4096)));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return Buffer.from(readFmp4(head.subarray(0, bytesRead)).init);
  } finally {
    await fh.close();
  }
}

/** Wall-clock time of a fragment: the segment starts at its first fragment's decode time. */
export function fragmentWallMs(seg: SegmentRow, mp4: Fmp4File, frag: FragmentInfo): number {
  const first = mp4.fragments[0];
  return seg.startMs + ((frag.dts - (first?.dts ?? frag.dts)) * 1000) / mp4.timescale;
}

/** Index of the last keyframe fragment starting at or before wallMs (the first keyframe when none is). */
export function keyframeAtOrBefore(seg: SegmentRow, mp4: Fmp4File, wallMs: number): number {
  let pick = -1;
  for (let i = 0; i < mp4.fragments.length; i++) {
    const f = mp4.fragments[i];
    if (!f.keyframe) continue;
    if (fragmentWallMs(seg, mp4, f) <= wallMs || pick < 0) pick = i;
    if (fragmentWallMs(seg, mp4, f) > wallMs) break;
  }
  return pick;
}

export async function openPlayback(req: PlaybackRequest): Promise<PlaybackStream> {
  const { fromMs, toMs } = req;
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) {
    throw new PlaybackError('BAD_REQUEST', 'the range needs from < to', { reason: 'RANGE_INVALID' });
  }
  const maxSegments = req.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  const all = await req.store.listSegments(req.cameraId, fromMs, toMs, maxSegments + 1);
  const segs = all.slice(0, maxSegments).filter((s) => s.endMs > s.startMs);
  if (segs.length === 0) throw new PlaybackError('NOT_FOUND', `no recording of camera ${req.cameraId} in the range`, { reason: 'NO_RECORDING' });

  // The first segment is read now: the start keyframe and the MIME type go into the response headers.
  const first = await readSegment(req.recordingsDir, segs[0]);
  const startIdx = keyframeAtOrBefore(segs[0], first.mp4, fromMs);
  if (startIdx < 0) throw new PlaybackError('NOT_FOUND', `recording ${segs[0].path} holds no keyframe`, { reason: 'RECORDING_UNREADABLE' });
  const startMs = fragmentWallMs(segs[0], first.mp4, first.mp4.fragments[startIdx]);
  const endMs = all.length > maxSegments ? segs[segs.length - 1].endMs : Math.min(toMs, segs[segs.length - 1].endMs);

  const points: TimelinePoint[] = [];
  const gaps: TimeSpan[] = [];
  let media = 0;
  for (let i = 0; i < segs.length; i++) {
    const wall = i === 0 ? startMs : segs[i].startMs;
    if (i > 0 && segs[i].startMs - segs[i - 1].endMs > GAP_MS) gaps.push({ startMs: segs[i - 1].endMs, endMs: segs[i].startMs });
    points.push({ wallMs: wall, mediaMs: media });
    media += Math.max(0, segs[i].endMs - wall);
  }
  if (fromMs < segs[0].startMs) gaps.unshift({ startMs: fromMs, endMs: segs[0].startMs });

  async function* chunks(): AsyncGenerator<Buffer> {
    let init: Buffer | null = null;
    let seq = 1;
    let nextDts = 0; // end of the last fragment sent, on the output 90 kHz (track) clock
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      let file: { bytes: Buffer; mp4: Fmp4File };
      try {
        file = i === 0 ? first : await readSegment(req.recordingsDir, seg);
      } catch {
        continue; // a segment lost since indexing (retention, disk) is skipped like a gap
      }
      const { bytes, mp4 } = file;
      const from = i === 0 ? startIdx : mp4.fragments.findIndex((f) => f.keyframe);
      if (from < 0) continue;
      // A changed init (new resolution after a reconnect) is sent again; MSE accepts it in the same SourceBuffer.
      if (!init || !init.equals(mp4.init)) {
        init = Buffer.from(mp4.init);
        yield init;
      }
      const planned = Math.round((points[i].mediaMs * mp4.timescale) / 1000);
      const base = Math.max(planned, nextDts);
      const segFirstDts = mp4.fragments[from].dts;
      for (let k = from; k < mp4.fragments.length; k++) {
        const f = mp4.fragments[k];
        if (fragmentWallMs(seg, mp4, f) >= endMs) return;
        const dts = base + (f.dts - segFirstDts);
        yield rebaseFragment(bytes, f, dts, seq++);
        nextDts = dts + f.duration;
      }
    }
  }

  return { mime: `video/mp4; codecs="${first.mp4.codecString}"`, startMs, endMs, points, gaps, chunks };
}
