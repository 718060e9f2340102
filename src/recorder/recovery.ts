// Startup repair after a crash (kill -9, power loss): the segment being written when the process
// died may be missing from the index, indexed with a stale end, or end in half a fragment. Each
// such file is cut back to its last whole fragment and indexed with the end its fragments prove.
import { open, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { SegmentRow, Store } from '../store/index.ts';
import { scanFragments } from './fragment-scan.ts';

export interface RecoveredSegment {
  segment: SegmentRow;
  /** Bytes cut from the end (a half-written fragment). */
  truncatedBytes: number;
  /** The file was on disk but not in the index. */
  wasUnindexed: boolean;
}

export interface RecoveryReport {
  repaired: RecoveredSegment[];
  /** Files with no whole fragment: removed, with their index row. */
  removed: string[];
}

const SEGMENT_FILE = /^(\d{10,16})\.mp4$/;

/** Files of the camera that start at or after fromMs, from the day directories that can hold them. */
async function candidateFiles(root: string, cameraId: string, fromMs: number): Promise<{ rel: string; startMs: number }[]> {
  const camDir = path.join(root, cameraId);
  let days: string[];
  try {
    days = (await readdir(camDir)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  } catch {
    return [];
  }
  const fromDay = new Date(fromMs).toISOString().slice(0, 10);
  const out: { rel: string; startMs: number }[] = [];
  for (const day of days.filter((d) => d >= fromDay)) {
    for (const f of await readdir(path.join(camDir, day)).catch(() => [] as string[])) {
      const m = SEGMENT_FILE.exec(f);
      if (m && Number(m[1]) >= fromMs) out.push({ rel: path.posix.join(cameraId, day, f), startMs: Number(m[1]) });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Scans one file; cuts a torn tail. Returns the segment it holds, or null when it holds no fragment. */
export async function repairSegmentFile(root: string, cameraId: string, rel: string, startMs: number): Promise<{ segment: SegmentRow; truncatedBytes: number } | null> {
  const abs = path.join(root, rel);
  const fh = await open(abs, 'r+');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafe(size);
    await fh.read(buf, 0, size, 0);
    const scan = scanFragments(buf);
    if (scan.fragments === 0 || scan.firstDts === null || scan.endDts === null) return null;
    const truncatedBytes = size - scan.validBytes;
    if (truncatedBytes > 0) {
      await fh.truncate(scan.validBytes);
      await fh.datasync();
    }
    const endMs = startMs + Math.round(((scan.endDts - scan.firstDts) * 1000) / scan.timescale);
    return { segment: { cameraId, startMs, endMs, path: rel, bytes: scan.validBytes }, truncatedBytes };
  } finally {
    await fh.close();
  }
}

/**
 * For each camera: the last indexed segment (when its file differs from the index) and every
 * file newer than it. Older segments were closed cleanly and are left alone, so a restart costs
 * one query and a directory listing per camera.
 */
export async function recoverSegments(
  store: Pick<Store, 'lastSegment' | 'putSegments' | 'deleteSegments'>,
  root: string,
  cameraIds: readonly string[],
  /** Leave files that start at or after this alone: a recorder of this run may be writing them. */
  beforeMs = Infinity,
): Promise<RecoveryReport> {
  const report: RecoveryReport = { repaired: [], removed: [] };
  for (const cameraId of cameraIds) {
    const last = await store.lastSegment(cameraId);
    const files = (await candidateFiles(root, cameraId, last?.startMs ?? 0)).filter((f) => f.startMs < beforeMs);
    if (last && !files.some((f) => f.startMs === last.startMs)) {
      // Indexed but the file is gone (died before the first write landed): the row must go too.
      const exists = await stat(path.join(root, last.path)).then(() => true, () => false);
      if (!exists) {
        await store.deleteSegments([{ cameraId, startMs: last.startMs }]);
        report.removed.push(last.path);
      }
    }
    const fixed: SegmentRow[] = [];
    for (const f of files) {
      const indexed = last && last.startMs === f.startMs ? last : null;
      const size = (await stat(path.join(root, f.rel))).size;
      if (indexed && indexed.bytes === size && indexed.endMs > indexed.startMs) continue; // closed cleanly
      const r = await repairSegmentFile(root, cameraId, f.rel, f.startMs);
      if (!r) {
        await unlink(path.join(root, f.rel)).catch(() => undefined);
        if (indexed) await store.deleteSegments([{ cameraId, startMs: f.startMs }]);
        report.removed.push(f.rel);
        continue;
      }
      fixed.push(r.segment);
      report.repaired.push({ segment: r.segment, truncatedBytes: r.truncatedBytes, wasUnindexed: !indexed });
    }
    await store.putSegments(fixed);
  }
  return report;
}

/**
 * Start-up repair of what the last run left: every camera known to the registry or the segment
 * index. Never throws (a failure is logged): recorders wait on it before their first write.
 */
export async function recoverAtStart(store: Pick<Store, 'listCameras' | 'listSegmentCameras'> & Parameters<typeof recoverSegments>[0], recordingsDir: string, startedAt: number, logger: Logger): Promise<void> {
  try {
    const known = new Set([...(await store.listCameras()).map((c) => c.id), ...(await store.listSegmentCameras())]);
    const recovered = await recoverSegments(store, recordingsDir, [...known], startedAt);
    if (recovered.repaired.length || recovered.removed.length) {
      logger.info({ repaired: recovered.repaired.length, removed: recovered.removed.length, truncatedBytes: recovered.repaired.reduce((n, r) => n + r.truncatedBytes, 0) }, 'recovered segments left by the last run');
    }
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'segment recovery failed');
  }
}
