// Evidence export as a background job: MP4 files for each camera and span, then manifest.json with
// the SHA-256 of every file, signed with the server's Ed25519 key. Each export is audited when it is
// asked for (with the reason the person gave) and when it ends. Jobs live in memory for progress;
// the finished export lives on disk in <dataDir>/exports/<id>/ and is checked with `vigil export verify`.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditInput, SegmentRow } from '../store/index.ts';
import { explainGaps, gapsBetween, recordedSpans, type GapRecord, type SegmentSource } from '../playback/index.ts';
import { ExportError } from './errors.ts';
import { segmentsFor, writeCameraExport, type SegmentReader, type WrittenFile } from './camera-export.ts';
import { MANIFEST_FILE, SIGNATURE_FILE, serializeManifest, type Manifest, type ManifestFile } from './manifest.ts';
import { loadOrCreateServerKey, readLatestCheckpoint, signBytes } from '../audit/index.ts';
import { sha256File } from './verify-export.ts';

export interface ExportStore extends SegmentSource {
  appendAudit(entry: AuditInput): Promise<unknown>;
  listGaps(cameraId: string, fromMs: number, toMs: number, limit?: number): Promise<GapRecord[]>;
}

export interface ExportRequest {
  cameras: string[];
  fromMs: number;
  toMs: number;
  reason: string;
  /** user id (or "cli") */
  actor: string;
  ip?: string | null;
  /**
   * Rewrites each written file in place before it is hashed (e.g. privacy masks burned in) and
   * says what it did, for the manifest; [] when it left the file as it was.
   */
  transform?: (cameraId: string, filePath: string, ctx: { redactionLift: RedactionLift | null }) => Promise<string[]>;
  /** Faces and plates left unredacted, by a user who may approve exports, with a reason (audited). */
  redactionLift?: RedactionLift;
  /** More for the export.create audit entry (e.g. the purpose of looking back). */
  auditDetails?: Record<string, unknown>;
  /** Four eyes: the export waits until another user approves it (approve / refuse). */
  needsApproval?: boolean;
  /** The requester's user name, for the manifest (four eyes: both names are in it). */
  actorName?: string;
  /** issue 14: the export's id (a violation's evidence package is named by its event); default a new UUID */
  id?: string;
  /**
   * issue 14: writes more files into the export's directory after the recordings (a violation's
   * measurements, frames, plate crop), given the recordings written and the gaps found; they are
   * hashed and signed with the rest.
   */
  extraFiles?: (dir: string, recordings: WrittenFile[], gaps: Manifest['gaps']) => Promise<WrittenFile[]>;
  /** issue 14: what the package is evidence of, for the manifest */
  violation?: Manifest['violation'];
  /** issue 13: the purpose of looking back stated with the request (shown to the approver). */
  purpose?: { name: string; text: string } | null;
}

/** Who lifted the default redaction of faces and plates from an export, and why. */
export interface RedactionLift {
  by: string;
  byName: string;
  reason: string;
}

/** Who approved a four-eyes export, for the manifest. */
export interface ExportApprover {
  id: string;
  username: string;
  ip?: string | null;
}

export interface ExportJobView {
  id: string;
  state: 'awaiting_approval' | 'refused' | 'running' | 'done' | 'failed';
  progress: number;
  cameras: string[];
  from: number;
  to: number;
  createdBy: string;
  createdAt: number;
  error: string | null;
  files: ManifestFile[];
  /** The requester's reason and user name (the approver decides on them). */
  reason: string;
  requestedByName: string;
  /** Faces and plates are left unredacted (lifted with a reason). */
  redactionLifted: boolean;
  /** issue 13: the purpose of looking back stated with the request, if any. */
  purpose: { name: string; text: string } | null;
  /** issue 13, four eyes: who approved or refused, and when (null until decided). */
  decidedByName: string | null;
  decidedAt: number | null;
}

export interface ExportServiceOptions {
  store: ExportStore;
  recordingsDir: string;
  keysDir: string;
  /** The audit checkpoint file: its latest checkpoint goes into every manifest. */
  checkpointFile?: string;
  /** Where export directories are created (each export in <exportsDir>/<id>/). */
  exportsDir: string;
  maxRangeMs?: number;
  /** Reads a segment's file (default: under recordingsDir); in a cluster, one on another node's disk is fetched from it. */
  readSegment?: SegmentReader;
}

const MAX_REASON = 2000;

