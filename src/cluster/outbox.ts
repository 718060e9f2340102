// Events of an edge node survive a cut link (issue 15). Each event is first appended to a local
// journal (fsynced), then published to the centre's JetStream stream with its event id as the
// message id; the journal advances only past events JetStream acknowledged. A publish whose
// acknowledgement was lost is simply sent again: JetStream's duplicate window drops the second
// copy, and the centre's ingest inserts each event id once. So a cut of any length (shorter
// than the duplicate window) loses nothing and delivers nothing twice. The alarm hits a node's
// rules raise travel the same way, after their event, and the ingest raises each hit once
// (docs/decisions/067-node-alarms-through-the-outbox.md): a cut link or PostgreSQL out of
// reach keeps them too.
import { appendFile, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { AlarmHit, EventRow, Store } from '../store/index.ts';

export const EVENTS_STREAM = 'VIGIL_EVENTS';
const MS = 1_000_000; // nanoseconds per millisecond, JetStream's unit for durations
/** JetStream forgets message ids after this: a link cut longer than this could deliver twice. */
export const DEDUPE_WINDOW_MS = 24 * 3_600_000;
/** Publishes in flight at once while a backlog drains. */
const WINDOW = 256;

/** One line of the journal, one message on the stream: an event, or an alarm hit decided on the node. */
export type OutboxEntry = EventRow | { alarmHit: AlarmHit };

const isAlarmHit = (e: OutboxEntry): e is { alarmHit: AlarmHit } => 'alarmHit' in e;
/** JetStream's message id: the event's id, or the hit's event id (one hit per rule event). */
const messageId = (e: OutboxEntry): string => (isAlarmHit(e) ? `alarm-hit:${e.alarmHit.eventId}` : e.id);

/** The stream every node publishes events to (created or left as it is). */
export async function ensureEventStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(EVENTS_STREAM);
  } catch {
    await jsm.streams.add({ name: EVENTS_STREAM, subjects: ['vigil.events.>'], duplicate_window: DEDUPE_WINDOW_MS * MS, max_age: 7 * 24 * 3_600_000 * MS });
  }
}

export class EventOutbox {
  private readonly file: string;
  private readonly cursorFile: string;
  private readonly nodeId: string;
  private readonly logger: Logger;
  /** Entries in the journal not yet acknowledged by the centre, oldest first. */
  private pending: OutboxEntry[] = [];
  /** Lines of the journal already acknowledged (the cursor). */
  private acked = 0;
  private js: JetStreamClient | null = null;
  private pumping: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  private writes: Promise<void> = Promise.resolve();
  /** Counters, for /metrics and the bench. */
  readonly stats = { appended: 0, published: 0, duplicates: 0, failures: 0 };

  private constructor(dir: string, nodeId: string, logger: Logger) {
    this.file = path.join(dir, 'outbox.jsonl');
    this.cursorFile = path.join(dir, 'outbox.cursor');
    this.nodeId = nodeId;
    this.logger = logger;
  }

  /** Opens the journal in dir, taking back what a previous run had not delivered. */
  static async open(dir: string, nodeId: string, logger: Logger): Promise<EventOutbox> {
    await mkdir(dir, { recursive: true });
    const o = new EventOutbox(dir, nodeId, logger);
    const text = await readFile(o.file, 'utf8').catch(() => '');
    o.acked = Number((await readFile(o.cursorFile, 'utf8').catch(() => '0')).trim()) || 0;
    const lines = text.split('\n').filter(Boolean);
    // A torn last line (power cut while appending) was never acknowledged to anyone: drop it.
    for (const l of lines.slice(o.acked)) {
      try {
        o.pending.push(JSON.parse(l) as OutboxEntry);
      } catch {
        logger.warn('outbox: dropped a torn journal line');
      }
    }
    return o;
  }

  get backlog(): number {
    return this.pending.length;
  }

  /** Durable once this resolves: in the journal on disk, to be delivered whenever the link allows. */
  append(e: EventRow): Promise<void> {
    return this.appendEntry(e);
  }

  /** An alarm hit of this node's rules, durable as append()'s events; raised once by the centre's ingest. */
  appendAlarmHit(hit: AlarmHit): Promise<void> {
    return this.appendEntry({ alarmHit: hit });
  }

