// One camera's recordings over an interval as MP4 files: one file per contiguous span of recording
// (a new file also where the stream's init segment changes). Each file is a fragmented MP4 (the
// recorded fragments, copied bit for bit except the decode time, which starts at 0) with a movie
// extends header giving its duration, so ffprobe, players and browsers show length and seek bar.
// Nothing is re-encoded: the evidence is the camera's own bitstream.
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { SegmentRow } from '../store/index.ts';
import { initWithDuration, rebaseFragment, type Fmp4File } from '../media/index.ts';
import { GAP_MS, fragmentWallMs, keyframeAtOrBefore, readSegment, type SegmentSource } from '../playback/index.ts';

export interface WrittenFile {
  name: string;
  cameraId: string;
  startMs: number;
  endMs: number;
}

/** A segment's file, or null when it is gone (a gap in the manifest); a throw fails the export. */
export type SegmentReader = (seg: SegmentRow) => Promise<{ bytes: Buffer; mp4: Fmp4File } | null>;

/** The file under recordingsDir; unreadable (deleted since indexing, torn) counts as gone. */
export function localSegmentReader(recordingsDir: string): SegmentReader {
  return (seg) => readSegment(recordingsDir, seg).catch(() => null);
}

export interface CameraExportRequest {
  cameraId: string;
  fromMs: number;
  toMs: number;
  recordingsDir: string;
  store: SegmentSource;
  outDir: string;
  /** Reads a segment's file; default: localSegmentReader(recordingsDir). */
  read?: SegmentReader;
  /** Called after each segment with (segments done, segments total). */
  onProgress?: (done: number, total: number) => void;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** <camera>_<UTC start>.mp4; the span's exact start and end are in the manifest. */
export function exportFileName(cameraId: string, startMs: number): string {
  const cam = cameraId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'camera';
  return `${cam}_${stamp(startMs)}.mp4`;
}

/** The segments an export of this interval will read (for progress totals). */
export function segmentsFor(store: SegmentSource, cameraId: string, fromMs: number, toMs: number): Promise<SegmentRow[]> {
  return store.listSegments(cameraId, fromMs, toMs, 100_000);
}

export async function writeCameraExport(req: CameraExportRequest, segs?: SegmentRow[]): Promise<WrittenFile[]> {
  const list = (segs ?? (await segmentsFor(req.store, req.cameraId, req.fromMs, req.toMs))).filter((s) => s.endMs > s.startMs);
  const files: WrittenFile[] = [];
  let out: { fh: Awaited<ReturnType<typeof open>>; name: string; init: Buffer; pos: number; startMs: number; endMs: number; nextDts: number; seq: number } | null = null;

  const finish = async () => {
    if (!out) return;
    const o = out;
    out = null;
    // Now the length is known: rewrite the init segment (same size) with the real duration.
    const init = initWithDuration(o.init, o.endMs - o.startMs);
    await o.fh.write(init, 0, init.length, 0);
    await o.fh.datasync();
    await o.fh.close();
    files.push({ name: o.name, cameraId: req.cameraId, startMs: o.startMs, endMs: o.endMs });
  };

  let prevEnd = -Infinity;
  try {
    for (let i = 0; i < list.length; i++) {
      const seg = list[i];
      // Gone since indexing: a gap in the manifest. A reader that cannot tell (the node holding
      // the file not answering) throws, and the export fails rather than leave out video that exists.
      const file = await (req.read ?? localSegmentReader(req.recordingsDir))(seg);
      if (!file) {
        req.onProgress?.(i + 1, list.length);
        continue;
      }
      const { bytes, mp4 } = file;
      const gap = seg.startMs - prevEnd > GAP_MS;
      const initChanged = out !== null && !(out as { init: Buffer }).init.equals(mp4.init);
      const continues = out !== null && !gap && !initChanged;
      const from = continues ? 0 : keyframeAtOrBefore(seg, mp4, req.fromMs);
      if (from < 0) {
        req.onProgress?.(i + 1, list.length);
        continue;
      }
      for (let k = from; k < mp4.fragments.length; k++) {
        const f = mp4.fragments[k];
        const wall = fragmentWallMs(seg, mp4, f);
        if (wall >= req.toMs) break;
        if (!out || (k === from && !continues)) {
          if (out) await finish();
          if (!f.keyframe) continue; // a file starts on a keyframe
          const name = exportFileName(req.cameraId, wall);
          const fh = await open(path.join(req.outDir, name), 'wx');
          const init = initWithDuration(mp4.init, 0);
          await fh.write(init, 0, init.length, 0);
          out = { fh, name, init: Buffer.from(mp4.init), pos: init.length, startMs: wall, endMs: wall, nextDts: 0, seq: 1 };
        }
        const o = out!;
        // Decode times in a file run straight from 0: each fragment follows the previous one.
        const frag = rebaseFragment(bytes, f, o.nextDts, o.seq++);
        await o.fh.write(frag, 0, frag.length, o.pos);
        o.pos += frag.length;
        o.nextDts += f.duration;
        o.endMs = wall + (f.duration * 1000) / mp4.timescale;
      }
      prevEnd = seg.endMs;
      req.onProgress?.(i + 1, list.length);
    }
    await finish();
  } catch (err) {
    const o = out as { fh: { close(): Promise<void> } } | null;
    await o?.fh.close().catch(() => undefined);
    throw err;
  }
  return files;
}
