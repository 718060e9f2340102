// What happens to a rule hit: the analysed frame becomes a snapshot (heads pixelated before it is
// written), the hit becomes an event row (camera, rule, class, time, box, track id, snapshot path),
// the row is published on the bus, and line crossings are added to per-minute counts, which are
// written in batches so a busy line costs one upsert per minute and class, not one per person.
import { mkdir, writeFile } from 'node:fs/promises';
import type { Pace } from './analysis-pace.ts';
import path from 'node:path';
import type { Logger } from 'pino';
import type { EventRow, EventSeverity, LineCountRow, Store } from '../store/types.ts';
import type { EventBus } from '../bus/index.ts';
import type { RuleEvent, RuleKind } from '../analytics/index.ts';
import { newId } from '../core/ids.ts';
import { blurHeads } from './head-blur.ts';
import { encodePngAsync } from './snapshot-png.ts';
import type { AnalysedFrame } from './camera-analyser.ts';

export interface AlarmAck { eventId: string; cameraId: string | null; ackedBy: string; ackedByName: string; ackedAt: number }

export interface AlarmTopics extends Record<string, unknown> {
  event: EventRow;
  'alarm.ack': AlarmAck;
  /** The cameras whose live analysis is falling behind, whenever that set changes. */
  'analytics.behind': Record<string, Pace>;
}

export const ALARM_KIND_PREFIX = 'analytics.';

const SEVERITY: Record<RuleKind, EventSeverity> = {
  line_crossing: 'info',
  zone_intrusion: 'warning',
  dwell: 'warning',
  left_object: 'warning',
  crowd: 'critical',
  tamper: 'warning',
};

export interface AlarmRecorderOptions {
  store: Pick<Store, 'addEvent' | 'addLineCounts'>;
  bus: EventBus<AlarmTopics>;
  /** snapshots go under <dataDir>/snapshots/<camera>/ */
  dataDir: string;
  logger: Logger;
  /** which detector made the boxes, recorded with each event */
  detectorName: (cameraId: string) => string;
  flushMs?: number;
}

