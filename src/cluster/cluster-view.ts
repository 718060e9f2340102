// What the api (and the nodes page) knows of the cluster: the nodes and their health, and which
// node records each camera. Read-only: kept by watching the two KV buckets.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { KvMirror } from './kv-mirror.ts';
import { connectNats, openBuckets } from './nats-link.ts';
import type { LeaseValue, NodeInfo } from './cluster-node.ts';

export interface NodeSummary extends NodeInfo {
  /** Heard from within the lease TTL. */
  alive: boolean;
  /** Milliseconds since this process last heard from the node. */
  silentMs: number;
}

export class ClusterView {
  private nc: NatsConnection | null = null;
  private nodes: KvMirror<NodeInfo> | null = null;
  private leases: KvMirror<LeaseValue> | null = null;
  private readonly o: { natsUrl: string; natsUser?: string; natsPass?: string; ttlMs: number; logger: Logger };
  constructor(o: { natsUrl: string; natsUser?: string; natsPass?: string; ttlMs?: number; logger: Logger }) {
    this.o = { ttlMs: 10_000, ...o };
  }

  async start(): Promise<void> {
    this.nc = await connectNats({ url: this.o.natsUrl, user: this.o.natsUser, pass: this.o.natsPass, logger: this.o.logger });
    const { nodes, leases } = await openBuckets(this.nc, this.o.ttlMs);
    this.nodes = new KvMirror<NodeInfo>(nodes, this.o.logger);
    this.leases = new KvMirror<LeaseValue>(leases, this.o.logger);
    this.nodes.start();
    this.leases.start();
    await Promise.all([this.nodes.ready, this.leases.ready]);
  }

  listNodes(): NodeSummary[] {
    const now = performance.now();
    return [...(this.nodes?.entries.values() ?? [])]
      .map((e) => ({ ...e.value, alive: now - e.seenAt < this.o.ttlMs, silentMs: Math.round(now - e.seenAt) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  node(id: string): NodeSummary | null {
    return this.listNodes().find((n) => n.id === id) ?? null;
  }

  /** The live node recording the camera now, or null. */
  recorderOf(cameraId: string): NodeSummary | null {
    const l = this.leases?.entries.get(cameraId);
    if (!l) return null;
    const n = this.node(l.value.node);
    return n && n.alive && n.session === l.value.session ? n : null;
  }

  async close(): Promise<void> {
    this.nodes?.stop();
    this.leases?.stop();
    await this.nc?.drain().catch(() => undefined);
  }
}
