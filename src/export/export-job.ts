// Evidence export as a background job: MP4 files for each camera and span, then manifest.json with
// the SHA-256 of every file, signed with the server's Ed25519 key. Each export is audited when it is
// asked for (with the reason the person gave) and when it ends. Jobs live in memory for progress;
// the finished export lives on disk in <dataDir>/exports/<id>/ and is checked with `vigil export verify`.
// Four-eyes requests and their decisions live in the store (a restart loses none): a request is
// produced when a second user approves it, in whichever process that happens.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuditInput, ExportRequestRow, SegmentRow, Store } from '../store/index.ts';
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

/** Where four-eyes requests are kept until decided (and the decision after). */
export type ExportRequestStore = Pick<Store, 'addExportRequest' | 'getExportRequest' | 'listExportRequests' | 'decideExportRequest'>;

/** Rewrites a written file before it is hashed (masks, redaction); says what it did. */
export type ExportTransform = (cameraId: string, filePath: string, ctx: { redactionLift: RedactionLift | null }) => Promise<string[]>;

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
  transform?: ExportTransform;
  /** Faces and plates left unredacted, by a user who may approve exports, with a reason (audited). */
  redactionLift?: RedactionLift;
  /** More for the export.create audit entry (e.g. the purpose of looking back). */
  auditDetails?: Record<string, unknown>;
  /**
   * Four eyes: the export waits, in the store, until another user approves it (approve / refuse).
   * transform is not kept with it: the approval names it again (masks as the requester sees them then).
   */
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
  /** Where four-eyes requests are kept (needed only when a request needs approval). */
  requests?: ExportRequestStore;
}

/** How many requests a list reads at most. */
const REQUEST_LIST_LIMIT = 500;

const MAX_REASON = 2000;

export function validateExportRequest(r: ExportRequest, maxRangeMs: number): void {
  if (!r.reason || !r.reason.trim()) throw new ExportError('BAD_REQUEST', 'an export needs a reason (purpose, case or request number): it is written to the audit log and the manifest');
  if (r.reason.length > MAX_REASON) throw new ExportError('BAD_REQUEST', `the reason may be at most ${MAX_REASON} characters`);
  if (r.cameras.length === 0) throw new ExportError('BAD_REQUEST', 'name at least one camera');
  if (new Set(r.cameras).size !== r.cameras.length) throw new ExportError('BAD_REQUEST', 'a camera is named twice');
  if (!(Number.isFinite(r.fromMs) && Number.isFinite(r.toMs) && r.toMs > r.fromMs)) throw new ExportError('BAD_REQUEST', 'the interval needs from < to');
  if (r.toMs - r.fromMs > maxRangeMs) throw new ExportError('BAD_REQUEST', `the interval may be at most ${Math.round(maxRangeMs / 3_600_000)} h`);
}

type Job = ExportJobView & { dir: string; done: Promise<void>; approver?: ExportApprover };

/** A request someone already decided: 409 naming who and how. */
function decided(row: ExportRequestRow): ExportError {
  return new ExportError('CONFLICT', `export ${row.id} was already ${row.state === 'approved' ? 'approved' : 'refused'}${row.decidedByName ? ` by ${row.decidedByName}` : ''}`);
}

/** The files of a finished export's manifest, or null when it has none (unfinished, or gone). */
function readManifestFiles(dir: string): ManifestFile[] | null {
  try {
    if (!existsSync(path.join(dir, SIGNATURE_FILE))) return null;
    const m = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    return Array.isArray(m.files) ? m.files : null;
  } catch {
    return null;
  }
}