  private appendEntry(e: OutboxEntry): Promise<void> {
    const w = this.writes.then(async () => {
      await appendFile(this.file, JSON.stringify(e) + '\n');
      const fh = await open(this.file, 'r');
      try {
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.pending.push(e);
      this.stats.appended++;
      this.wake?.();
    });
    this.writes = w.catch(() => undefined);
    return w;
  }

  /** Starts delivering through this connection (reconnects are the client's business). */
  start(nc: NatsConnection): void {
    this.js = jetstream(nc, { timeout: 5000 });
    this.pumping ??= this.pump();
  }

  private async pump(): Promise<void> {
    let wait = 200;
    while (!this.closed) {
      if (this.pending.length === 0) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 1000).unref();
        });
        this.wake = null;
        continue;
      }
      // A window of publishes in flight at once: after a long cut the backlog (tens of thousands)
      // drains at the link's rate, not one round trip per event. The journal advances past the
      // acknowledged prefix only; anything after a failure is sent again (JetStream drops copies).
      const batch = this.pending.slice(0, WINDOW);
      const acks = await Promise.allSettled(batch.map((ev) => this.js!.publish(`vigil.events.${this.nodeId}`, JSON.stringify(ev), { msgID: messageId(ev) })));
      let ok = 0;
      while (ok < acks.length && acks[ok].status === 'fulfilled') {
        if ((acks[ok] as PromiseFulfilledResult<{ duplicate: boolean }>).value.duplicate) this.stats.duplicates++;
        else this.stats.published++;
        ok++;
      }
      if (ok > 0) {
        this.pending.splice(0, ok);
        await this.advance(ok);
      }
      try {
        if (ok < acks.length) throw (acks[ok] as PromiseRejectedResult).reason;
        wait = 200;
      } catch (err) {
        this.stats.failures++;
        if (wait >= 3200) this.logger.warn({ err: (err as Error).message, backlog: this.pending.length }, 'outbox: centre unreachable; events kept locally');
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5000);
      }
    }
  }

  /** Moves the cursor n lines (in line with appends); an empty backlog lets the journal start afresh. */
  private advance(n: number): Promise<void> {
    const w = this.writes.then(async () => {
      this.acked += n;
      if (this.pending.length === 0) {
        await writeFile(this.file, '');
        this.acked = 0;
      }
      const tmp = `${this.cursorFile}.tmp`;
      await writeFile(tmp, String(this.acked));
      await rename(tmp, this.cursorFile);
    });
    this.writes = w.catch(() => undefined);
    return w;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.pumping?.catch(() => undefined);
    await this.writes;
  }
}

/**
 * The centre's side: a durable JetStream consumer that writes each event to the store once (an
 * event id already stored is acknowledged and skipped), so redeliveries after a crash of the
 * api, and copies published twice from an edge, leave one row. A node's alarm hit is raised
 * through `raiseAlarm` (the api's alarm service, which tells the control room's screens), once:
 * the store keeps which hits it stored. A write the store refuses (PostgreSQL out of reach) is
 * handed back to JetStream with the rest of its batch and comes again a moment later, in order.
 */
export class EventIngest {
  private stopped = false;
  private loop: Promise<void> | null = null;
  readonly stats = { stored: 0, alreadyStored: 0, alarmHits: 0, retried: 0 };
  private readonly store: Pick<Store, 'addEvent' | 'raiseAlarm'>;
  private readonly logger: Logger;
  private raiseAlarm: (hit: AlarmHit) => Promise<unknown>;
  constructor(store: Pick<Store, 'addEvent' | 'raiseAlarm'>, logger: Logger) {
    this.store = store;
    this.logger = logger;
    this.raiseAlarm = (hit) => store.raiseAlarm(hit);
  }

  /** Who raises the nodes' alarm hits (until set: the store itself, without telling any screen). */
  raiseAlarmsWith(raise: (hit: AlarmHit) => Promise<unknown>): void {
    this.raiseAlarm = raise;
  }

  private async take(e: OutboxEntry): Promise<void> {
    if (isAlarmHit(e)) {
      await this.raiseAlarm(e.alarmHit);
      this.stats.alarmHits++;
      return;
    }
    try {
      await this.store.addEvent(e);
      this.stats.stored++;
    } catch (err) {
      if ((err as { code?: string }).code !== 'DUPLICATE') throw err;
      this.stats.alreadyStored++;
    }
  }

  async start(nc: NatsConnection, durable = 'centre'): Promise<void> {
    await ensureEventStream(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(EVENTS_STREAM, { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: 30_000 * MS, max_ack_pending: 1000 });
    const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, durable);
    let wait = 250;
    this.loop = (async () => {
      while (!this.stopped) {
        let failed: Error | null = null;
        try {
          const batch = await consumer.fetch({ max_messages: 200, expires: 1000 });
          for await (const m of batch) {
            // Once the store is out of reach the rest of the batch goes back unread, to come again in order.
            if (!failed) {
              try {
                await this.take(m.json<OutboxEntry>());
                m.ack();
                continue;
              } catch (err) {
                if ((err as { code?: string }).code === 'STORE_UNAVAILABLE') failed = err as Error;
                else {
                  // This message alone (the store refuses it): kept in the stream and tried again later, the rest go on.
                  this.logger.error({ err: (err as Error).message, seq: m.seq }, 'event ingest: a message the store refuses; tried again in 30 s');
                  m.nak(30_000);
                  continue;
                }
              }
            }
            this.stats.retried++;
            m.nak(wait);
          }
        } catch (err) {
          // the fetch itself (NATS reconnecting): try again after a pause
          failed ??= err as Error;
        }
        if (failed && !this.stopped) {
          this.logger.warn({ err: failed.message }, 'event ingest: retrying');
          await new Promise((r) => setTimeout(r, wait));
          wait = Math.min(wait * 2, 5000);
        } else if (!failed) wait = 250;
      }
    })();
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
  }
}
