// The alarm queue as operators use it: rule hits raise or fold into alarms (alarm-policy.ts), the
// workflow's commands (alarm-workflow.ts) are applied with a compare-and-set on the alarm's version
// (so of two operators taking one alarm, one wins and the other is told who), every change is
// logged, audited in the same write and pushed on the bus; escalation and auto-close are swept on a
// timer. Who may see which camera is the caller's question (`visible`), not this part's.
import type { Logger } from 'pino';
import type { AlarmActivityRow, AlarmHit, AlarmQuery, AlarmRow, EventRow, Store } from '../store/index.ts';
import type { AuditAction } from '../audit/index.ts';
import { newId } from '../core/index.ts';
import type { EventBus } from './event-bus.ts';
import type { EventTopics } from './topics.ts';
import { ALARM_KIND_PREFIX, alarmView, isRuleHit, type AlarmView } from './alarms.ts';
import type { AlarmPolicy } from './alarm-policy.ts';
import { allowedCommands, applyCommand, SYSTEM, type AlarmCommand, type AlarmCommandType, type Operator } from './alarm-workflow.ts';
import { bucketCounts, type CountBucket } from './counts.ts';
import { EventError } from './errors.ts';
import type { SnapshotStore } from './snapshots.ts';

type AlarmStore = Pick<Store, 'listCameras' | 'listLineCounts' | 'raiseAlarm' | 'getAlarm' | 'updateAlarm' | 'listAlarms' | 'listAlarmActivity' | 'listDueAlarms'>;

export interface Actor {
  id: string;
  username: string;
  ip: string | null;
}

/** Compare-and-set retries before giving up (each retry means someone else changed the alarm). */
const MAX_TRIES = 8;

const AUDIT_ACTION: Record<AlarmCommand['type'], AuditAction> = {
  ack: 'alarm.ack',
  take: 'alarm.take',
  release: 'alarm.release',
  hold: 'alarm.hold',
  resolve: 'alarm.resolve',
  reopen: 'alarm.reopen',
  priority: 'alarm.priority',
  step: 'alarm.step',
  snooze: 'alarm.snooze',
  comment: 'alarm.comment',
  escalate: 'alarm.escalate',
  auto_close: 'alarm.auto_close',
};

export class AlarmService {
  private readonly store: AlarmStore;
  readonly bus: EventBus<EventTopics>;
  readonly snapshots: SnapshotStore;
  private readonly logger: Logger | null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();
  private cameraNames: { at: number; names: Promise<Map<string, string>> } | null = null;
  /** hits being raised, waited for by close() */
  private readonly raising = new Set<Promise<unknown>>();

  /** Where hits go instead of the store (a cluster node's outbox); null: raised here. */
  private readonly deliver: ((hit: AlarmHit) => Promise<void>) | null;

  constructor(store: AlarmStore, bus: EventBus<EventTopics>, snapshots: SnapshotStore, logger: Logger | null = null, deliver: ((hit: AlarmHit) => Promise<void>) | null = null) {
    this.store = store;
    this.bus = bus;
    this.snapshots = snapshots;
    this.logger = logger;
    this.deliver = deliver;
  }

  /** Camera names, re-read at most every 5 s (a view per pushed change must not list every camera). */
  private names(): Promise<Map<string, string>> {
    const now = Date.now();
    if (!this.cameraNames || now - this.cameraNames.at > 5000) {
      const names = this.store.listCameras().then((cs) => new Map(cs.map((c) => [c.id, c.name])));
      this.cameraNames = { at: now, names };
      names.catch(() => (this.cameraNames = null));
    }
    return this.cameraNames.names;
  }

  /** Views of these alarms as `viewer` sees them: the commands the workflow allows now and `mayGive` permits. */
  async views(rows: AlarmRow[], viewer: Operator, mayGive: (command: AlarmCommandType, cameraId: string) => boolean = () => true): Promise<AlarmView[]> {
    const names = await this.names();
    return rows.map((a) => alarmView(a, names.get(a.cameraId) ?? a.cameraId, allowedCommands(a, viewer).filter((c) => mayGive(c, a.cameraId))));
  }