export function validateExportRequest(r: ExportRequest, maxRangeMs: number): void {
  if (!r.reason || !r.reason.trim()) throw new ExportError('BAD_REQUEST', 'an export needs a reason (purpose, case or request number): it is written to the audit log and the manifest');
  if (r.reason.length > MAX_REASON) throw new ExportError('BAD_REQUEST', `the reason may be at most ${MAX_REASON} characters`);
  if (r.cameras.length === 0) throw new ExportError('BAD_REQUEST', 'name at least one camera');
  if (new Set(r.cameras).size !== r.cameras.length) throw new ExportError('BAD_REQUEST', 'a camera is named twice');
  if (!(Number.isFinite(r.fromMs) && Number.isFinite(r.toMs) && r.toMs > r.fromMs)) throw new ExportError('BAD_REQUEST', 'the interval needs from < to');
  if (r.toMs - r.fromMs > maxRangeMs) throw new ExportError('BAD_REQUEST', `the interval may be at most ${Math.round(maxRangeMs / 3_600_000)} h`);
}

export class ExportService {
  private readonly jobs = new Map<string, ExportJobView & { dir: string; done: Promise<void>; request?: ExportRequest; approver?: ExportApprover }>();
  private readonly opts: ExportServiceOptions;

  constructor(opts: ExportServiceOptions) {
    this.opts = opts;
  }

