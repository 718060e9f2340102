// One evidence package per traffic violation, made by itself a few seconds after the violation
// (when the recording has caught up): the recorded clip from before the first measured position
// to a few seconds after, frames of the vehicle with its measured positions drawn, violation.json
// (rule, limit, speed computation, positions, calibration and its error, any gap in the clip),
// and the plate — read here, for this vehicle only, from the recorded frames where its box is
// largest. Signed like an export (src/export) and checked by `vigil export verify`. The plate's
// text and crop are written into the package and nowhere else: not the event row, the logs, the
// bus or the snapshots.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { Canvas, encodePng, probeVideo } from '../analytics/index.ts';
import type { EventBus, EventTopics } from '../events/index.ts';
import { ExportService, type WrittenFile } from '../export/index.ts';
import type { PlateReader, PlateReading, Picture } from '../plates/index.ts';
import type { EventRow, Store } from '../store/index.ts';
import { redactVideo, type ObjectFinder } from '../privacy/index.ts';
import { spareViolator } from './bystander-redaction.ts';
import { fitHomography, measuredGround, vehicleTopBound } from '../traffic/index.ts';
import { EvidenceError } from './errors.ts';
import { positionsAt, violationKind, violationRecord, type CalibrationEntry, type PlateEntry, type PositionAt, type ViolationRecord } from './violation-record.ts';

const run = promisify(execFile);
export const VIOLATION_FILE = 'violation.json';

export interface ViolationEvidenceOptions {
  store: Store;
  bus: EventBus<EventTopics>;
  logger: Logger;
  recordingsDir: string;
  keysDir: string;
  checkpointFile?: string;
  /** packages are written to <evidenceDir>/<event id>/ */
  evidenceDir: string;
  /** loads the plate reader once, when the first violation needs it */
  plateReader: () => Promise<PlateReader>;
  /**
   * Where vehicles and people are in a frame (the shared detector, boxes only), to pixelate other
   * vehicles' plates and people's faces in the package; absent: not redacted (said in the record).
   */
  finder?: () => Promise<ObjectFinder>;
  /** seconds of clip before the first measured position and after the violation (default 2 and 3) */
  beforeSeconds?: number;
  afterSeconds?: number;
  /** longest wait for the recording to reach the clip's end (default 20 s) */
  waitMs?: number;
  ffmpeg?: string;
}

export class ViolationEvidence {
  private readonly o: ViolationEvidenceOptions;
  private readonly exports: ExportService;
  private reader: Promise<PlateReader> | null = null;
  /** one package at a time: plate reading and frame decoding must not take a node's cores */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly building = new Map<string, Promise<ViolationRecord>>();
  private closed = false;
  /** plate readings made, for tests and health: one per package at most */
  readings = 0;

  constructor(o: ViolationEvidenceOptions) {
    this.o = o;
    this.exports = new ExportService({ store: o.store, recordingsDir: o.recordingsDir, keysDir: o.keysDir, checkpointFile: o.checkpointFile, exportsDir: o.evidenceDir, maxRangeMs: 10 * 60_000 });
  }

  /** Packages every violation published on the bus. */
  listen(): () => void {
    return this.o.bus.subscribe('event', (e) => {
      if (!violationKind(e) || e.cameraId === null || this.closed) return;
      void this.package(e).catch((err: Error) => this.o.logger.error({ err: err.message, camera: e.cameraId, event: e.id }, 'violation evidence package failed'));
    });
  }

  dir(eventId: string): string {
    return path.join(this.o.evidenceDir, eventId);
  }

