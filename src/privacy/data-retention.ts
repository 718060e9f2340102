// Retention of everything but recordings (those are the recorder's sweep): events with resolved
// alarms and webhook dead letters, line and lane counts (the store deletes them in batches, each
// batch audited in its own transaction), alarm snapshots and exports (files: the audit entry is
// written first, then the files go, so a crash can leave a file audited as deleted, never a
// deletion unaudited), and the audit log's oldest entries (audit part's AuditPruner: signed prune
// records, the stretch verified first). Evidence locks and alarms still open win over all of it.
// Audit entries are summaries: one per batch of events or counts, one per sweep of snapshots, one
// per export (exports are few and each was itself audited), one audit.prune per cut.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AlarmRow, EvidenceLockRow, Store } from '../store/index.ts';
import { AuditError, type AuditPruner } from '../audit/index.ts';
import { OPEN_STATES } from '../events/index.ts';
import { SerialJob } from '../core/index.ts';
import {
  DATA_RETENTION_SETTING, dataRetentionNotices, effectiveDataRetention, validateDataRetention, type DataRetentionPolicy,
} from './data-retention-policy.ts';
import { auditNotCut, auditTampered, type RetentionNotice } from './retention-notice.ts';

export type DataRetentionStore = Pick<Store,
  'deleteEventsBefore' | 'deleteLineCountsBefore' | 'listEvidenceLocks' | 'listAlarms' | 'appendAudit' | 'getPrivacySetting' | 'putPrivacySetting'
  | 'deleteDecidedExportRequestsBefore' | 'deleteTrafficCountsBefore' | 'deleteCameraHealthSamplesBefore'>;

export interface DataRetentionOptions {
  store: DataRetentionStore;
  /** The config's `retention` (defaults the admin may change). */
  configured: DataRetentionPolicy;
  /** Alarm snapshots are under <dataDir>/snapshots/<camera>/<capturedAt>-<id>.png. */
  dataDir: string;
  /** Folders holding one export per subfolder (<dataDir>/exports, <dataDir>/evidence). */
  exportDirs: string[];
  /** Cuts the audit log (absent: the audit log is kept whatever the policy, and the report says so). */
  auditPruner?: AuditPruner;
  /** Why the audit log is not cut here, when there is no pruner (shown to the admin). */
  auditNotCut?: string;
  logger: Logger;
  raise?: (e: { kind: string; severity: 'info' | 'warning' | 'critical'; cameraId?: string | null; details: Record<string, unknown> }) => Promise<unknown> | void;
  now?: () => number;
}

export interface DataSweepReport {
  at: number;
  policy: DataRetentionPolicy;
  events: number;
  alarms: number;
  deadLetters: number;
  counts: number;
  snapshots: number;
  snapshotBytes: number;
  exports: number;
  exportBytes: number;
  /** four-eyes export requests decided before the exports' retention */
  exportRequests: number;
  auditEntries: number;
  /** Due but kept: inside an evidence lock, or belonging to an alarm still open. */
  kept: { byLock: number; byOpenCase: number };
  /** Set when the audit log was due for a cut and could not be cut (a stretch that does not verify, no pruner). */
  auditProblem: string | null;
}

const DAY = 86_400_000;
const EVENT_BATCH = 10_000;
const COUNT_STEP_MS = 7 * DAY;
const AUDIT_BATCH = 100_000;
/** A sweep stops cutting the audit log after this long (the next sweep goes on). */
const AUDIT_BUDGET_MS = 60_000;
const SNAPSHOT_AUDIT_BATCH = 5000;

interface OpenCases {
  eventIds: Set<string>;
  snapshots: Set<string>;
  list: { id: string; firstAt: number }[];
}

export class DataRetention {
  private readonly o: DataRetentionOptions;
  private readonly now: () => number;
  private readonly job: SerialJob<void, DataSweepReport>;
  private auditTampered: string | null = null;
  /** The last sweep's report (null before the first). */
  last: DataSweepReport | null = null;

  constructor(o: DataRetentionOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.job = new SerialJob({
      run: () => this.sweepOnce(),
      whileRunning: 'join',
      onError: (err) => this.o.logger.error({ err: err.message }, 'data retention sweep failed'),
    });
  }

