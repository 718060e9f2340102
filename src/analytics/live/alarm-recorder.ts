// What happens to a rule hit: the analysed frame becomes a snapshot (heads pixelated before it is
// written), the hit becomes an event row (camera, rule, class, time, box, track id, snapshot path),
// the row is published on the bus, and line crossings are added to per-minute counts, which are
// written in batches so a busy line costs one upsert per minute and class, not one per person.
import type { Logger } from 'pino';
import type { EventRow, Store } from '../../store/index.ts';
import { ALARM_KIND_PREFIX, ALARM_SEVERITY, LineCountBuffer, SnapshotStore, type EventBus, type EventTopics } from '../../events/index.ts';
import { blurHeads } from '../../privacy/index.ts';
import { encodePngAsync } from '../../media/index.ts';
import type { AnalysedFrame } from './camera-analyser.ts';

export interface AlarmRecorderOptions {
  store: Pick<Store, 'addEvent' | 'addLineCounts'>;
  bus: EventBus<EventTopics>;
  /** where snapshots are written and read back (under <dataDir>/snapshots/<camera>/) */
  snapshots: SnapshotStore;
  logger: Logger;
  /** which detector made the boxes, recorded with each event */
  detectorName: (cameraId: string) => string;
  flushMs?: number;
}

export class AlarmRecorder {
  private readonly o: AlarmRecorderOptions;
  private readonly counts: LineCountBuffer;
  /** per camera: the last frame's rows being written (the next frame's rows wait for them) */
  private readonly tails = new Map<string, Promise<void>>();
  /** events written, for benchmarks and health */
  written = 0;

  constructor(o: AlarmRecorderOptions) {
    this.o = o;
    this.counts = new LineCountBuffer(o.store, o.logger, o.flushMs);
  }

  /**
   * Records every event of one analysed frame; one snapshot serves them all. Heads are blurred at
   * once; compression and the file write go on on libuv's pool while the rows are written and
   * published (in frame order per camera): an alarm does not wait for its picture (tens to hundreds
   * of ms on a busy node), and a reader of the snapshot waits for it (`snapshotReady`).
   */
  record(frame: AnalysedFrame): Promise<EventRow[]> {
    for (const e of frame.events) if (e.kind === 'line_crossing' && e.direction) this.counts.add(frame.cameraId, e.rule, frame.capturedAt, e.cls ?? 'unknown', e.direction);
    const rel = this.o.snapshots.newPath(frame.cameraId, frame.capturedAt);
    this.snapshot(frame, rel);
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
      if (e.positions) details.positions = e.positions;
      details.snapshot = snapshot;
      if (frame.cameraTime !== null) details.cameraTime = frame.cameraTime;
      try {
        const row = await this.o.store.addEvent({ ts: frame.capturedAt, cameraId: frame.cameraId, kind: ALARM_KIND_PREFIX + e.kind, severity: ALARM_SEVERITY[e.kind], details });
        this.written++;
        rows.push(row);
        this.o.bus.publish('event', row);
      } catch (err) {
        this.o.logger.error({ err: (err as Error).message, camera: frame.cameraId }, 'event write failed');
      }
    }
    return rows;
  }

  /** Writes the line counts gathered since the last flush. */
  flush(): Promise<void> {
    return this.counts.flush();
  }

  /** Resolves once the snapshot at this relative path is written (or failed), at once when none is pending. */
  snapshotReady(rel: string): Promise<void> {
    return this.o.snapshots.ready(rel);
  }

  /** Pixelates heads at once (synchronously: the frame is ours) and hands the PNG to be written; a failure is logged. */
  private snapshot(frame: AnalysedFrame, rel: string): void {
    // The motion stand-in cannot tell a person from a car: then every box may hold a head.
    const all = this.o.detectorName(frame.cameraId) === 'motion';
    const persons = [
      ...frame.tracks.filter((t) => all || t.cls === 'person').map((t) => t.box),
      ...frame.detections.filter((d) => all || d.cls === 'person').map((d) => d.box),
      ...frame.events.filter((e) => (all || e.cls === 'person') && e.box).map((e) => e.box!),
    ];
    blurHeads(frame.rgb, frame.width, frame.height, persons);
    void this.o.snapshots.write(rel, encodePngAsync(frame.rgb, frame.width, frame.height)).catch((err: Error) => {
      this.o.logger.error({ err: err.message, camera: frame.cameraId }, 'snapshot write failed');
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.tails.values());
    await this.o.snapshots.idle();
    await this.counts.close();
  }
}