  /** Validates, audits the request, and starts the job; resolves once the audit entries are written. */
  async start(r: ExportRequest): Promise<ExportJobView> {
    validateExportRequest(r, this.opts.maxRangeMs ?? 24 * 3_600_000);
    if (r.redactionLift && r.needsApproval) throw new ExportError('BAD_REQUEST', 'body/liftRedaction: with four-eyes export the approver lifts redaction when approving');
    if (r.redactionLift && !r.redactionLift.reason.trim()) throw new ExportError('BAD_REQUEST', 'body/liftRedaction/reason: say why faces and plates may stay unredacted (audited, in the manifest)');
    const id = r.id ?? randomUUID();
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id)) throw new ExportError('BAD_REQUEST', 'an export id is letters, digits, - and _');
    if (this.jobs.has(id)) throw new ExportError('CONFLICT', `export ${id} exists`);
    const dir = path.join(this.opts.exportsDir, id);
    // No audit entry, no export: accountability comes first.
    for (const cameraId of r.cameras) {
      await this.opts.store.appendAudit({
        actor: r.actor, ip: r.ip ?? null, action: 'export.create', cameraId,
        details: { exportId: id, from: r.fromMs, to: r.toMs, cameras: r.cameras, reason: r.reason, ...r.auditDetails },
      });
    }
    if (r.redactionLift) await this.auditLift(id, r.cameras, r.redactionLift, r.ip ?? null);
    const job: ExportJobView & { dir: string; done: Promise<void>; request?: ExportRequest; approver?: ExportApprover } = {
      id, state: r.needsApproval ? 'awaiting_approval' : 'running', progress: 0, cameras: [...r.cameras], from: r.fromMs, to: r.toMs, createdBy: r.actor, createdAt: Date.now(),
      error: null, files: [], dir, done: Promise.resolve(), reason: r.reason, requestedByName: r.actorName ?? r.actor, redactionLifted: r.redactionLift !== undefined,
      purpose: r.purpose ?? null, decidedByName: null, decidedAt: null,
    };
    this.jobs.set(id, job);
    // Four eyes: nothing is produced until another user approves (kept in memory: a restart drops pending requests).
    if (r.needsApproval) {
      job.request = r;
      return this.view(job);
    }
    this.launch(job, r);
    return this.view(job);
  }

  private async auditLift(exportId: string, cameras: string[], lift: RedactionLift, ip: string | null): Promise<void> {
    for (const cameraId of cameras) {
      await this.opts.store.appendAudit({ actor: lift.by, ip, action: 'export.redaction_lift', cameraId, details: { exportId, reason: lift.reason } });
    }
  }

  /** Export requests waiting for a second user. */
  pending(): ExportJobView[] {
    return [...this.jobs.values()].filter((j) => j.state === 'awaiting_approval').map((j) => this.view(j));
  }

  /** This process's exports requested by one user, newest first (a restart forgets them; the audit log keeps them). */
  requestedBy(actor: string): ExportJobView[] {
    return [...this.jobs.values()].filter((j) => j.createdBy === actor).sort((a, b) => b.createdAt - a.createdAt).map((j) => this.view(j));
  }

  /** A second user approves: audited, then the export is produced with both names in its manifest. */
  async approve(id: string, approver: ExportApprover, o: { liftRedactionReason?: string } = {}): Promise<ExportJobView> {
    const job = this.awaiting(id, approver);
    const liftReason = o.liftRedactionReason?.trim();
    if (o.liftRedactionReason !== undefined && !liftReason) throw new ExportError('BAD_REQUEST', 'body/liftRedaction/reason: say why faces and plates may stay unredacted (audited, in the manifest)');
    if (liftReason && liftReason.length > MAX_REASON) throw new ExportError('BAD_REQUEST', `body/liftRedaction/reason: at most ${MAX_REASON} characters`);
    const lift = liftReason ? { by: approver.id, byName: approver.username, reason: liftReason } : undefined;
    await this.opts.store.appendAudit({ actor: approver.id, ip: approver.ip ?? null, action: 'export.approve', details: { exportId: id, requestedBy: job.createdBy, cameras: job.cameras, ...(lift ? { redactionLifted: true, liftReason: lift.reason } : {}) } });
    if (lift) await this.auditLift(id, job.cameras, lift, approver.ip ?? null);
    job.state = 'running';
    job.approver = approver;
    job.decidedByName = approver.username;
    job.decidedAt = Date.now();
    if (lift) {
      job.request = { ...job.request!, redactionLift: lift };
      job.redactionLifted = true;
    }
    this.launch(job, job.request!);
    return this.view(job);
  }

  /** A second user refuses, with a reason: audited; nothing is produced. */
  async refuse(id: string, approver: ExportApprover, reason: string): Promise<ExportJobView> {
    if (!reason.trim()) throw new ExportError('BAD_REQUEST', 'body/reason: say why the export is refused (audited)');
    const job = this.awaiting(id, approver);
    await this.opts.store.appendAudit({ actor: approver.id, ip: approver.ip ?? null, action: 'export.refuse', details: { exportId: id, requestedBy: job.createdBy, reason: reason.trim() } });
    job.state = 'refused';
    job.error = `refused: ${reason.trim()}`;
    job.decidedByName = approver.username;
    job.decidedAt = Date.now();
    return this.view(job);
  }

  private awaiting(id: string, approver: ExportApprover): ExportJobView & { dir: string; done: Promise<void>; request?: ExportRequest; approver?: ExportApprover } {
    const job = this.jobs.get(id);
    if (!job) throw new ExportError('NOT_FOUND', `no export ${id}`);
    if (job.state !== 'awaiting_approval') throw new ExportError('CONFLICT', `export ${id} is ${job.state}, not awaiting approval`);
    if (job.createdBy === approver.id) throw new ExportError('FORBIDDEN', 'four eyes: the requester cannot approve or refuse their own export');
    return job;
  }

  private launch(job: ExportJobView & { dir: string; done: Promise<void>; approver?: ExportApprover }, r: ExportRequest): void {
    const { id, dir } = job;
    job.done = this.run(job, r).catch(async (err) => {
      job.state = 'failed';
      job.error = (err as Error).message;
      rmSync(dir, { recursive: true, force: true });
      await this.opts.store.appendAudit({ actor: r.actor, ip: r.ip ?? null, action: 'export.failed', details: { exportId: id, error: job.error } }).catch(() => undefined);
    });
  }

  get(id: string): ExportJobView | null {
    const j = this.live(id);
    return j ? this.view(j) : null;
  }

  /** Directory of a finished export, or null. */
  directory(id: string): string | null {
    const j = this.live(id);
    return j && j.state === 'done' ? j.dir : null;
  }

  /** The job, unless it finished and retention has since deleted its files (then it is forgotten too). */
  private live(id: string) {
    const j = this.jobs.get(id);
    if (j && j.state === 'done' && !existsSync(j.dir)) {
      this.jobs.delete(id);
      return undefined;
    }
    return j;
  }

  /** Waits for a job to end (tests, CLI). */
  async wait(id: string): Promise<ExportJobView> {
    const j = this.jobs.get(id);
    if (!j) throw new ExportError('NOT_FOUND', `no export ${id}`);
    await j.done;
    return this.view(j);
  }

  private view(j: ExportJobView): ExportJobView {
    const { id, state, progress, cameras, from, to, createdBy, createdAt, error, files, reason, requestedByName, redactionLifted, purpose, decidedByName, decidedAt } = j;
    return { id, state, progress, cameras, from, to, createdBy, createdAt, error, files, reason, requestedByName, redactionLifted, purpose, decidedByName, decidedAt };
  }

  private async run(job: ExportJobView & { dir: string }, r: ExportRequest): Promise<void> {
    mkdirSync(job.dir, { recursive: true });
    const key = loadOrCreateServerKey(this.opts.keysDir);
    const perCamera = new Map<string, SegmentRow[]>();
    for (const c of r.cameras) perCamera.set(c, await segmentsFor(this.opts.store, c, r.fromMs, r.toMs));
    const total = [...perCamera.values()].reduce((n, s) => n + s.length, 0) || 1;
    let doneSegs = 0;
    const written: WrittenFile[] = [];
    const gaps: Manifest['gaps'] = [];
    for (const [cameraId, segs] of perCamera) {
      const before = doneSegs;
      const files = await writeCameraExport(
        { cameraId, fromMs: r.fromMs, toMs: r.toMs, recordingsDir: this.opts.recordingsDir, store: this.opts.store, read: this.opts.readSegment, outDir: job.dir, onProgress: (d) => {
          doneSegs = before + d;
          job.progress = Math.min(0.95, (doneSegs / total) * 0.95); // the last 5 %: hashing and signing
        } },
        segs,
      );
      written.push(...files);
      const spans = recordedSpans(files, r.fromMs, r.toMs);
      const indexed = await this.opts.store.listGaps(cameraId, r.fromMs, r.toMs, 10_000);
      for (const g of explainGaps(gapsBetween(spans, r.fromMs, r.toMs), indexed)) gaps.push({ cameraId, ...g });
    }
    if (r.extraFiles) written.push(...(await r.extraFiles(job.dir, written.slice(), gaps)));
    const files: ManifestFile[] = [];
    const redactions: NonNullable<Manifest['redactions']> = [];
    for (const f of written) {
      const p = path.join(job.dir, f.name);
      const applied = r.transform && f.name.endsWith('.mp4') ? await r.transform(f.cameraId, p, { redactionLift: r.redactionLift ?? null }) : [];
      if (applied.length) redactions.push({ file: f.name, applied });
      files.push({ name: f.name, sha256: await sha256File(p), bytes: statSync(p).size, cameraId: f.cameraId, startMs: Math.round(f.startMs), endMs: Math.round(f.endMs) });
    }
    const manifest: Manifest = {
      format: 'vigil-export/1',
      exportId: job.id,
      cameras: r.cameras,
      from: new Date(r.fromMs).toISOString(),
      to: new Date(r.toMs).toISOString(),
      fromMs: r.fromMs,
      toMs: r.toMs,
      files,
      gaps,
      createdAt: new Date(job.createdAt).toISOString(),
      createdBy: r.actor,
      reason: r.reason,
      serverKeyId: key.keyId,
      publicKey: key.publicKeyBase64,
      ...(r.transform ? { redactions } : {}),
      ...(r.redactionLift ? { redactionLift: { by: r.redactionLift.by, byName: r.redactionLift.byName, reason: r.redactionLift.reason } } : {}),
      ...((job as { approver?: ExportApprover }).approver
        ? { requestedByName: r.actorName ?? r.actor, approvedBy: (job as { approver?: ExportApprover }).approver!.id, approvedByName: (job as { approver?: ExportApprover }).approver!.username }
        : {}),
      ...(r.violation ? { violation: r.violation } : {}),
      auditCheckpoint: this.opts.checkpointFile ? readLatestCheckpoint(this.opts.checkpointFile) : null,
    };
    const bytes = serializeManifest(manifest);
    writeFileSync(path.join(job.dir, MANIFEST_FILE), bytes, { flag: 'wx' });
    writeFileSync(path.join(job.dir, SIGNATURE_FILE), signBytes(key, bytes).toString('base64') + '\n', { flag: 'wx' });
    job.files = files;
    job.progress = 1;
    job.state = 'done';
    await this.opts.store.appendAudit({
      actor: r.actor, ip: r.ip ?? null, action: 'export.done',
      details: { exportId: job.id, files: files.length, bytes: files.reduce((n, f) => n + f.bytes, 0), serverKeyId: key.keyId },
    });
  }
}

/** Files of an export directory in archive order: the manifest and signature first. */
export function exportEntries(dir: string): { name: string; path: string; size: number; mtimeMs: number }[] {
  const names = readdirSync(dir).sort((a, b) => (a === MANIFEST_FILE ? -1 : b === MANIFEST_FILE ? 1 : a === SIGNATURE_FILE ? -1 : b === SIGNATURE_FILE ? 1 : a.localeCompare(b)));
  return names.map((name) => {
    const p = path.join(dir, name);
    const st = statSync(p);
    return { name, path: p, size: st.size, mtimeMs: st.mtimeMs };
  });
}
