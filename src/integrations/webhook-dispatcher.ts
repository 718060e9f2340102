// Webhooks: every selected event is POSTed as JSON to each configured hook, signed (see
// webhook-signature.ts), retried with exponential backoff and jitter, and, when it cannot be
// delivered (attempts exhausted, a permanent refusal, the queue full, or the process stopping with
// it queued), written to the dead-letter list in the store, whence an operator reads it and sends
// it again. Nothing is dropped without a trace. Deliveries of one hook run up to 4 at a time, so
// a receiver sees events roughly, not strictly, in order; it deduplicates on the event id.
import type { Logger } from 'pino';
import type { EventRow, Store, WebhookDeadLetterRow } from '../store/index.ts';
import { newId } from '../core/index.ts';
import { IntegrationError } from './errors.ts';
import { eventMessage, kindSelected } from './event-topics.ts';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

export interface WebhookConfig {
  name: string;
  url: string;
  secret: string;
  kinds: string[];
  maxAttempts: number;
  timeoutSeconds: number;
}

export interface WebhookDispatcherOptions {
  hooks: WebhookConfig[];
  store: Pick<Store, 'addWebhookDeadLetter'>;
  logger: Logger;
  /** Who sends (the node id), in each body. */
  node: string;
  /** First retry's wait; doubles each attempt up to maxBackoffMs (defaults 1 s and 5 min). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Most deliveries waiting per hook before new ones go straight to the dead-letter list (default 10,000). */
  maxQueue?: number;
}

interface Delivery {
  id: string;
  hook: WebhookConfig;
  eventId: string | null;
  body: string;
  attempts: number;
  firstAt: number;
  lastError: string;
  timer: NodeJS.Timeout | null;
}

const PER_HOOK = 4;

/** A refusal that sending again cannot fix (bad request, wrong signature, gone …). */
function permanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
}

export class WebhookDispatcher {
  private readonly o: Required<Pick<WebhookDispatcherOptions, 'backoffMs' | 'maxBackoffMs' | 'maxQueue'>> & WebhookDispatcherOptions;
  private readonly hooks = new Map<string, WebhookConfig>();
  /** Ready to send, per hook. */
  private readonly ready = new Map<string, Delivery[]>();
  private readonly inFlight = new Map<string, number>();
  /** Every delivery not yet settled (ready, waiting for a retry, or in flight). */
  private readonly pending = new Set<Delivery>();
  private readonly pendingPerHook = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  readonly stats = { delivered: 0, retried: 0, deadLettered: 0 };

  constructor(o: WebhookDispatcherOptions) {
    this.o = { backoffMs: 1000, maxBackoffMs: 300_000, maxQueue: 10_000, ...o };
    for (const h of o.hooks) this.hooks.set(h.name, h);
  }

  /** Queues the event for every hook that selects its kind. */
  offer(e: EventRow): void {
    if (this.closed) return;
    for (const hook of this.hooks.values()) {
      if (!kindSelected(hook.kinds, e.kind)) continue;
      const body = JSON.stringify({ hook: hook.name, ...eventMessage(e, this.o.node) });
      this.enqueue({ id: newId('whd'), hook, eventId: e.id, body, attempts: 0, firstAt: Date.now(), lastError: '', timer: null });
    }
  }

  /** Sends a dead letter again (taken from the store by the caller). */
  redeliver(row: WebhookDeadLetterRow): void {
    const hook = this.hooks.get(row.hook);
    if (!hook) throw new IntegrationError('HOOK_UNKNOWN', `webhook "${row.hook}" is not configured here; add it to integrations.webhooks to send its dead letters again`);
    this.enqueue({ id: row.id, hook, eventId: row.eventId, body: row.body, attempts: 0, firstAt: row.firstAt, lastError: row.lastError, timer: null });
  }

  hookNames(): string[] {
    return [...this.hooks.keys()];
  }

  /** Deliveries not yet settled. */
  get backlog(): number {
    return this.pending.size;
  }

