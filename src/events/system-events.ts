// System events (disk.full, camera.offline, retention.deleted, analysis behind, ...): kept in the
// store's events table so an operator can look back, and published on the one bus for whoever
// listens now.
import type { Store, EventRow, EventSeverity, EventQuery } from '../store/index.ts';
import type { EventBus } from './event-bus.ts';
import type { EventTopics } from './topics.ts';
import { EventError } from './errors.ts';

export interface RaiseInput {
  kind: string;
  severity: EventSeverity;
  cameraId?: string | null;
  details?: Record<string, unknown>;
  ts?: number;
}

export class SystemEvents {
  private readonly store: Pick<Store, 'addEvent' | 'listEvents'>;
  readonly bus: EventBus<EventTopics>;

  constructor(store: Pick<Store, 'addEvent' | 'listEvents'>, bus: EventBus<EventTopics>) {
    this.store = store;
    this.bus = bus;
  }

  /** Persists, then publishes. A store failure is thrown to the caller (who logs it). */
  async raise(e: RaiseInput): Promise<EventRow> {
    const row = await this.store.addEvent({ ts: e.ts ?? Date.now(), cameraId: e.cameraId ?? null, kind: e.kind, severity: e.severity, details: e.details ?? {} });
    this.bus.publish('event', row);
    return row;
  }

  /** Events in a time range, newest first. */
  search(q: EventQuery): Promise<EventRow[]> {
    if (q.toMs < q.fromMs) throw new EventError('BAD_REQUEST', 'querystring/to must not be before from');
    return this.store.listEvents(q);
  }
}
