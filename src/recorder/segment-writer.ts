// Writes one camera's fMP4 stream into segment files (init segment + fragments, each file playable
// on its own), cut on the first keyframe after the target length, and indexes each closed segment.
// Writes go straight to the kernel (no userland buffering), so a killed process loses no fragment
// already handed over; one write at a time per camera keeps the file in order.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { SegmentRow } from '../store/types.ts';

export interface SegmentWriterOptions {
  cameraId: string;
  /** Recordings root; files go to <root>/<cameraId>/<YYYY-MM-DD>/<startMs>.mp4 */
  root: string;
  segmentMs: number;
  /** Called once per closed segment. */
  onSegment: (seg: SegmentRow) => Promise<void> | void;
  onError: (err: Error) => void;
}

interface OpenSegment {
  file: Promise<FileHandle>;
  relPath: string;
  startMs: number;
  endMs: number;
  bytes: number;
}

export class SegmentWriter {
  private readonly opts: SegmentWriterOptions;
  private init: Buffer | null = null;
  private current: OpenSegment | null = null;
  /** Serialises all file operations of this camera. */
  private chain: Promise<void> = Promise.resolve();

  constructor(opts: SegmentWriterOptions) {
    this.opts = opts;
  }

  /** A new stream configuration: the next fragment starts a new file with this init segment. */
  setInit(init: Buffer): void {
    if (this.init && this.init.equals(init)) return;
    this.init = init;
    this.closeCurrent();
  }

  /** One fragment, with its wall-clock start and duration in ms. */
  write(fragment: Buffer, keyframe: boolean, startMs: number, durationMs: number): void {
    if (!this.init) return;
    const cur = this.current;
    if (cur && keyframe && startMs - cur.startMs >= this.opts.segmentMs) this.closeCurrent();
    if (!this.current) {
      if (!keyframe) return; // a file must start on a keyframe to be playable on its own
      this.current = this.openSegment(startMs);
    }
    const seg = this.current!;
    seg.endMs = Math.max(seg.endMs, startMs + durationMs);
    seg.bytes += fragment.length;
    this.enqueue(seg, fragment);
  }

  /** Close the current segment (stream stopped, camera removed, shutdown). */
  close(): Promise<void> {
    this.closeCurrent();
    return this.chain;
  }

  private openSegment(startMs: number): OpenSegment {
    const day = new Date(startMs).toISOString().slice(0, 10);
    const relPath = path.posix.join(this.opts.cameraId, day, `${startMs}.mp4`);
    const abs = path.join(this.opts.root, relPath);
    const init = this.init!;
    const file = (async () => {
      await mkdir(path.dirname(abs), { recursive: true });
      const fh = await open(abs, 'wx');
      await fh.write(init);
      return fh;
    })();
    file.catch(() => undefined);
    return { file, relPath, startMs, endMs: startMs, bytes: init.length };
  }

  private enqueue(seg: OpenSegment, data: Buffer): void {
    this.chain = this.chain.then(async () => {
      try {
        const fh = await seg.file;
        await fh.write(data);
      } catch (err) {
        this.fail(err as Error);
      }
    });
  }

  private closeCurrent(): void {
    const seg = this.current;
    if (!seg) return;
    this.current = null;
    this.chain = this.chain.then(async () => {
      try {
        const fh = await seg.file;
        await fh.datasync().catch(() => undefined);
        await fh.close();
        if (seg.endMs > seg.startMs) {
          await this.opts.onSegment({ cameraId: this.opts.cameraId, startMs: seg.startMs, endMs: seg.endMs, path: seg.relPath, bytes: seg.bytes });
        }
      } catch (err) {
        this.fail(err as Error);
      }
    });
  }

  private fail(err: Error): void {
    // Report, then carry on with the next segment: one bad write (disk full) must not stop recording.
    this.opts.onError(err);
  }
}
