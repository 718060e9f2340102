// Writes one camera's fMP4 stream into segment files (init segment + fragments, each file playable
// on its own), cut on the first keyframe after the target length.
//
// Crash safety: fragments (one picture each) wait at most `flushMs` (1 s) in a per-camera batch and
// then go to the kernel in one write, so a kill -9 loses
// at most that second plus the picture the muxer still holds; a segment is indexed as soon as its
// first fragment is on disk and its end is reported again at least every `progressMs`, and the
// startup recovery (recovery.ts) repairs whatever the last second did not reach the index.
// Disk full: the broken segment is cut back to its last whole fragment and closed, the camera
// stays connected, and a new segment starts at a keyframe once a write succeeds again.
import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { GapRow, SegmentRow } from '../store/index.ts';
import { GapTracker } from './gap-tracker.ts';
import { WriteBatch } from './write-batch.ts';

export interface SegmentWriterOptions {
  cameraId: string;
  /** Recordings root; files go to <root>/<cameraId>/<YYYY-MM-DD>/<startMs>.mp4 */
  root: string;
  segmentMs: number;
  /** Called once per closed segment. */
  onSegment: (seg: SegmentRow) => Promise<void> | void;
  /** Called when a segment opens (its first fragment is on disk) and as it grows. */
  onProgress?: (seg: SegmentRow) => void;
  onGap?: (gap: GapRow) => void;
  /** The volume is full (ENOSPC/EDQUOT): called once per episode, not per dropped picture. */
  onDiskFull?: (err: Error) => void;
  onError: (err: Error) => void;
  /** Shared with the camera's recorder so gaps span reconnections. Default: a fresh tracker. */
  gaps?: GapTracker;
  /** Settles when the tracker knows where the last run stopped; the first segment waits for it. */
  ready?: Promise<unknown>;
  /** Default 1000. */
  progressMs?: number;
  /**
   * Fragments are queued and written together (one write) once the oldest has waited this long,
   * so a camera costs ~1 write per second instead of one per picture; a kill -9 then loses at most
   * this much plus the picture the muxer holds. Default 1000 (the bound is 2 s); 0 writes
   * every fragment at once.
   */
  flushMs?: number;
  /** After a full disk, how long to drop pictures before trying again. Default 1000. */
  diskRetryMs?: number;
  now?: () => number;
}

interface OpenSegment {
  fh: FileHandle | null;
  relPath: string;
  abs: string;
  startMs: number;
  /** End of the last fragment known to be on disk. */
  endMs: number;
  /** Bytes known to be on disk. */
  bytes: number;
  fragments: number;
  failed: boolean;
  lastProgressAt: number;
  /** Fragments not yet handed to the kernel (copied into the writer's batch), and when the oldest arrived. */
  pendingFragments: number;
  pendingEndMs: number;
  pendingSince: number;
}