  get configured(): DataRetentionPolicy {
    return { ...this.o.configured };
  }

  /** Whether this process cuts the audit log (and if not, why). */
  get auditCut(): { enabled: boolean; reason: string | null } {
    return this.o.auditPruner ? { enabled: true, reason: null } : { enabled: false, reason: this.o.auditNotCut ?? 'no signing key' };
  }

  async policy(): Promise<DataRetentionPolicy> {
    return effectiveDataRetention(this.o.configured, await this.o.store.getPrivacySetting(DATA_RETENTION_SETTING));
  }

  /** An admin's change (audited); answers with what the admin must be told. */
  async setPolicy(input: unknown, actor: { id: string; ip?: string | null }): Promise<{ policy: DataRetentionPolicy; notices: RetentionNotice[] }> {
    const before = await this.policy();
    const policy = validateDataRetention(input, before);
    await this.o.store.putPrivacySetting(DATA_RETENTION_SETTING, policy, {
      actor: actor.id, ip: actor.ip ?? null, action: 'retention.policy', details: { before, after: policy },
    });
    return { policy, notices: await this.notices(policy) };
  }

  async notices(policy: DataRetentionPolicy): Promise<RetentionNotice[]> {
    const open = await this.openCases();
    const notices = dataRetentionNotices(policy, await this.o.store.listEvidenceLocks(), open.list, this.now());
    if (policy.auditDays > 0 && !this.o.auditPruner) notices.push(auditNotCut(this.auditCut.reason ?? 'no signing key'));
    if (this.auditTampered) notices.push(auditTampered(this.auditTampered));
    return notices;
  }

  start(everyMs: number): void {
    this.job.start(everyMs, () => this.sweep());
  }

  stop(): void {
    this.job.stop();
  }

  idle(): Promise<void> {
    return this.job.idle();
  }

  /** One sweep at a time: a call during a sweep gets that sweep's report. */
  sweep(): Promise<DataSweepReport> {
    return this.job.run();
  }

  private async sweepOnce(): Promise<DataSweepReport> {
    const now = this.now();
    const policy = await this.policy();
    const r: DataSweepReport = {
      at: now, policy, events: 0, alarms: 0, deadLetters: 0, counts: 0, snapshots: 0, snapshotBytes: 0, exports: 0, exportBytes: 0, exportRequests: 0, auditEntries: 0,
      kept: { byLock: 0, byOpenCase: 0 }, auditProblem: null,
    };
    const system = { actor: 'system' } as const;
    if (policy.eventsDays > 0) {
      for (;;) {
        const d = await this.o.store.deleteEventsBefore({ beforeMs: now - policy.eventsDays * DAY, limit: EVENT_BATCH }, { ...system, action: 'event.delete', details: { retentionDays: policy.eventsDays } });
        r.events += d.deleted;
        r.alarms += d.alarms;
        r.deadLetters += d.deadLetters;
        r.kept.byLock += d.keptByLock;
        r.kept.byOpenCase += d.keptByOpenCase;
        if (!d.more) break;
      }
      // issue 15: the cameras' health history (no personal data) is kept as long as the events
      while ((await this.o.store.deleteCameraHealthSamplesBefore(now - policy.eventsDays * DAY, EVENT_BATCH)) === EVENT_BATCH);
    }
    if (policy.countsDays > 0) {
      const beforeMs = now - policy.countsDays * DAY;
      // Line crossings and vehicles per lane (traffic), each table in steps of a week, each step audited.
      for (const del of [this.o.store.deleteLineCountsBefore.bind(this.o.store), this.o.store.deleteTrafficCountsBefore.bind(this.o.store)]) {
        let fromMs: number | undefined;
        for (;;) {
          const d = await del({ fromMs, beforeMs, stepMs: COUNT_STEP_MS }, { ...system, action: 'count.delete', details: { retentionDays: policy.countsDays } });
          r.counts += d.deleted;
          r.kept.byLock += d.keptByLock;
          if (!d.more) break;
          fromMs = d.nextFromMs;
        }
      }
    }
    if (policy.snapshotsDays > 0 || policy.exportsDays > 0) {
      const locks = byCamera(await this.o.store.listEvidenceLocks());
      const open = await this.openCases();
      if (policy.snapshotsDays > 0) await this.sweepSnapshots(now - policy.snapshotsDays * DAY, policy.snapshotsDays, locks, open, r);
      if (policy.exportsDays > 0) await this.sweepExports(now - policy.exportsDays * DAY, policy.exportsDays, locks, open, r);
    }
    if (policy.exportsDays > 0) {
      // Four-eyes requests decided that long ago (who asked, why, who decided): the audit log keeps each decision.
      r.exportRequests = await this.o.store.deleteDecidedExportRequestsBefore(now - policy.exportsDays * DAY, {
        ...system, action: 'export.delete', details: { retentionDays: policy.exportsDays },
      });
    }
    if (policy.auditDays > 0) await this.cutAudit(policy.auditDays, r);

    this.last = r;
    const total = r.events + r.alarms + r.deadLetters + r.counts + r.snapshots + r.exports + r.exportRequests + r.auditEntries;
    if (total > 0) {
      const details = { events: r.events, alarms: r.alarms, deadLetters: r.deadLetters, counts: r.counts, snapshots: r.snapshots, exports: r.exports, exportRequests: r.exportRequests, auditEntries: r.auditEntries, kept: r.kept };
      this.o.logger.info(details, 'retention deleted data');
      await Promise.resolve(this.o.raise?.({ kind: 'retention.data_deleted', severity: 'info', cameraId: null, details })).catch((err: Error) =>
        this.o.logger.error({ err: err.message }, 'could not raise the retention event'));
    }
    return r;
  }

