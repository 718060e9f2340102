// The connection to the centre's NATS. A wrong address or wrong credentials is logged plainly and
// retried: a node started before NATS (or during an outage) waits instead of crashing.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import type { Logger } from 'pino';

export interface NatsLinkOptions {
  url: string;
  /** user:password or a token, when NATS asks for them. */
  user?: string;
  pass?: string;
  token?: string;
  logger: Logger;
  /** Give up after this long (default: never). */
  giveUpMs?: number;
  signal?: AbortSignal;
}

/** Redacts credentials embedded in a nats:// URL for logs. */
export function safeNatsUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export async function connectNats(o: NatsLinkOptions): Promise<NatsConnection> {
  const started = Date.now();
  let wait = 500;
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      const nc = await connect({
        servers: o.url,
        user: o.user,
        pass: o.pass,
        token: o.token,
        name: 'vigil',
        timeout: 3000,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        pingInterval: 2000,
        maxPingOut: 2,
      });
      if (attempt > 1) o.logger.info({ nats: safeNatsUrl(o.url), attempt }, 'connected to NATS');
      return nc;
    } catch (err) {
      const e = err as Error & { code?: string };
      if (o.signal?.aborted) throw err;
      if (o.giveUpMs !== undefined && Date.now() - started > o.giveUpMs) throw err;
      o.logger.error({ nats: safeNatsUrl(o.url), err: e.message, attempt, retryInMs: wait }, 'cannot reach NATS (check cluster.natsUrl and its credentials); retrying');
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 5000);
    }
  }
}

export const NODES_BUCKET = 'vigil_nodes';
export const LEASES_BUCKET = 'vigil_leases';
export const PINS_BUCKET = 'vigil_pins';

/**
 * The buckets: nodes (an entry per live node, dropped by the bucket's max age when its
 * heartbeat stops), camera leases (kept until released or taken over, no age) and pins.
 */
export async function openBuckets(nc: NatsConnection, ttlMs: number): Promise<{ nodes: KV; leases: KV; pins: KV }> {
  const kvm = new Kvm(nc);
  const nodes = await kvm.create(NODES_BUCKET, { ttl: ttlMs, history: 1 });
  const leases = await kvm.create(LEASES_BUCKET, { history: 1 });
  // Cameras pinned to an edge node (camera -> node id): kept while the edge is cut off, so no other node takes them.
  const pins = await kvm.create(PINS_BUCKET, { history: 1 });
  return { nodes, leases, pins };
}

/** JetStream's refusal of a compare-and-set (create of a present key, update from a stale revision). */
export function isCasConflict(err: unknown): boolean {
  const m = String((err as Error)?.message ?? err);
  return /wrong last sequence|key exists/i.test(m);
}
