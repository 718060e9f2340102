// System events (disk.full, camera.offline, retention.deleted, ...): kept in the store's events
// table so an operator can look back, and published on the bus for whoever listens now.
import type { Store, EventRow, EventSeverity } from '../store/types.ts';
import { EventBus } from './event-bus.ts';

export interface SystemEventTopics extends Record<string, unknown> {
  event: EventRow;
}

export interface RaiseInput {
  kind: string;
  severity: EventSeverity;
  cameraId?: string | null;
  details?: Record<string, unknown>;
  ts?: number;
}

export class SystemEvents {
  readonly bus: EventBus<SystemEventTopics>;
  private readonly store: Pick<Store, 'addEvent'>;

  constructor(store: Pick<Store, 'addEvent'>, bus: EventBus<SystemEventTopics> = new EventBus()) {
    this.store = store;
    this.bus = bus;
  }

  /** Persists, then publishes. A store failure is thrown to the caller (who logs it). */
  async raise(e: RaiseInput): Promise<EventRow> {
    const row = await this.store.addEvent({ ts: e.ts ?? Date.now(), cameraId: e.cameraId ?? null, kind: e.kind, severity: e.severity, details: e.details ?? {} });
    this.bus.publish('event', row);
    return row;
  }
}