export class AlarmRecorder {
  private readonly o: AlarmRecorderOptions;
  private readonly counts = new Map<string, LineCountRow>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** per camera: the last frame's rows being written (the next frame's rows wait for them) */
  private readonly tails = new Map<string, Promise<void>>();
  /** snapshot folders already made */
  private readonly dirs = new Set<string>();
  /** snapshots being compressed and written (relative path → done), for readers that come early */
  private readonly pendingSnapshots = new Map<string, Promise<void>>();
  /** events written, for benchmarks and health */
  written = 0;

  constructor(o: AlarmRecorderOptions) {
    this.o = o;
    this.timer = setInterval(() => void this.flush(), o.flushMs ?? 5000);
    this.timer.unref();
  }

  /**
   * Records every event of one analysed frame; one snapshot serves them all. Heads are blurred at
   * once; compression and the file write go on on libuv's pool while the rows are written and
   * published (in frame order per camera): an alarm does not wait for its picture (tens to hundreds
   * of ms on a busy node), and a reader of the snapshot waits for it (`snapshotReady`).
   */
  record(frame: AnalysedFrame): Promise<EventRow[]> {
    for (const e of frame.events) if (e.kind === 'line_crossing' && e.direction) this.count(frame.cameraId, e, frame.capturedAt);
    // Relative to the data dir, with '/' on every platform: it is stored in the event row.
    const rel = path.posix.join('snapshots', frame.cameraId, `${frame.capturedAt}-${newId('s').slice(2, 8)}.png`);
    const written = this.snapshot(frame, rel);
    const pending = written.then(() => undefined);
    this.pendingSnapshots.set(rel, pending);
    void pending.then(() => this.pendingSnapshots.delete(rel));
    const prev = this.tails.get(frame.cameraId) ?? Promise.resolve();
    const done = prev.then(async () => this.writeRows(frame, rel));
    const tail = done.then(() => undefined, () => undefined);
    this.tails.set(frame.cameraId, tail);
    void tail.then(() => {
      if (this.tails.get(frame.cameraId) === tail) this.tails.delete(frame.cameraId);
    });
    return done;
  }

  private async writeRows(frame: AnalysedFrame, snapshot: string): Promise<EventRow[]> {
    const rows: EventRow[] = [];
    for (const e of frame.events) {
      const details: Record<string, unknown> = {
        rule: e.rule,
        ruleKind: e.kind,
        frameAt: frame.capturedAt,
        analysedAt: frame.analysedAt,
        detector: this.o.detectorName(frame.cameraId),
      };
      if (e.cls) details.cls = e.cls;
      if (e.box) details.box = e.box.map((v) => Math.round(v * 10000) / 10000);
      if (e.trackId !== undefined) details.trackId = e.trackId;
      if (e.direction) details.direction = e.direction;
      if (e.detail) details.detail = e.detail;
      details.snapshot = snapshot;
      if (frame.cameraTime !== null) details.cameraTime = frame.cameraTime;
      try {
        const row = await this.o.store.addEvent({ ts: frame.capturedAt, cameraId: frame.cameraId, kind: ALARM_KIND_PREFIX + e.kind, severity: SEVERITY[e.kind], details });
        this.written++;
        rows.push(row);
        this.o.bus.publish('event', row);
      } catch (err) {
        this.o.logger.error({ err: (err as Error).message, camera: frame.cameraId }, 'event write failed');
      }
    }
    return rows;
  }

  private count(cameraId: string, e: RuleEvent, at: number): void {
    const minuteMs = Math.floor(at / 60000) * 60000;
    const cls = e.cls ?? 'unknown';
    const key = `${cameraId}\u0000${e.rule}\u0000${minuteMs}\u0000${cls}\u0000${e.direction}`;
    const row = this.counts.get(key);
    if (row) row.n++;
    else this.counts.set(key, { cameraId, line: e.rule, minuteMs, cls, direction: e.direction!, n: 1 });
  }

  /** Writes the counts gathered since the last flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.counts.size === 0) return;
      const rows = [...this.counts.values()];
      this.counts.clear();
      try {
        await this.o.store.addLineCounts(rows);
      } catch (err) {
        this.o.logger.error({ err: (err as Error).message }, 'line count write failed');
        // keep them for the next try rather than lose them
        for (const r of rows) {
          const key = `${r.cameraId}\u0000${r.line}\u0000${r.minuteMs}\u0000${r.cls}\u0000${r.direction}`;
          const have = this.counts.get(key);
          if (have) have.n += r.n;
          else this.counts.set(key, r);
        }
      }
    });
    return this.flushing;
  }

  /** Resolves once the snapshot at this relative path is written (or failed), at once when none is pending. */
  snapshotReady(rel: string): Promise<void> {
    return this.pendingSnapshots.get(rel) ?? Promise.resolve();
  }

  /** Writes the frame's snapshot (heads pixelated first, synchronously); false when it failed (logged). */
  private async snapshot(frame: AnalysedFrame, rel: string): Promise<boolean> {
    try {
      // The motion stand-in cannot tell a person from a car: then every box may hold a head.
      const all = this.o.detectorName(frame.cameraId) === 'motion';
      const persons = [
        ...frame.tracks.filter((t) => all || t.cls === 'person').map((t) => t.box),
        ...frame.detections.filter((d) => all || d.cls === 'person').map((d) => d.box),
        ...frame.events.filter((e) => (all || e.cls === 'person') && e.box).map((e) => e.box!),
      ];
      // The frame is ours (the analyser handed over a copy): heads are pixelated in place.
      const rgb = frame.rgb;
      blurHeads(rgb, frame.width, frame.height, persons);
      const abs = path.join(this.o.dataDir, ...rel.split('/'));
      const png = encodePngAsync(rgb, frame.width, frame.height);
      const dir = path.dirname(abs);
      if (!this.dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.dirs.add(dir);
      }
      await writeFile(abs, await png);
      return true;
    } catch (err) {
      this.o.logger.error({ err: (err as Error).message, camera: frame.cameraId }, 'snapshot write failed');
      return false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.tails.values(), ...this.pendingSnapshots.values()]);
    await this.flush();
  }
}