export class ExportService {
  private readonly jobs = new Map<string, Job>();
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
    if (this.jobs.has(id) || (r.needsApproval && (await this.requestStore().getExportRequest(id)))) throw new ExportError('CONFLICT', `export ${id} exists`);
    const dir = path.join(this.opts.exportsDir, id);
    // No audit entry, no export: accountability comes first.
    for (const cameraId of r.cameras) {
      await this.opts.store.appendAudit({
        actor: r.actor, ip: r.ip ?? null, action: 'export.create', cameraId,
        details: { exportId: id, from: r.fromMs, to: r.toMs, cameras: r.cameras, reason: r.reason, ...r.auditDetails },
      });
    }
    if (r.redactionLift) await this.auditLift(id, r.cameras, r.redactionLift, r.ip ?? null);
    const job: Job = {
      id, state: r.needsApproval ? 'awaiting_approval' : 'running', progress: 0, cameras: [...r.cameras], from: r.fromMs, to: r.toMs, createdBy: r.actor, createdAt: Date.now(),
      error: null, files: [], dir, done: Promise.resolve(), reason: r.reason, requestedByName: r.actorName ?? r.actor, redactionLifted: r.redactionLift !== undefined,
      purpose: r.purpose ?? null, decidedByName: null, decidedAt: null,
    };
    // Four eyes: nothing is produced until another user approves; the request waits in the store.
    if (r.needsApproval) {
      const row: ExportRequestRow = {
        id, state: 'awaiting_approval', cameras: [...r.cameras], fromMs: r.fromMs, toMs: r.toMs, reason: r.reason, purpose: r.purpose ?? null,
        requestedBy: r.actor, requestedByName: r.actorName ?? r.actor, requestedIp: r.ip ?? null, requestedAt: job.createdAt,
        decidedBy: null, decidedByName: null, decidedAt: null, decisionReason: null, redactionLiftReason: null,
      };
      await this.requestStore().addExportRequest(row);
      return this.rowView(row);
    }
    this.jobs.set(id, job);
    this.launch(job, r);
    return this.view(job);
  }

  private async auditLift(exportId: string, cameras: string[], lift: RedactionLift, ip: string | null): Promise<void> {
    for (const cameraId of cameras) {
      await this.opts.store.appendAudit({ actor: lift.by, ip, action: 'export.redaction_lift', cameraId, details: { exportId, reason: lift.reason } });
    }
  }

  private requestStore(): ExportRequestStore {
    if (!this.opts.requests) throw new ExportError('NOT_FOUND', 'four-eyes export is not configured here: no store for its requests');
    return this.opts.requests;
  }

  /** Export requests waiting for a second user, newest first. */
  async pending(): Promise<ExportJobView[]> {
    if (!this.opts.requests) return [];
    return (await this.opts.requests.listExportRequests({ state: 'awaiting_approval', limit: REQUEST_LIST_LIMIT })).map((row) => this.rowView(row));
  }

  /**
   * One user's exports, newest first: this process's jobs and every four-eyes request of theirs
   * in the store (a plain export done before a restart is not listed; the audit log keeps it).
   */
  async requestedBy(actor: string): Promise<ExportJobView[]> {
    const out = new Map<string, ExportJobView>();
    for (const j of this.jobs.values()) if (j.createdBy === actor) out.set(j.id, this.view(j));
    if (this.opts.requests) {
      for (const row of await this.opts.requests.listExportRequests({ requestedBy: actor, limit: REQUEST_LIST_LIMIT })) out.set(row.id, this.rowView(row));
    }
    return [...out.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** A job of this process or a four-eyes request in the store, or null. */
  async find(id: string): Promise<ExportJobView | null> {
    const job = this.get(id);
    if (job) return job;
    const row = this.opts.requests ? await this.opts.requests.getExportRequest(id) : null;
    return row ? this.rowView(row) : null;
  }

  /**
   * A second user approves: the decision and its audit entry are written together, only while the
   * request still waits and only by someone other than the requester (of two approvers at once one
   * wins, the other gets CONFLICT); then the export is produced with both names in its manifest.
   * transform: how each file is rewritten for the requester (masks, redaction), named again here
   * because the request may have been made before a restart.
   */
  async approve(id: string, approver: ExportApprover, o: { liftRedactionReason?: string; transform?: ExportTransform } = {}): Promise<ExportJobView> {
    const row = await this.awaiting(id, approver);
    const liftReason = o.liftRedactionReason?.trim();
    if (o.liftRedactionReason !== undefined && !liftReason) throw new ExportError('BAD_REQUEST', 'body/liftRedaction/reason: say why faces and plates may stay unredacted (audited, in the manifest)');
    if (liftReason && liftReason.length > MAX_REASON) throw new ExportError('BAD_REQUEST', `body/liftRedaction/reason: at most ${MAX_REASON} characters`);
    const lift = liftReason ? { by: approver.id, byName: approver.username, reason: liftReason } : undefined;
    const decidedAt = Date.now();
    const won = await this.requestStore().decideExportRequest(
      id,
      { state: 'approved', decidedBy: approver.id, decidedByName: approver.username, decidedAt, redactionLiftReason: lift?.reason ?? null },
      { actor: approver.id, ip: approver.ip ?? null, action: 'export.approve', details: { exportId: id, requestedBy: row.requestedBy, cameras: row.cameras, ...(lift ? { redactionLifted: true, liftReason: lift.reason } : {}) } },
    );
    if (!won) await this.lost(id, approver);
    if (lift) await this.auditLift(id, row.cameras, lift, approver.ip ?? null);
    const r: ExportRequest = {
      cameras: row.cameras, fromMs: row.fromMs, toMs: row.toMs, reason: row.reason, actor: row.requestedBy, actorName: row.requestedByName,
      ip: row.requestedIp, purpose: row.purpose, transform: o.transform, redactionLift: lift,
    };
    const job: Job = {
      ...this.rowView({ ...row, state: 'approved', decidedBy: approver.id, decidedByName: approver.username, decidedAt, redactionLiftReason: lift?.reason ?? null }),
      state: 'running', dir: path.join(this.opts.exportsDir, id), done: Promise.resolve(), approver,
    };
    this.jobs.set(id, job);
    this.launch(job, r);
    return this.view(job);
  }

  /** A second user refuses, with a reason: audited with the decision; nothing is produced, and it cannot be approved later. */
  async refuse(id: string, approver: ExportApprover, reason: string): Promise<ExportJobView> {
    if (!reason.trim()) throw new ExportError('BAD_REQUEST', 'body/reason: say why the export is refused (audited)');
    const row = await this.awaiting(id, approver);
    const decision = { state: 'refused' as const, decidedBy: approver.id, decidedByName: approver.username, decidedAt: Date.now(), decisionReason: reason.trim() };
    const won = await this.requestStore().decideExportRequest(id, decision, {
      actor: approver.id, ip: approver.ip ?? null, action: 'export.refuse', details: { exportId: id, requestedBy: row.requestedBy, reason: reason.trim() },
    });
    if (!won) await this.lost(id, approver);
    return this.rowView({ ...row, ...decision });
  }

  private async awaiting(id: string, approver: ExportApprover): Promise<ExportRequestRow> {
    const row = await this.requestStore().getExportRequest(id);
    if (!row) throw new ExportError('NOT_FOUND', `no export request ${id}`);
    if (row.requestedBy === approver.id) throw new ExportError('FORBIDDEN', 'four eyes: the requester cannot approve or refuse their own export');
    if (row.state !== 'awaiting_approval') throw decided(row);
    return row;
  }

  /** The conditional decision changed nothing: say why (someone decided first). */
  private async lost(id: string, approver: ExportApprover): Promise<never> {
    const now = await this.requestStore().getExportRequest(id);
    if (!now) throw new ExportError('NOT_FOUND', `no export request ${id}`);
    if (now.requestedBy === approver.id) throw new ExportError('FORBIDDEN', 'four eyes: the requester cannot approve or refuse their own export');
    throw decided(now);
  }

  /** A stored request as the API shows it; an approved one is this process's job, else what its directory holds. */
  private rowView(row: ExportRequestRow): ExportJobView {
    const job = this.live(row.id);
    if (job) return this.view(job);
    const base: ExportJobView = {
      id: row.id, state: row.state === 'approved' ? 'done' : row.state, progress: 0, cameras: row.cameras, from: row.fromMs, to: row.toMs,
      createdBy: row.requestedBy, createdAt: row.requestedAt, error: row.state === 'refused' ? `refused: ${row.decisionReason ?? ''}` : null, files: [],
      reason: row.reason, requestedByName: row.requestedByName, redactionLifted: row.redactionLiftReason !== null, purpose: row.purpose,
      decidedByName: row.decidedByName, decidedAt: row.decidedAt,
    };
    if (row.state !== 'approved') return base;
    // Approved in another process (or before a restart): done when its signed manifest is on disk.
    const dir = path.join(this.opts.exportsDir, row.id);
    const manifest = readManifestFiles(dir);
    if (manifest) {
      this.jobs.set(row.id, { ...base, state: 'done', progress: 1, files: manifest, dir, done: Promise.resolve() });
      return { ...base, progress: 1, files: manifest };
    }
    return { ...base, state: 'failed', error: 'approved, but its files are not on this server (interrupted by a restart, deleted by retention, or produced on another node)' };
  }

  private launch(job: Job, r: ExportRequest): void {
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

  private async run(job: Job, r: ExportRequest): Promise<void> {
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
      ...(job.approver ? { requestedByName: r.actorName ?? r.actor, approvedBy: job.approver.id, approvedByName: job.approver.username } : {}),
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
