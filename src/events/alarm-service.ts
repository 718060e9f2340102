// The alarm queue as operators use it: recent alarms as views (camera and acknowledging user by
// name), acknowledgement (stored with its audit entry, then pushed on the bus), snapshots and line
// counts. Who may see which camera is the caller's question (`visible`), not this part's.
import type { EventRow, Store } from '../store/index.ts';
import type { EventBus } from './event-bus.ts';
import type { EventTopics } from './topics.ts';
import { ALARM_KIND_PREFIX, ALARM_RULE_KINDS, alarmView, isAlarm, type AlarmView } from './alarms.ts';
import { bucketCounts, type CountBucket } from './counts.ts';
import { EventError } from './errors.ts';
import type { SnapshotStore } from './snapshots.ts';

type AlarmStore = Pick<Store, 'listCameras' | 'getUser' | 'listEventAcks' | 'getEvent' | 'listEvents' | 'ackEvent' | 'listLineCounts'>;

export interface Actor {
  id: string;
  username: string;
  ip: string | null;
}

export class AlarmService {
  private readonly store: AlarmStore;
  readonly bus: EventBus<EventTopics>;
  readonly snapshots: SnapshotStore;

  constructor(store: AlarmStore, bus: EventBus<EventTopics>, snapshots: SnapshotStore) {
    this.store = store;
    this.bus = bus;
    this.snapshots = snapshots;
  }

  /** Views of these events, with the camera's name and who acknowledged each. */
  async views(events: EventRow[]): Promise<AlarmView[]> {
    const [cameras, acks] = await Promise.all([this.store.listCameras(), this.store.listEventAcks(events.map((e) => e.id))]);
    const names = new Map(cameras.map((c) => [c.id, c.name]));
    const byId = new Map(acks.map((a) => [a.eventId, a]));
    const users = new Map<string, string>();
    for (const a of acks) if (!users.has(a.ackedBy)) users.set(a.ackedBy, (await this.store.getUser(a.ackedBy))?.username ?? a.ackedBy);
    return events.map((e) => {
      const a = byId.get(e.id);
      return alarmView(e, names.get(e.cameraId ?? '') ?? e.cameraId ?? '', a ? { by: users.get(a.ackedBy) ?? a.ackedBy, at: a.ackedAt } : null);
    });
  }

  /** The alarm with this id; NOT_FOUND for another kind of event. */
  async get(id: string): Promise<EventRow> {
    const e = await this.store.getEvent(id);
    if (!e || !isAlarm(e)) throw new EventError('NOT_FOUND', `no alarm ${id}`);
    return e;
  }

  /** The newest alarms of the cameras `visible` admits, newest first. */
  async recent(q: { limit: number; cameraId?: string; visible: (cameraId: string) => boolean }): Promise<AlarmView[]> {
    const now = Date.now();
    const lists = await Promise.all(ALARM_RULE_KINDS.map((k) => this.store.listEvents({ fromMs: 0, toMs: now, kind: ALARM_KIND_PREFIX + k, cameraId: q.cameraId, limit: q.limit })));
    const events = lists
      .flat()
      .filter((e) => e.cameraId !== null && q.visible(e.cameraId))
      .sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : 1))
      .slice(0, q.limit);
    return this.views(events);
  }

  /** Acknowledges (audited in the same write); a first acknowledgement is pushed to every screen. */
  async ack(e: EventRow, by: Actor): Promise<AlarmView> {
    const ackedAt = Date.now();
    const fresh = await this.store.ackEvent(
      { eventId: e.id, ackedBy: by.id, ackedAt },
      { actor: by.id, ip: by.ip, action: 'alarm.ack', cameraId: e.cameraId, details: { eventId: e.id, rule: (e.details as { rule?: unknown }).rule ?? null } },
    );
    if (fresh) this.bus.publish('alarm.ack', { eventId: e.id, cameraId: e.cameraId, ackedBy: by.id, ackedByName: by.username, ackedAt });
    return (await this.views([e]))[0];
  }

  /** The alarm's picture (heads already pixelated when it was written). */
  snapshot(e: EventRow): Promise<Buffer> {
    return this.snapshots.read((e.details as { snapshot?: unknown }).snapshot);
  }

  /** Line-crossing counts of a camera in buckets of `bucketSeconds` (a multiple of 60). */
  async counts(q: { cameraId: string; line?: string; from: number; to: number; bucketSeconds: number }): Promise<CountBucket[]> {
    if (q.to < q.from) throw new EventError('BAD_REQUEST', '`to` is before `from`');
    const fromMinute = Math.floor(q.from / 60000) * 60000;
    const rows = await this.store.listLineCounts({ cameraId: q.cameraId, line: q.line, fromMs: fromMinute, toMs: q.to });
    return bucketCounts(rows, fromMinute, q.bucketSeconds);
  }
}
