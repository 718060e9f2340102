// What the api (and the nodes page) knows of the cluster: the nodes and their health, and which
// node records each camera. Read-only, from the mirrors of the two KV buckets.
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
  private readonly nodes: KvMirror<NodeInfo>;
  private readonly leases: KvMirror<LeaseValue>;
  private readonly ttlMs: number;
  constructor(nodes: KvMirror<NodeInfo>, leases: KvMirror<LeaseValue>, ttlMs: number) {
    this.nodes = nodes;
    this.leases = leases;
    this.ttlMs = ttlMs;
  }

  /** A view of its own (tools, benches, tests): watches the buckets without joining the cluster. */
  static async open(o: { natsUrl: string; natsUser?: string; natsPass?: string; ttlMs?: number; logger: Logger }): Promise<ClusterView & { close(): Promise<void> }> {
    const ttlMs = o.ttlMs ?? 10_000;
    const nc = await connectNats({ url: o.natsUrl, user: o.natsUser, pass: o.natsPass, logger: o.logger });
    const b = await openBuckets(nc, ttlMs);
    const nodes = new KvMirror<NodeInfo>(b.nodes, o.logger);
    const leases = new KvMirror<LeaseValue>(b.leases, o.logger);
    nodes.start();
    leases.start();
    await Promise.all([nodes.ready, leases.ready]);
    return Object.assign(new ClusterView(nodes, leases, ttlMs), {
      async close() {
        nodes.stop();
        leases.stop();
        await nc.drain().catch(() => undefined);
      },
    });
  }

  listNodes(): NodeSummary[] {
    const now = performance.now();
    return [...this.nodes.entries.values()]
      .map((e) => ({ ...e.value, alive: now - e.seenAt < this.ttlMs, silentMs: Math.round(now - e.seenAt) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  node(id: string): NodeSummary | null {
    return this.listNodes().find((n) => n.id === id) ?? null;
  }

  /** The live node recording the camera now, or null. */
  recorderOf(cameraId: string): NodeSummary | null {
    const l = this.leases.entries.get(cameraId);
    if (!l) return null;
    const n = this.node(l.value.node);
    return n && n.alive && n.session === l.value.session ? n : null;
  }

  /** Camera id → node id, of every lease whose node is alive. */
  assignments(): Map<string, string> {
    const alive = new Map(this.listNodes().filter((n) => n.alive).map((n) => [n.id, n.session]));
    const out = new Map<string, string>();
    for (const [cam, e] of this.leases.entries) if (alive.get(e.value.node) === e.value.session) out.set(cam, e.value.node);
    return out;
  }
}