  /** The package's record, when it is written. */
  record(eventId: string): ViolationRecord | null {
    const f = path.join(this.dir(eventId), VIOLATION_FILE);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(eventId) || !existsSync(f) || !existsSync(path.join(this.dir(eventId), 'manifest.sig'))) return null;
    return JSON.parse(readFileSync(f, 'utf8')) as ViolationRecord;
  }

  /** Resolves when the violation's package is written (or at once when it was). */
  async wait(eventId: string): Promise<ViolationRecord> {
    const done = this.record(eventId);
    if (done) return done;
    const p = this.building.get(eventId);
    if (!p) throw new EvidenceError('EVIDENCE_NOT_FOUND', `no evidence package for event ${eventId}`);
    return p;
  }

  /** Makes the violation's package (once). */
  package(e: EventRow): Promise<ViolationRecord> {
    if (!violationKind(e) || !e.cameraId) return Promise.reject(new EvidenceError('NOT_A_VIOLATION', `event ${e.id} is not a traffic violation`));
    const existing = this.building.get(e.id);
    if (existing) return existing;
    const p = this.afterRecording(e).then(() => {
      const next = this.queue.then(() => this.build(e));
      this.queue = next.catch(() => undefined);
      return next;
    });
    this.building.set(e.id, p);
    void p.finally(() => this.building.delete(e.id)).catch(() => undefined);
    return p;
  }

  private span(e: EventRow): { fromMs: number; toMs: number; positions: PositionAt[] } {
    const positions = positionsAt(e);
    const first = positions.length ? positions[0].wallMs : e.ts;
    return { fromMs: Math.round(first - (this.o.beforeSeconds ?? 2) * 1000), toMs: Math.round(e.ts + (this.o.afterSeconds ?? 3) * 1000), positions };
  }

  /** Waits until the recording reaches the clip's end (or gives up: the package then states the gap). */
  private async afterRecording(e: EventRow): Promise<void> {
    const { toMs } = this.span(e);
    const end = Date.now() + (this.o.waitMs ?? 20_000);
    while (!this.closed && Date.now() < end) {
      const last = await this.o.store.lastSegment(e.cameraId!);
      if (last && last.endMs >= toMs) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async build(e: EventRow): Promise<ViolationRecord> {
    const { fromMs, toMs, positions } = this.span(e);
    const kind = violationKind(e)!;
    let record: ViolationRecord | null = null;
    const job = await this.exports.start({
      id: e.id, cameras: [e.cameraId!], fromMs, toMs, actor: 'system',
      reason: `evidence of a traffic violation: ${kind} on lane "${String(e.details.rule)}" (event ${e.id})`,
      violation: { eventId: e.id, kind, rule: String(e.details.rule ?? ''), atMs: e.ts },
      extraFiles: async (dir, recordings, gaps) => {
        const extra: WrittenFile[] = [];
        const add = (name: string, bytes: Buffer | Uint8Array | string, atMs: number) => {
          writeFileSync(path.join(dir, name), bytes, { flag: 'wx' });
          extra.push({ name, cameraId: e.cameraId!, startMs: atMs, endMs: atMs });
        };
        // the plate from the camera's own frames; then the clip redacted for everyone else, and
        // the frames shown taken from the redacted clip
        const original = await this.bestFrames(positions, recordings, dir);
        const plate = await this.readPlate(original, add);
        const redaction = await this.redactBystanders(e.cameraId!, positions, recordings, dir);
        const frames = redaction.redacted ? await this.bestFrames(positions, recordings, dir) : original;
        const drawn: ViolationRecord['frames'] = [];
        frames.forEach((f, i) => {
          const name = `frame-${i + 1}.png`;
          add(name, encodePng(drawPositions(f.picture, positions, f.position), f.picture.width, f.picture.height), f.position.wallMs);
          drawn.push({ file: name, wallMs: f.position.wallMs, box: f.position.box ?? null });
        });
        record = violationRecord(e, {
          calibration: await this.calibration(e.cameraId!), fromMs, toMs, files: recordings.map((r) => r.name),
          gaps: gaps.map((g) => ({ startMs: g.startMs, endMs: g.endMs, reason: g.reason })), frames: drawn, plate, redaction: redaction.applied,
        });
        add(VIOLATION_FILE, JSON.stringify(record, null, 2) + '\n', e.ts);
        return extra;
      },
    });
    const done = await this.exports.wait(job.id);
    if (done.state !== 'done' || !record) throw new Error(`evidence package ${e.id}: ${done.error ?? done.state}`);
    this.o.logger.info({ camera: e.cameraId, event: e.id, kind, files: done.files.length }, 'violation evidence package written');
    return record;
  }

  /**
   * Pixelates other vehicles' plates and people's faces in the package's clips (in place, before
   * they are hashed and signed), sparing the violator's vehicle (bystander-redaction.ts).
   */
  private async redactBystanders(cameraId: string, positions: PositionAt[], recordings: WrittenFile[], dir: string): Promise<{ redacted: boolean; applied: string[] }> {
    const clips = recordings.filter((r) => r.name.endsWith('.mp4'));
    if (!clips.length) return { redacted: false, applied: [] };
    if (!this.o.finder) return { redacted: false, applied: ['other vehicles\' plates and people\'s faces NOT redacted: export redaction is switched off on this server (privacy.redactExports)'] };
    let find: ObjectFinder;
    try {
      find = await this.o.finder();
    } catch (err) {
      // the violation's evidence is still kept; the record says what was not hidden and why
      this.o.logger.warn({ err: (err as Error).message }, 'evidence: other road users cannot be redacted');
      return { redacted: false, applied: [`other vehicles' plates and people's faces NOT redacted: ${(err as Error).message}`] };
    }
    const track = positions.filter((p) => p.box).map((p) => ({ wallMs: p.wallMs, box: p.box! }));
    // with the camera's calibration (and the camera it implies), a box reaching higher than any
    // vehicle standing there, or wider on the ground than any vehicle, is no vehicle
    const row = await this.o.store.getCameraCalibration(cameraId);
    const cal = row ? fitHomography(row.points) : null;
    const toGround = cal ? (p: [number, number]) => measuredGround(cal, p) : undefined;
    let topBound: ((p: [number, number]) => number | null) | undefined;
    if (cal) {
      const info = await probeVideo(path.join(dir, clips[0].name));
      topBound = vehicleTopBound(cal, info.width / info.height) ?? undefined;
    }
    let frames = 0, withPlates = 0, withFaces = 0, notVehicles = 0, looks = 0, spared = 0;
    // how often the violator was told apart from everything else found (where not, all is hidden)
    const counted = (select: ReturnType<typeof spareViolator>): ReturnType<typeof spareViolator> => (seconds, found) => {
      const chosen = select(seconds, found);
      looks++;
      if (chosen.keep.length) spared++;
      return chosen;
    };
    for (const r of clips) {
      const file = path.join(dir, r.name);
      const tmp = `${file}.redacting.mp4`;
      const s = await redactVideo({ input: file, output: tmp, polygons: [], find, toGround, topBound, select: counted(spareViolator(track, r.startMs)), ffmpeg: this.o.ffmpeg });
      await rename(tmp, file);
      frames += s.frames; withPlates += s.framesWithPlates; withFaces += s.framesWithFaces; notVehicles += s.notVehicles;
    }
    return {
      redacted: true,
      applied: [
        `other vehicles' licence plates: in every vehicle box but the violator's (followed from its measured boxes), the plate-shaped windows densest in character strokes (never read) pixelated, as in exports (${withPlates} of ${frames} frames)`,
        `vehicle boxes that cannot be vehicles (over the whole view with smaller vehicles inside${topBound ? ', reaching higher than any vehicle standing there' : ''}${toGround ? ', wider on the ground than any vehicle' : ''}) not searched for plates nor taken for the violator: ${notVehicles}`,
        `people's faces: the head band of every person not riding in the violator's vehicle pixelated (${withFaces} of ${frames} frames)`,
        `the violator's vehicle and its plate are not redacted where the detector's box of it was told apart from other vehicles (${spared} of ${looks} looks); at the other looks everything found was pixelated, its plate too. The plate was read from the camera's frames before redaction`,
        'the clip re-encoded with libx264 (CRF 20); the archive keeps the camera\'s original',
      ],
    };
  }

  private async calibration(cameraId: string): Promise<CalibrationEntry | null> {
    const row = await this.o.store.getCameraCalibration(cameraId);
    if (!row) return null;
    const cal = fitHomography(row.points);
    const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
    return { points: row.points.map((p) => ({ image: [p.image[0], p.image[1]], ground: [p.ground[0], p.ground[1]] })), rmsGroundM: r(cal.rmsGroundM, 3), rmsImage: r(cal.rmsImage, 5), groundSigmaM: r(cal.groundSigmaM, 3), scaleErrorPct: r(cal.scaleSigma * 100, 2) };
  }

  /** The recorded frames where the vehicle's box is largest (up to 3), decoded from the package's own clip. */
  private async bestFrames(positions: PositionAt[], recordings: WrittenFile[], dir: string): Promise<{ picture: Picture; position: PositionAt }[]> {
    const area = (p: PositionAt) => (p.box ? (p.box[2] - p.box[0]) * (p.box[3] - p.box[1]) : 0);
    const picks = positions.filter((p) => p.box && recordings.some((f) => p.wallMs >= f.startMs && p.wallMs < f.endMs)).sort((a, b) => area(b) - area(a)).slice(0, 3);
    const out: { picture: Picture; position: PositionAt }[] = [];
    for (const p of picks) {
      const f = recordings.find((r) => p.wallMs >= r.startMs && p.wallMs < r.endMs)!;
      const file = path.join(dir, f.name);
      const info = await probeVideo(file);
      const { stdout } = await run(this.o.ffmpeg ?? 'ffmpeg', ['-hide_banner', '-loglevel', 'error', '-ss', ((p.wallMs - f.startMs) / 1000).toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 64 << 20 });
      if (stdout.length < info.width * info.height * 3) continue;
      out.push({ picture: { rgb: new Uint8Array(stdout.buffer, stdout.byteOffset, info.width * info.height * 3), width: info.width, height: info.height }, position: p });
    }
    return out;
  }

  private async readPlate(frames: { picture: Picture; position: PositionAt }[], add: (name: string, bytes: Buffer, atMs: number) => void): Promise<PlateEntry> {
    if (!frames.length) return { status: 'not_attempted', reason: 'no recorded frame of the vehicle' };
    this.reader ??= this.o.plateReader();
    const reader = await this.reader;
    this.readings++;
    let r: PlateReading | null = null;
    let at: number | null = null;
    for (const f of frames) {
      const x = await reader.read(f.picture, f.position.box!);
      // the first reading, replaced by a read one, or by the first unread one that has a crop to show
      if (!r || x.status === 'read' || (r.status === 'unread' && !r.crop && x.crop)) { r = x; at = f.position.wallMs; }
      if (x.status === 'read') break;
    }
    if (!r) return { status: 'not_attempted', reason: 'no recorded frame of the vehicle' };
    if (r.status === 'read') {
      add('plate.png', encodePng(r.crop.rgb, r.crop.width, r.crop.height), at!);
      return { status: 'read', text: r.text, confidence: r.confidence, minCharConfidence: r.minCharConfidence, frameMs: at!, crop: 'plate.png', corners: r.corners };
    }
    if (r.crop) add('plate-unread.png', encodePng(r.crop.rgb, r.crop.width, r.crop.height), at!);
    return { status: 'unread', reason: r.reason, frameMs: at, crop: r.crop ? 'plate-unread.png' : null };
  }

  async close(): Promise<void> {
    this.closed = true;
    // packages under way are finished with what was recorded (the store closes after this)
    await Promise.allSettled([...this.building.values()]);
    await this.queue;
    const r = await this.reader?.catch(() => null);
    await r?.close();
  }
}

/** The frame with the vehicle's box (this frame's) and the path of its measured positions. */
function drawPositions(p: Picture, positions: PositionAt[], at: PositionAt): Uint8Array {
  const rgb = p.rgb.slice();
  const c = new Canvas(rgb, p.width, p.height);
  const px = (v: number) => Math.round(v * p.width), py = (v: number) => Math.round(v * p.height);
  for (let i = 1; i < positions.length; i++) c.line(px(positions[i - 1].image[0]), py(positions[i - 1].image[1]), px(positions[i].image[0]), py(positions[i].image[1]), [255, 220, 0], 2);
  for (const q of positions) c.rect(px(q.image[0]) - 2, py(q.image[1]) - 2, px(q.image[0]) + 2, py(q.image[1]) + 2, q.ground ? [0, 255, 0] : [255, 80, 80], 1);
  if (at.box) c.rect(px(at.box[0]), py(at.box[1]), px(at.box[2]), py(at.box[3]), [255, 0, 0], 2);
  return rgb;
}
