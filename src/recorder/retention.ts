// Retention: per-camera maximum age and a per-volume quota (Vigil's bytes) plus a free-space
// floor, oldest first, whichever bites first. Segments overlapping an evidence lock and segments
// being written are never deleted. Every deletion is in the audit log (one entry per camera per
// batch, with the time ranges) and each sweep that deleted something raises an event.
import { statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { EvidenceLockRow, SegmentKey, SegmentRow, Store } from '../store/index.ts';
import { SerialJob, type Config } from '../core/index.ts';

export interface RetentionPolicy {
  /** Maximum age of a camera's recordings in ms, or null for no age limit. */
  maxAgeMs(cameraId: string): number | null;
  /** Most bytes the recordings may take on the volume, or null for no quota. */
  quotaBytes: number | null;
  /** Keep at least this share of the volume free (0-100). */
  minFreePercent: number;
}

export type RetentionRule = 'max_age' | 'quota' | 'free_space';
export type SweepTrigger = 'schedule' | 'low_space' | 'disk_full' | 'manual';

export interface VolumeUsage {
  root: string;
  totalBytes: number;
  freeBytes: number;
  recordingBytes: number;
  quotaBytes: number | null;
  minFreeBytes: number;
}

export interface SweepReport {
  trigger: SweepTrigger;
  deleted: { rule: RetentionRule; segment: SegmentRow }[];
  bytesFreed: number;
  /** Segments that retention wanted but an evidence lock kept. */
  keptByLock: number;
}

export interface RetentionDeps {
  store: Pick<Store, 'listOldestSegments' | 'listSegmentCameras' | 'totalSegmentBytes' | 'deleteSegments' | 'listEvidenceLocks'>;
  root: string;
  policy: RetentionPolicy;
  /** Segments being written now. */
  openSegments: () => SegmentKey[];
  /** Raise a system event (stored and published). */
  raise?: (e: { kind: string; severity: 'info' | 'warning' | 'critical'; cameraId?: string | null; details: Record<string, unknown> }) => Promise<unknown>;
  logger: Logger;
  now?: () => number;
  /** Free and total bytes of the volume; default statfs(root). */
  volume?: () => Promise<{ totalBytes: number; freeBytes: number }>;
}

const PAGE = 200;
/** Segments closer than this count as one range in the audit entry. */
const RANGE_JOIN_MS = 1500;

/** A segment [startMs, endMs) touches a lock [fromMs, toMs]. */
export function overlapsLock(seg: { startMs: number; endMs: number }, lock: { fromMs: number; toMs: number }): boolean {
  return seg.startMs <= lock.toMs && Math.max(seg.endMs, seg.startMs + 1) > lock.fromMs;
}

/** Contiguous segments merged into [from, to] ranges, for a readable audit entry. */
export function mergeRanges(segs: readonly { startMs: number; endMs: number }[]): [number, number][] {
  const sorted = [...segs].sort((a, b) => a.startMs - b.startMs);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startMs - last[1] <= RANGE_JOIN_MS) last[1] = Math.max(last[1], s.endMs);
    else out.push([s.startMs, s.endMs]);
  }
  return out;
}