  /**
   * A rule hit (stored as `event`): raises an alarm or folds into the open one, as the policy says.
   * With a `deliver` (a cluster node's outbox) the hit is handed to it instead, durable at once,
   * and raised where the outbox delivers it (raise(), on the centre's ingest): resolves to null.
   */
  async hit(event: EventRow, ruleKind: string, rule: string, policy: AlarmPolicy): Promise<AlarmRow | null> {
    if (!policy.raise || event.cameraId === null) return null;
    const d = event.details;
    const details: Record<string, unknown> = {};
    for (const k of ['cls', 'box', 'detector', 'snapshot', 'trackId', 'direction', 'frameAt', 'cameraTime', 'detail']) if (d[k] !== undefined) details[k] = d[k];
    const hit: AlarmHit = {
      id: newId('a'),
      cameraId: event.cameraId,
      ruleKind,
      rule,
      priority: policy.priority,
      eventId: event.id,
      details,
      at: event.ts,
      foldMs: policy.foldMs,
      steps: policy.steps,
      escalateAfterMs: policy.escalateAfterMs,
      autoCloseMs: policy.autoCloseMs,
    };
    if (this.deliver) {
      await this.deliver(hit);
      return null;
    }
    return this.raise(hit);
  }

  /**
   * Stores a hit decided here or on another node: raises or folds, and tells the screens. A hit
   * stored already (delivered twice) changes nothing and is not announced again.
   */
  async raise(hit: AlarmHit): Promise<AlarmRow> {
    const { alarm, folded, duplicate } = await this.store.raiseAlarm(hit);
    if (!duplicate) this.bus.publish('alarm', { alarm, change: folded ? 'folded' : 'raised', activity: [], hit: hit.eventId, at: Date.now() });
    return alarm;
  }

  /**
   * Raises alarms from the rule hits published on the bus, as `policyFor` (the camera's analytics
   * settings) says. Returns the unsubscribe function.
   */
  listen(policyFor: (cameraId: string, ruleKind: string, rule: string) => AlarmPolicy): () => void {
    return this.bus.subscribe('event', (e) => {
      if (!isRuleHit(e) || e.cameraId === null) return;
      const ruleKind = e.kind.slice(ALARM_KIND_PREFIX.length);
      const rule = typeof e.details.rule === 'string' ? e.details.rule : '';
      const p = this.hit(e, ruleKind, rule, policyFor(e.cameraId, ruleKind, rule)).catch((err: Error) =>
        this.logger?.error({ err: err.message, camera: e.cameraId, event: e.id }, 'raising an alarm failed'),
      );
      this.raising.add(p);
      void p.finally(() => this.raising.delete(p));
    });
  }

  /** The alarm with this id. */
  async get(id: string): Promise<AlarmRow> {
    const a = await this.store.getAlarm(id);
    if (!a) throw new EventError('NOT_FOUND', `no alarm ${id}`);
    return a;
  }