  private async cutAudit(days: number, r: DataSweepReport): Promise<void> {
    const pruner = this.o.auditPruner;
    if (!pruner) return;
    if (this.auditTampered) {
      r.auditProblem = this.auditTampered;
      return;
    }
    const t0 = Date.now();
    try {
      while (Date.now() - t0 < AUDIT_BUDGET_MS) {
        const step = await pruner.pruneOnce(days, AUDIT_BATCH);
        if (!step) break;
        r.auditEntries += step.deleted;
      }
    } catch (err) {
      if (!(err instanceof AuditError && err.code === 'AUDIT_TAMPERED')) throw err;
      // Never prune evidence of tampering away: stop cutting until someone looks (a restart tries again).
      this.auditTampered = err.message;
      r.auditProblem = err.message;
      this.o.logger.fatal({ err: err.message }, 'the audit log is due for a cut but does not verify: not cut');
      await Promise.resolve(this.o.raise?.({ kind: 'audit.tampered', severity: 'critical', cameraId: null, details: { message: err.message } })).catch(() => undefined);
    }
  }

  private async openCases(): Promise<OpenCases> {
    const out: OpenCases = { eventIds: new Set(), snapshots: new Set(), list: [] };
    let before: { firstAt: number; id: string } | undefined;
    for (;;) {
      const page: AlarmRow[] = await this.o.store.listAlarms({ states: [...OPEN_STATES], limit: 1000, before });
      for (const a of page) {
        out.eventIds.add(a.eventId);
        out.list.push({ id: a.id, firstAt: a.firstAt });
        if (typeof a.details.snapshot === 'string') out.snapshots.add(a.details.snapshot);
      }
      if (page.length < 1000) return out;
      const last = page[page.length - 1];
      before = { firstAt: last.firstAt, id: last.id };
    }
  }