async function statVolume(root: string): Promise<{ totalBytes: number; freeBytes: number }> {
  const s = await statfs(root);
  return { totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
}

export class RetentionSweeper {
  private readonly deps: RetentionDeps;
  private readonly now: () => number;
  private readonly job: SerialJob<SweepTrigger, SweepReport>;
  private lastSweepAt = 0;

  constructor(deps: RetentionDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.job = new SerialJob({
      run: (trigger) => this.sweepOnce(trigger),
      whileRunning: 'again',
      onError: (err) => this.deps.logger.error({ err: err.message }, 'retention sweep failed'),
    });
  }

  async usage(): Promise<VolumeUsage> {
    const v = await (this.deps.volume ?? (() => statVolume(this.deps.root)))();
    return {
      root: this.deps.root,
      totalBytes: v.totalBytes,
      freeBytes: v.freeBytes,
      recordingBytes: await this.deps.store.totalSegmentBytes(),
      quotaBytes: this.deps.policy.quotaBytes,
      minFreeBytes: Math.ceil((v.totalBytes * this.deps.policy.minFreePercent) / 100),
    };
  }

  /**
   * Checks space every checkMs (cheap: statfs) and sweeps when space is short or sweepMs has
   * passed since the last sweep.
   */
  start(sweepMs: number, checkMs = 5000): void {
    this.job.start(Math.min(checkMs, sweepMs), () => this.tick(sweepMs));
  }

  stop(): void {
    this.job.stop();
  }

  /** Waits for a sweep in progress to finish. */
  idle(): Promise<void> {
    return this.job.idle();
  }

  private async tick(sweepMs: number): Promise<void> {
    if (this.now() - this.lastSweepAt >= sweepMs) {
      await this.sweep('schedule');
      return;
    }
    const u = await this.usage();
    if (u.freeBytes < u.minFreeBytes || (u.quotaBytes !== null && u.recordingBytes > u.quotaBytes)) await this.sweep('low_space');
  }

  /** One sweep at a time; a request during a sweep runs once more right after it. */
  sweep(trigger: SweepTrigger): Promise<SweepReport> {
    return this.job.run(trigger);
  }

  private async sweepOnce(trigger: SweepTrigger): Promise<SweepReport> {
    this.lastSweepAt = this.now();
    const report: SweepReport = { trigger, deleted: [], bytesFreed: 0, keptByLock: 0 };
    const locks = new Map<string, EvidenceLockRow[]>();
    for (const l of await this.deps.store.listEvidenceLocks()) {
      const list = locks.get(l.cameraId) ?? [];
      list.push(l);
      locks.set(l.cameraId, list);
    }
    const open = new Set(this.deps.openSegments().map((k) => `${k.cameraId}\u0000${k.startMs}`));
    const keep = (seg: SegmentRow): boolean => {
      if (open.has(`${seg.cameraId}\u0000${seg.startMs}`)) return true;
      if ((locks.get(seg.cameraId) ?? []).some((l) => overlapsLock(seg, l))) {
        report.keptByLock++;
        return true;
      }
      return false;
    };

    // Maximum age, camera by camera.
    const now = this.now();
    for (const cameraId of await this.deps.store.listSegmentCameras()) {
      const maxAge = this.deps.policy.maxAgeMs(cameraId);
      if (maxAge === null) continue;
      let after: SegmentKey | undefined;
      for (;;) {
        const page = await this.deps.store.listOldestSegments({ cameraId, endBeforeMs: now - maxAge, after, limit: PAGE });
        if (page.length === 0) break;
        after = page[page.length - 1];
        await this.remove('max_age', page.filter((s) => !keep(s)), report);
        if (page.length < PAGE) break;
      }
    }

    // Quota and free space: the oldest of all cameras until both hold.
    let usage = await this.usage();
    let need = Math.max(
      usage.quotaBytes === null ? 0 : usage.recordingBytes - usage.quotaBytes,
      usage.minFreeBytes - usage.freeBytes,
    );
    // A write just failed for lack of space: free at least a little even when no floor is set.
    if (trigger === 'disk_full') need = Math.max(need, Math.ceil(usage.totalBytes / 100) - usage.freeBytes);
    const spaceRule: RetentionRule = usage.quotaBytes !== null && usage.recordingBytes > usage.quotaBytes ? 'quota' : 'free_space';
    let after: SegmentKey | undefined;
    while (need > 0) {
      const page = await this.deps.store.listOldestSegments({ after, limit: Math.min(PAGE, 20) });
      if (page.length === 0) break;
      after = page[page.length - 1];
      const chosen: SegmentRow[] = [];
      for (const s of page) {
        if (need <= 0) break;
        if (keep(s)) continue;
        chosen.push(s);
        need -= s.bytes;
      }
      await this.remove(spaceRule, chosen, report);
      if (need <= 0) {
        // Files on disk are what counts: check again (other writers, unindexed bytes).
        usage = await this.usage();
        need = Math.max(usage.quotaBytes === null ? 0 : usage.recordingBytes - usage.quotaBytes, usage.minFreeBytes - usage.freeBytes);
      }
    }
    if (need > 0) this.deps.logger.warn({ needBytes: need, keptByLock: report.keptByLock }, 'retention cannot free enough space');

    if (report.deleted.length > 0) {
      const cameras = [...new Set(report.deleted.map((d) => d.segment.cameraId))];
      this.deps.logger.info({ trigger, segments: report.deleted.length, bytes: report.bytesFreed, cameras: cameras.length }, 'retention deleted recordings');
      await this.deps.raise?.({
        kind: 'retention.deleted',
        severity: trigger === 'disk_full' ? 'warning' : 'info',
        cameraId: cameras.length === 1 ? cameras[0] : null,
        details: { trigger, segments: report.deleted.length, bytes: report.bytesFreed, cameras, keptByLock: report.keptByLock },
      })?.catch((err: Error) => this.deps.logger.error({ err: err.message }, 'could not raise retention event'));
    }
    return report;
  }

  /** Index rows and their audit entry first (one transaction per camera), then the files. */
  private async remove(rule: RetentionRule, segs: SegmentRow[], report: SweepReport): Promise<void> {
    const byCamera = new Map<string, SegmentRow[]>();
    for (const s of segs) byCamera.set(s.cameraId, [...(byCamera.get(s.cameraId) ?? []), s]);
    for (const [cameraId, list] of byCamera) {
      const bytes = list.reduce((n, s) => n + s.bytes, 0);
      await this.deps.store.deleteSegments(list, {
        actor: 'system',
        action: 'recording.delete',
        cameraId,
        details: { rule, segments: list.length, bytes, ranges: mergeRanges(list) },
      });
      for (const s of list) {
        await unlink(path.join(this.deps.root, s.path)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') this.deps.logger.warn({ err: err.message, path: s.path }, 'could not delete a recording file');
        });
        report.deleted.push({ rule, segment: s });
        report.bytesFreed += s.bytes;
      }
    }
  }
}

/** The config's retention settings as a policy: a camera's own `retentionHours` wins; 0 means no limit. */
export function retentionPolicyFromConfig(cfg: Pick<Config, 'recording' | 'cameras'>): RetentionPolicy {
  const r = cfg.recording.retention;
  const perCamera = new Map(cfg.cameras.filter((c) => c.retentionHours !== undefined).map((c) => [c.id, c.retentionHours!]));
  return {
    maxAgeMs: (id) => {
      const hours = perCamera.get(id) ?? r.maxAgeHours;
      return hours > 0 ? hours * 3_600_000 : null;
    },
    quotaBytes: r.quotaGb > 0 ? Math.round(r.quotaGb * 1024 ** 3) : null,
    minFreePercent: r.minFreePercent,
  };
}