  /**
   * Applies an operator's (or the system's) command. Another change landing first makes the write
   * miss; the command is then decided again on the fresh alarm, so the loser of a race is told who
   * won (ALARM_CONFLICT) rather than overwriting them.
   */
  async act(id: string, cmd: AlarmCommand, by: Actor, at?: number): Promise<AlarmRow> {
    const who: Operator = { id: by.id, name: by.username };
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const current = await this.get(id);
      const now = at ?? Date.now();
      const t = applyCommand(current, cmd, who, now);
      if (!t.changed) return current;
      const details: Record<string, unknown> = { alarmId: id, rule: current.rule, from: current.state, to: t.next.state };
      if (cmd.type === 'resolve') details.outcome = cmd.outcome;
      if (cmd.type === 'priority') details.priority = cmd.priority;
      if (cmd.type === 'step') Object.assign(details, { index: cmd.index, done: cmd.done });
      if (cmd.type === 'comment') details.chars = cmd.text.length;
      const stored = await this.store.updateAlarm(current.version, t.next, t.activity, { actor: by.id, ip: by.ip, action: AUDIT_ACTION[cmd.type], cameraId: current.cameraId, details, ts: now });
      if (stored) {
        this.bus.publish('alarm', { alarm: stored, change: cmd.type, activity: t.activity, at: Date.now() });
        return stored;
      }
    }
    throw new EventError('ALARM_CONFLICT', `alarm ${id} keeps changing; try again`, { holder: null });
  }

  /** Open alarms (not resolved) of the cameras `visible` admits: most urgent first, then newest. */
  async queue(q: { limit: number; visible: (cameraId: string) => boolean }): Promise<AlarmRow[]> {
    const rows = await this.store.listAlarms({ states: ['new', 'acknowledged', 'in_progress', 'on_hold'], limit: 5000 });
    return rows
      .filter((a) => q.visible(a.cameraId))
      .sort((a, b) => a.priority - b.priority || b.firstAt - a.firstAt || (a.id < b.id ? 1 : -1))
      .slice(0, q.limit);
  }

  /** A page of history, newest first; `next` is the cursor of the following page (null at the end). */
  async history(q: AlarmQuery): Promise<{ alarms: AlarmRow[]; next: string | null }> {
    if (q.fromMs !== undefined && q.toMs !== undefined && q.toMs < q.fromMs) throw new EventError('BAD_REQUEST', 'querystring/to must not be before from');
    const rows = await this.store.listAlarms({ ...q, limit: q.limit + 1 });
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { alarms: page, next: more && last ? encodeCursor(last) : null };
  }

  activity(id: string): Promise<AlarmActivityRow[]> {
    return this.store.listAlarmActivity(id);
  }

  /** Escalates alarms not acknowledged in time and closes quiet ones whose rule says so. */
  sweep(now = Date.now()): Promise<void> {
    this.sweeping = this.sweeping.then(async () => {
      const due = await this.store.listDueAlarms(now, 500);
      for (const a of due) {
        const cmd: AlarmCommand = a.autoCloseMs !== null && a.lastAt + a.autoCloseMs <= now && (a.state === 'new' || a.state === 'acknowledged') ? { type: 'auto_close' } : { type: 'escalate' };
        try {
          await this.act(a.id, cmd, { id: SYSTEM.id, username: SYSTEM.name, ip: null }, now);
        } catch (err) {
          // Someone acknowledged or took it meanwhile: nothing to escalate or close any more.
          if (!(err instanceof EventError)) this.logger?.error({ err: (err as Error).message, alarm: a.id }, 'alarm sweep failed');
        }
      }
    });
    return this.sweeping;
  }

  /** Sweeps every `intervalMs` until close(). */
  startSweeps(intervalMs = 1000): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => void this.sweep().catch((err: Error) => this.logger?.error({ err: err.message }, 'alarm sweep failed')), intervalMs);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await Promise.all(this.raising);
    await this.sweeping.catch(() => undefined);
  }

  /** The alarm's picture (heads already pixelated when it was written). */
  snapshot(a: AlarmRow): Promise<Buffer> {
    return this.snapshots.read(a.details.snapshot);
  }

  /** Line-crossing counts of a camera in buckets of `bucketSeconds` (a multiple of 60). */
  async counts(q: { cameraId: string; line?: string; from: number; to: number; bucketSeconds: number }): Promise<CountBucket[]> {
    if (q.to < q.from) throw new EventError('BAD_REQUEST', '`to` is before `from`');
    const fromMinute = Math.floor(q.from / 60000) * 60000;
    const rows = await this.store.listLineCounts({ cameraId: q.cameraId, line: q.line, fromMs: fromMinute, toMs: q.to });
    return bucketCounts(rows, fromMinute, q.bucketSeconds);
  }
}

/** The keyset cursor of a history page: the last row's (firstAt, id), opaque to callers. */
export function encodeCursor(a: Pick<AlarmRow, 'firstAt' | 'id'>): string {
  return Buffer.from(`${a.firstAt}:${a.id}`).toString('base64url');
}

export function decodeCursor(s: string): { firstAt: number; id: string } {
  const text = Buffer.from(s, 'base64url').toString();
  const m = /^(\d{1,15}):([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!m) throw new EventError('BAD_REQUEST', 'querystring/cursor is not a cursor this server gave');
  return { firstAt: Number(m[1]), id: m[2] };
}