  private enqueue(d: Delivery): void {
    const q = this.ready.get(d.hook.name) ?? [];
    this.ready.set(d.hook.name, q);
    if ((this.pendingPerHook.get(d.hook.name) ?? 0) >= this.o.maxQueue) {
      void this.deadLetter({ ...d, lastError: `queue full (${this.o.maxQueue} deliveries waiting for this hook)` });
      return;
    }
    this.pending.add(d);
    this.pendingPerHook.set(d.hook.name, (this.pendingPerHook.get(d.hook.name) ?? 0) + 1);
    q.push(d);
    this.pump(d.hook.name);
  }

  private pump(name: string): void {
    const q = this.ready.get(name)!;
    while (!this.closed && q.length > 0 && (this.inFlight.get(name) ?? 0) < PER_HOOK) {
      const d = q.shift()!;
      this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
      const run = this.attempt(d).finally(() => {
        this.running.delete(run);
        this.inFlight.set(name, this.inFlight.get(name)! - 1);
        this.pump(name);
      });
      this.running.add(run);
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    d.attempts++;
    let retryAfterMs: number | null = null;
    try {
      const res = await fetch(d.hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(d.hook.secret, d.body, Date.now()), 'x-vigil-delivery': d.id, 'x-vigil-attempt': String(d.attempts) },
        body: d.body,
        signal: AbortSignal.timeout(d.hook.timeoutSeconds * 1000),
        redirect: 'manual',
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        this.settle(d);
        this.stats.delivered++;
        return;
      }
      d.lastError = `HTTP ${res.status}`;
      const ra = res.headers.get('retry-after');
      if (ra && /^\d{1,6}$/.test(ra)) retryAfterMs = Number(ra) * 1000;
      if (permanent(res.status)) {
        await this.deadLetter(d);
        return;
      }
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      d.lastError = e.name === 'TimeoutError' ? `no answer within ${d.hook.timeoutSeconds} s` : (e.cause?.code ?? e.message);
    }
    if (d.attempts >= d.hook.maxAttempts || this.closed) {
      // An attempt that failed while close() waited for it would have been retried: say why it was not.
      if (this.closed && d.attempts < d.hook.maxAttempts) d.lastError = `${d.lastError ? `${d.lastError}; ` : ''}process stopped before delivery`;
      await this.deadLetter(d);
      return;
    }
    // Full jitter on an exponential ceiling: many nodes retrying one receiver do not arrive together.
    const ceiling = Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** (d.attempts - 1));
    const wait = Math.max(retryAfterMs ?? 0, ceiling / 2 + (Math.random() * ceiling) / 2);
    this.stats.retried++;
    if (d.attempts === 1 || d.attempts === d.hook.maxAttempts - 1) this.o.logger.warn({ hook: d.hook.name, event: d.eventId, attempt: d.attempts, err: d.lastError, retryInMs: Math.round(wait) }, 'webhook delivery failed; retrying');
    d.timer = setTimeout(() => {
      d.timer = null;
      this.ready.get(d.hook.name)!.push(d);
      this.pump(d.hook.name);
    }, wait);
  }

  private settle(d: Delivery): void {
    if (this.pending.delete(d)) this.pendingPerHook.set(d.hook.name, this.pendingPerHook.get(d.hook.name)! - 1);
  }

  private async deadLetter(d: Delivery): Promise<void> {
    this.settle(d);
    this.stats.deadLettered++;
    const row: WebhookDeadLetterRow = { id: d.id, hook: d.hook.name, eventId: d.eventId, body: d.body, attempts: d.attempts, lastError: d.lastError || 'not sent', firstAt: d.firstAt, failedAt: Date.now() };
    this.o.logger.error({ hook: d.hook.name, event: d.eventId, attempts: d.attempts, err: row.lastError }, 'webhook delivery gave up: kept in the dead-letter list');
    try {
      await this.o.store.addWebhookDeadLetter(row);
    } catch (err) {
      this.o.logger.error({ hook: d.hook.name, event: d.eventId, err: (err as Error).message }, 'could not store a webhook dead letter; the event itself is in the store');
    }
  }

  /** Waits for deliveries in flight, then files every one still waiting as a dead letter. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.running]);
    for (const d of [...this.pending]) {
      if (d.timer) clearTimeout(d.timer);
      d.lastError = `${d.lastError ? `${d.lastError}; ` : ''}process stopped before delivery`;
      await this.deadLetter(d);
    }
  }
}