  private async sweepSnapshots(beforeMs: number, days: number, locks: Map<string, EvidenceLockRow[]>, open: OpenCases, r: DataSweepReport): Promise<void> {
    const root = path.join(this.o.dataDir, 'snapshots');
    if (!existsSync(root)) return;
    const due: { rel: string; abs: string; cameraId: string; at: number; bytes: number }[] = [];
    for (const cameraId of readdirSync(root)) {
      const dir = path.join(root, cameraId);
      if (!statSync(dir).isDirectory()) continue;
      for (const name of readdirSync(dir)) {
        const abs = path.join(dir, name);
        const st = statSync(abs);
        if (!st.isFile()) continue;
        // The name starts with the capture time; a file named otherwise goes by its modification time.
        const m = /^(\d{10,})-/.exec(name);
        const at = m ? Number(m[1]) : st.mtimeMs;
        if (at >= beforeMs) continue;
        const rel = path.posix.join('snapshots', cameraId, name);
        if (inLock(locks, cameraId, at, at)) {
          r.kept.byLock++;
          continue;
        }
        if (open.snapshots.has(rel)) {
          r.kept.byOpenCase++;
          continue;
        }
        due.push({ rel, abs, cameraId, at, bytes: st.size });
      }
    }
    for (let i = 0; i < due.length; i += SNAPSHOT_AUDIT_BATCH) {
      const batch = due.slice(i, i + SNAPSHOT_AUDIT_BATCH);
      const cameras: Record<string, number> = {};
      for (const f of batch) cameras[f.cameraId] = (cameras[f.cameraId] ?? 0) + 1;
      const bytes = batch.reduce((n, f) => n + f.bytes, 0);
      await this.o.store.appendAudit({
        actor: 'system', action: 'snapshot.delete',
        details: { retentionDays: days, before: beforeMs, files: batch.length, bytes, cameras, from: Math.min(...batch.map((f) => f.at)), to: Math.max(...batch.map((f) => f.at)) },
      });
      for (const f of batch) {
        try {
          unlinkSync(f.abs);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.o.logger.warn({ err: (err as Error).message, path: f.rel }, 'could not delete a snapshot');
        }
      }
      r.snapshots += batch.length;
      r.snapshotBytes += bytes;
    }
  }

  private async sweepExports(beforeMs: number, days: number, locks: Map<string, EvidenceLockRow[]>, open: OpenCases, r: DataSweepReport): Promise<void> {
    for (const root of this.o.exportDirs) {
      if (!existsSync(root)) continue;
      for (const id of readdirSync(root)) {
        const dir = path.join(root, id);
        const st = statSync(dir);
        if (!st.isDirectory()) continue;
        const m = readManifest(dir);
        const createdAt = m?.createdAt ?? st.mtimeMs;
        if (createdAt >= beforeMs) continue;
        if (m && m.cameras.some((c) => inLock(locks, c, m.fromMs, m.toMs))) {
          r.kept.byLock++;
          continue;
        }
        // A violation's evidence package is named by its event: kept while that alarm is open.
        if (open.eventIds.has(id)) {
          r.kept.byOpenCase++;
          continue;
        }
        const { files, bytes } = sizeOf(dir);
        await this.o.store.appendAudit({
          actor: 'system', action: 'export.delete', cameraId: m && m.cameras.length === 1 ? m.cameras[0] : null,
          details: {
            exportId: id, folder: path.basename(root), retentionDays: days, createdAt, files, bytes,
            ...(m ? { cameras: m.cameras, from: m.fromMs, to: m.toMs } : { manifest: false }),
          },
        });
        rmSync(dir, { recursive: true, force: true });
        r.exports++;
        r.exportBytes += bytes;
      }
    }
  }
}

function byCamera(locks: readonly EvidenceLockRow[]): Map<string, EvidenceLockRow[]> {
  const out = new Map<string, EvidenceLockRow[]>();
  for (const l of locks) out.set(l.cameraId, [...(out.get(l.cameraId) ?? []), l]);
  return out;
}

function inLock(locks: Map<string, EvidenceLockRow[]>, cameraId: string, fromMs: number, toMs: number): boolean {
  return (locks.get(cameraId) ?? []).some((l) => fromMs <= l.toMs && toMs >= l.fromMs);
}

/** What retention needs of an export's manifest, or null when it has none (an export in progress) or it is unreadable. */
function readManifest(dir: string): { createdAt: number; cameras: string[]; fromMs: number; toMs: number } | null {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const createdAt = Date.parse(String(m.createdAt));
    const cameras = Array.isArray(m.cameras) ? m.cameras.map(String) : [];
    if (!Number.isFinite(createdAt)) return null;
    return { createdAt, cameras, fromMs: Number(m.fromMs ?? Date.parse(String(m.from))), toMs: Number(m.toMs ?? Date.parse(String(m.to))) };
  } catch {
    return null;
  }
}

function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(path.join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}