/** Runs at most `max` tasks at a time, the rest in arrival order. */
class Limiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#max) await new Promise<void>((r) => this.#waiting.push(r));
    this.#active++;
    try {
      return await task();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

/**
 * Closing a segment (datasync, close, index) of every camera of the process, two at a time and
 * off the camera's own chain. Cameras started together cut their segments together: hundreds of
 * datasyncs at once took every libuv thread for seconds, every camera's writes waited behind them
 * and their batches piled up in memory (bench/results/record-2026-11-30.md, 500 cameras). Two at
 * a time leaves threads for the writes, and the next segment never waits for the last one's flush.
 */
const segmentCloses = new Limiter(2);

const isDiskFull = (err: unknown): boolean => {
  const code = (err as { code?: string }).code;
  return code === 'ENOSPC' || code === 'EDQUOT';
};

export class SegmentWriter {
  private readonly opts: SegmentWriterOptions;
  private readonly gaps: GapTracker;
  private readonly now: () => number;
  private init: Buffer | null = null;
  private current: OpenSegment | null = null;
  /** Serialises all file operations of this camera. */
  private chain: Promise<void>;
  private diskFullUntil = 0;
  private diskFull = false;
  /** Bytes of the fragments waiting for the next write (write-batch.ts). */
  private readonly batch = new WriteBatch();
  /** Closed segments whose datasync/close/index is still to come (segmentCloses). */
  private readonly closing = new Set<Promise<void>>();

  constructor(opts: SegmentWriterOptions) {
    this.opts = opts;
    this.gaps = opts.gaps ?? new GapTracker(opts.cameraId);
    this.now = opts.now ?? Date.now;
    this.chain = Promise.resolve(opts.ready).then(() => undefined, () => undefined);
  }

  /** A new stream configuration: the next fragment starts a new file with this init segment. */
  setInit(init: Buffer): void {
    if (this.init && this.init.equals(init)) return;
    this.init = init;
    this.closeCurrent();
  }

  /**
   * One fragment, with its wall-clock start and duration in ms: one Buffer, or the Buffers that
   * make it up in order (the muxer's parts). Its bytes are copied: the caller may drop or reuse them.
   */
  write(fragment: Buffer | readonly Buffer[], keyframe: boolean, startMs: number, durationMs: number): void {
    if (!this.init) return;
    const cur = this.current;
    if (cur && keyframe && startMs - cur.startMs >= this.opts.segmentMs) this.closeCurrent();
    if (!this.current) {
      if (!keyframe) return; // a file must start on a keyframe to be playable on its own
      if (this.diskFull && this.now() < this.diskFullUntil) return;
      this.current = this.openSegment(startMs);
    }
    const seg = this.current!;
    if (!seg.pendingFragments) seg.pendingSince = this.now();
    this.batch.append(fragment);
    seg.pendingFragments++;
    seg.pendingEndMs = Math.max(seg.pendingEndMs, startMs + durationMs);
    // The first fragment goes out at once: it is what makes a segment indexed and playable.
    if (seg.fragments === 0 && seg.pendingFragments === 1) this.flush(seg);
    else if (this.now() - seg.pendingSince >= (this.opts.flushMs ?? 1000)) this.flush(seg);
  }

  /** Queue one write of everything pending for seg on the camera's chain. */
  private flush(seg: OpenSegment): void {
    if (!seg.pendingFragments) return;
    const batch = this.batch.take();
    if (!batch) return;
    const bytes = batch.length;
    const count = seg.pendingFragments;
    const endMs = seg.pendingEndMs;
    seg.pendingFragments = 0;
    this.chain = this.chain.then(async () => {
      if (seg.failed || !seg.fh) return this.batch.release(batch);
      try {
        const r = await seg.fh.write(batch, 0, bytes);
        if (r.bytesWritten !== bytes) throw Object.assign(new Error(`short write: ${r.bytesWritten} of ${bytes} bytes`), { code: 'ENOSPC' });
      } catch (err) {
        await this.failSegment(seg, err as Error);
        return;
      } finally {
        this.batch.release(batch);
      }
      seg.bytes += bytes;
      seg.endMs = Math.max(seg.endMs, endMs);
      const first = seg.fragments === 0;
      seg.fragments += count;
      if (first) {
        const gap = this.gaps.resumed(seg.startMs);
        if (gap) this.opts.onGap?.(gap);
      }
      this.gaps.recorded(seg.endMs);
      this.diskFull = false;
      const now = this.now();
      if (first || now - seg.lastProgressAt >= (this.opts.progressMs ?? 1000)) {
        seg.lastProgressAt = now;
        this.opts.onProgress?.(this.row(seg));
      }
    });
  }

  get openSegmentStart(): number | null {
    return this.current?.startMs ?? null;
  }

  /** Recording stopped for a reason (camera lost, stalled): the next gap carries it. */
  down(reason: string): void {
    this.chain = this.chain.then(() => this.gaps.down(reason));
  }

  /** Close the current segment (stream stopped, camera removed, shutdown). */
  close(): Promise<void> {
    this.closeCurrent();
    return Promise.all([this.chain, ...this.closing]).then(() => undefined);
  }

  private row(seg: OpenSegment): SegmentRow {
    return { cameraId: this.opts.cameraId, startMs: seg.startMs, endMs: seg.endMs, path: seg.relPath, bytes: seg.bytes };
  }

  private openSegment(startMs: number): OpenSegment {
    const day = new Date(startMs).toISOString().slice(0, 10);
    const relPath = path.posix.join(this.opts.cameraId, day, `${startMs}.mp4`);
    const seg: OpenSegment = { fh: null, relPath, abs: path.join(this.opts.root, relPath), startMs, endMs: startMs, bytes: 0, fragments: 0, failed: false, lastProgressAt: 0, pendingFragments: 0, pendingEndMs: startMs, pendingSince: 0 };
    const init = this.init!;
    this.chain = this.chain.then(async () => {
      try {
        await mkdir(path.dirname(seg.abs), { recursive: true });
        seg.fh = await open(seg.abs, 'wx');
        await seg.fh.write(init);
        seg.bytes = init.length;
      } catch (err) {
        await this.failSegment(seg, err as Error);
      }
    });
    return seg;
  }

  private closeCurrent(): void {
    const seg = this.current;
    if (!seg) return;
    this.current = null;
    this.flush(seg);
    // After the segment's last write, but not on the chain: the next segment goes on meanwhile.
    const done = this.chain.then(() =>
      segmentCloses.run(async () => {
        if (seg.failed || !seg.fh) return;
        try {
          await seg.fh.datasync().catch(() => undefined);
          await seg.fh.close();
          seg.fh = null;
          if (seg.fragments > 0) await this.opts.onSegment(this.row(seg));
          else await unlink(seg.abs).catch(() => undefined);
        } catch (err) {
          this.opts.onError(err as Error);
        }
      }),
    );
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }

  /** Inside the chain: keep what is whole, close the file, report, and carry on later. */
  private async failSegment(seg: OpenSegment, err: Error): Promise<void> {
    seg.failed = true;
    if (this.current === seg) {
      // What is queued belongs to this segment (a newer one would be current): drop it with it.
      this.current = null;
      this.batch.discard();
      seg.pendingFragments = 0;
    }
    const fh = seg.fh;
    seg.fh = null;
    try {
      if (fh) {
        // A short write may have put part of a fragment on disk: cut back to the last whole one.
        if (seg.fragments > 0) await fh.truncate(seg.bytes).catch(() => undefined);
        await fh.close().catch(() => undefined);
      }
      if (seg.fragments > 0) await this.opts.onSegment(this.row(seg));
      else await unlink(seg.abs).catch(() => undefined);
    } catch (e) {
      this.opts.onError(e as Error);
    }
    if (isDiskFull(err)) {
      this.gaps.down('DISK_FULL');
      this.diskFullUntil = this.now() + (this.opts.diskRetryMs ?? 1000);
      if (!this.diskFull) {
        this.diskFull = true;
        this.opts.onDiskFull?.(err);
      }
    } else {
      this.gaps.down('WRITE_FAILED');
      this.opts.onError(err);
    }
  }
}
