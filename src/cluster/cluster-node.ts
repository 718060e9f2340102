// One recording node in a cluster: its identity in the node registry (a JetStream KV entry that
// its heartbeat keeps alive and the bucket's max age removes when the node dies) and the camera
// leases it holds (KV entries taken by compare-and-set; the revision that took one is the fencing
// token, also written to PostgreSQL, where each segment's index write checks it).
// docs/decisions/060-camera-leases.md says why leases live in JetStream KV.
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { ClusterError } from './errors.ts';
import { planAssignment, type LeaseView, type LiveNode } from './assignment.ts';
import { KvMirror, type MirrorEntry } from './kv-mirror.ts';
import { connectNats, isCasConflict, openBuckets } from './nats-link.ts';
import { ClusterView } from './cluster-view.ts';

export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What a node says of itself in the registry (the nodes page shows it). */
export interface NodeInfo {
  id: string;
  session: string;
  role: 'node' | 'api' | 'both';
  /** Where the node's HTTP server answers (the api proxies live and playback there). */
  url: string | null;
  capacity: number;
  held: number;
  /** Free cameras this node could not take because it is full. */
  overCapacity: number;
  /** Cameras no node records now, as this node sees it. */
  unassigned: number;
  startedAt: number;
  heartbeatAt: number;
  version: string;
  /** Filled by the composition root: e.g. cameras online, lost frames, disk. */
  health: Record<string, unknown>;
  /** An edge site's node: records only the cameras pinned to it, so others never count on its room. */
  edge?: boolean;
}

export interface LeaseValue {
  node: string;
  session: string;
  at: number;
}

export interface ClusterNodeOptions {
  nodeId: string;
  natsUrl: string;
  natsUser?: string;
  natsPass?: string;
  role: NodeInfo['role'];
  url: string | null;
  /** Most cameras this node records (0 for an api-only process: it takes none). */
  capacity: number;
  /** A node unheard of for this long is dead and its cameras are free (default 10 s). */
  ttlMs?: number;
  /** How often leases are planned (default 1 s). */
  roundMs?: number;
  /** How long a free camera waits for its preferred node before any node may take it (default 2 s). */
  graceMs?: number;
  version: string;
  logger: Logger;
  /** Ids of the cameras the cluster should record (enabled ones). */
  listCameras: () => Promise<string[]>;
  /** Writes the fencing token to the store; false when a newer lease already fenced this one out. */
  setFence: (cameraId: string, nodeId: string, token: number) => Promise<boolean>;
  /** Start recording a camera this node now holds. */
  startCamera: (cameraId: string) => Promise<void>;
  /** Stop recording a camera this node no longer holds. */
  stopCamera: (cameraId: string) => void;
  health?: () => Record<string, unknown>;
  /**
   * An edge site's cameras: only this node records them. It keeps recording them when the centre
   * is unreachable (no self-fencing: no other node takes a pinned camera), and its index writes
   * reach the centre when the link returns.
   */
  pinned?: readonly string[];
}

interface Held {
  token: number;
}

export class ClusterNode {
  readonly nodeId: string;
  readonly session = randomBytes(8).toString('hex');
  private readonly o: Required<Pick<ClusterNodeOptions, 'ttlMs' | 'roundMs' | 'graceMs'>> & ClusterNodeOptions;
  private nc: NatsConnection | null = null;
  private nodesKv: KV | null = null;
  private leasesKv: KV | null = null;
  private nodes: KvMirror<NodeInfo> | null = null;
  private leases: KvMirror<LeaseValue> | null = null;
  private pinsKv: KV | null = null;
  private pins: KvMirror<{ node: string }> | null = null;
  private readonly held = new Map<string, Held>();
  private readonly freeSince = new Map<string, number>();
  /** Cameras handed to a less loaded node, and when. */
  private readonly shedAt = new Map<string, number>();
  private lastShed = 0;
  private cameras: string[] = [];
  private camerasAt = 0;
  private registryRevision = 0;
  private lastBeatOk = performance.now();
  private overCapacity = 0;
  private unassigned = 0;
  private lastFullLog = '';
  private timers: NodeJS.Timeout[] = [];
  private round: Promise<void> = Promise.resolve();
  private beating = false;
  private closed = false;
  private readonly startedAt = Date.now();
  /** The nodes and who records what, as this process sees them (set once started). */
  view: ClusterView | null = null;

  constructor(o: ClusterNodeOptions) {
    if (!NODE_ID_PATTERN.test(o.nodeId)) throw new ClusterError('NODE_ID_INVALID', `cluster.nodeId: expected lower-case letters, digits, - and _, got ${JSON.stringify(o.nodeId)}`);
    this.nodeId = o.nodeId;
    this.o = { ttlMs: 10_000, roundMs: 1000, graceMs: 2000, ...o };
  }

  /** Connects (retrying), claims the identity (refusing when another live process has it) and starts taking cameras. */
  async start(): Promise<void> {
    this.nc = await connectNats({ url: this.o.natsUrl, user: this.o.natsUser, pass: this.o.natsPass, logger: this.o.logger });
    try {
      const { nodes, leases, pins } = await openBuckets(this.nc, this.o.ttlMs);
      this.nodesKv = nodes;
      this.leasesKv = leases;
      this.pinsKv = pins;
      await this.claimIdentity();
      for (const cameraId of this.o.pinned ?? []) {
        const had = await pins.get(cameraId);
        if (had?.operation === 'PUT' && had.json<{ node: string }>().node !== this.nodeId) this.o.logger.warn({ camera: cameraId, was: had.json<{ node: string }>().node }, 'camera was pinned to another node; pinned here now (cluster.edgeCameras)');
        await pins.put(cameraId, JSON.stringify({ node: this.nodeId }));
      }
    } catch (err) {
      this.closed = true;
      await this.nc.close().catch(() => undefined);
      throw err;
    }
    this.nodes = new KvMirror<NodeInfo>(this.nodesKv!, this.o.logger);
    this.leases = new KvMirror<LeaseValue>(this.leasesKv!, this.o.logger, (key, e) => this.leaseChanged(key, e));
    this.pins = new KvMirror<{ node: string }>(this.pinsKv!, this.o.logger);
    this.nodes.start();
    this.leases.start();
    this.pins.start();
    await Promise.all([this.nodes.ready, this.leases.ready, this.pins.ready]);
    this.view = new ClusterView(this.nodes, this.leases, this.o.ttlMs);
    const beat = setInterval(() => this.tick(), Math.max(200, Math.floor(this.o.ttlMs / 4)));
    const plan = setInterval(() => {
      this.round = this.round.then(() => this.planRound()).catch((err: Error) => this.o.logger.error({ err: err.message }, 'lease round failed'));
    }, this.o.roundMs);
    this.timers.push(beat, plan);
    this.o.logger.info({ node: this.nodeId, capacity: this.o.capacity, ttlMs: this.o.ttlMs }, 'joined the cluster');
  }

  private info(): NodeInfo {
    return {
      id: this.nodeId,
      session: this.session,
      role: this.o.role,
      url: this.o.url,
      capacity: this.o.capacity,
      held: this.held.size,
      overCapacity: this.overCapacity,
      unassigned: this.unassigned,
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
      version: this.o.version,
      health: this.o.health?.() ?? {},
      edge: (this.o.pinned?.length ?? 0) > 0,
    };
  }

  /**
   * The registry entry is created only when absent. An entry left by this node's previous run
   * (killed) stops being written and the bucket's max age removes it; one whose revision moves
   * while we wait belongs to a live process, and this one refuses to start.
   */
  private async claimIdentity(): Promise<void> {
    const kv = this.nodesKv!;
    const deadline = performance.now() + this.o.ttlMs * 1.5 + 1000;
    let seen: number | null = null;
    for (;;) {
      try {
        this.registryRevision = await kv.create(this.nodeId, JSON.stringify(this.info()));
        this.lastBeatOk = performance.now();
        return;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
      const e = await kv.get(this.nodeId);
      if (e && e.operation === 'PUT') {
        if (seen !== null && e.revision !== seen) {
          const other = e.json<NodeInfo>();
          throw new ClusterError('NODE_ID_IN_USE', `node id "${this.nodeId}" is in use by a live process (session ${other.session}, url ${other.url ?? 'none'}); give this node another cluster.nodeId`);
        }
        seen ??= e.revision;
      }
      if (performance.now() > deadline) throw new ClusterError('NODE_ID_IN_USE', `node id "${this.nodeId}" is still registered after ${this.o.ttlMs * 1.5} ms`);
      if (seen !== null) this.o.logger.info({ node: this.nodeId }, 'an entry with this node id exists; waiting to see whether it is alive');
      await new Promise((r) => setTimeout(r, Math.min(500, this.o.ttlMs / 4)));
    }
  }

  /**
   * One heartbeat at a time. A beat's request can wait out its timeout when the link is cut, and
   * while NATS is reconnecting the beats issued meanwhile are all sent at once when it answers:
   * run side by side, each found the entry expired, each re-created it, and every one but the
   * first was refused as "key exists", read as another process having taken this identity, and
   * the node stopped all its cameras (an edge site's pinned ones too, so the recordings made during
   * the cut were never indexed). Self-fencing is checked on every tick, whether a beat is in flight
   * or not, so a beat stuck on a dead link never delays it.
   */
  private tick(): void {
    if (this.closed) return;
    this.selfFence();
    if (this.beating) return;
    this.beating = true;
    void this.heartbeat().finally(() => (this.beating = false));
  }

  private async heartbeat(): Promise<void> {
    if (this.closed) return;
    const kv = this.nodesKv!;
    const beatMs = Math.max(2000, Math.floor(this.o.ttlMs / 2));
    try {
      this.registryRevision = await kv.update(this.nodeId, JSON.stringify(this.info()), this.registryRevision, beatMs);
      this.lastBeatOk = performance.now();
      return;
    } catch (err) {
      if (!isCasConflict(err)) {
        this.o.logger.warn({ err: (err as Error).message }, 'heartbeat failed');
        return;
      }
    }
    // The entry is not at the revision we last wrote: ours, written by a beat whose reply was lost
    // (adopt it); expired while the link was down (claim it again); or another process's.
    try {
      if (await this.adoptOwnEntry()) return;
      this.registryRevision = await kv.create(this.nodeId, JSON.stringify(this.info()));
      this.lastBeatOk = performance.now();
      this.o.logger.warn({ node: this.nodeId }, 'registry entry had expired; registered again');
    } catch (err) {
      if (!isCasConflict(err)) {
        this.o.logger.warn({ err: (err as Error).message }, 'heartbeat failed');
        return;
      }
      if (await this.adoptOwnEntry().catch(() => false)) return;
      this.o.logger.fatal({ node: this.nodeId }, 'another process now has this node id: stopping every camera');
      this.dropAll('identity taken');
    }
  }

  /** The registry entry carries this process's session: it is our own write, whatever revision we remembered. */
  private async adoptOwnEntry(): Promise<boolean> {
    const e = await this.nodesKv!.get(this.nodeId);
    if (!e || e.operation !== 'PUT' || e.json<NodeInfo>().session !== this.session) return false;
    if (e.revision !== this.registryRevision) this.o.logger.info({ node: this.nodeId, revision: e.revision }, 'registry entry written by an earlier heartbeat whose reply was lost; carrying on from it');
    this.registryRevision = e.revision;
    this.lastBeatOk = performance.now();
    return true;
  }

  /**
   * Unheard for a lease TTL, the others will have taken our cameras: stop recording them rather
   * than record them twice. Not the cameras pinned here: no other node takes those, so an edge
   * site records on through the cut.
   */
  private selfFence(): void {
    const unpinned = [...this.held.keys()].filter((id) => !this.isPinnedHere(id));
    if (performance.now() - this.lastBeatOk > this.o.ttlMs && unpinned.length > 0) {
      this.o.logger.error({ cameras: unpinned.length, keptPinned: this.held.size - unpinned.length }, 'no heartbeat reached NATS for a lease TTL: releasing every camera not pinned here (self-fencing)');
      for (const id of unpinned) this.lose(id, 'link to the centre lost');
    }
  }

  private isPinnedHere(cameraId: string): boolean {
    return (this.o.pinned ?? []).includes(cameraId) || this.pins?.entries.get(cameraId)?.value.node === this.nodeId;
  }

  private dropAll(reason: string): void {
    for (const id of [...this.held.keys()]) this.lose(id, reason);
  }

  private lose(cameraId: string, reason: string): void {
    if (!this.held.delete(cameraId)) return;
    this.o.logger.warn({ camera: cameraId, reason }, 'lease lost: stopped recording');
    this.o.stopCamera(cameraId);
  }

  /** A lease we hold changed hands (another node took it over): stop at once. */
  private leaseChanged(cameraId: string, e: MirrorEntry<LeaseValue> | null): void {
    const h = this.held.get(cameraId);
    if (!h) return;
    if (!e || e.value.node !== this.nodeId || e.value.session !== this.session || e.revision !== h.token) {
      this.lose(cameraId, e ? `taken by ${e.value.node}` : 'released');
    }
  }

  private liveNodes(): Map<string, LiveNode> {
    const out = new Map<string, LiveNode>();
    const now = performance.now();
    for (const [id, e] of this.nodes!.entries) {
      if (now - e.seenAt < this.o.ttlMs && e.value.capacity > 0 && !e.value.edge) out.set(id, { capacity: e.value.capacity, held: e.value.held });
    }
    if (this.o.capacity > 0) out.set(this.nodeId, { capacity: this.o.capacity, held: this.held.size });
    return out;
  }

  private async planRound(): Promise<void> {
    if (this.closed || this.o.capacity <= 0) return;
    if (performance.now() - this.lastBeatOk > this.o.ttlMs) return; // cut off: take nothing
    if (Date.now() - this.camerasAt > 5000) {
      this.cameras = await this.o.listCameras();
      this.camerasAt = Date.now();
    }
    const leases = new Map<string, LeaseView>();
    for (const [k, e] of this.leases!.entries) {
      // A lease still in our name that this process no longer holds (stopped by self-fencing or a
      // refused write, and nobody took it since) is planned as our previous run's: taken back at
      // once under a new token, instead of sitting in our name unrecorded.
      const orphan = e.value.node === this.nodeId && e.value.session === this.session && !this.held.has(k);
      leases.set(k, { node: e.value.node, session: orphan ? `${this.session}-lost` : e.value.session, revision: e.revision });
    }
    const plan = planAssignment({
      me: this.nodeId,
      session: this.session,
      capacity: this.o.capacity,
      now: Date.now(),
      cameras: this.cameras,
      leases,
      liveNodes: this.liveNodes(),
      freeSince: this.freeSince,
      graceMs: this.o.graceMs,
      // One camera at a time, after the registry has had time to show the last one's new holder.
      mayShed: Date.now() - this.lastShed > this.o.ttlMs / 4 + this.o.roundMs && Date.now() - this.startedAt > this.o.ttlMs / 2,
      recentlyShed: new Set([...this.shedAt].filter(([, t]) => Date.now() - t < this.o.ttlMs * 2).map(([id]) => id)),
      pins: new Map([...this.pins!.entries].map(([k, e]) => [k, e.value.node])),
      onlyPinned: (this.o.pinned?.length ?? 0) > 0,
    });
    for (const id of plan.release) await this.release(id);
    if (plan.shed) {
      this.lastShed = Date.now();
      this.shedAt.set(plan.shed, this.lastShed);
      this.o.logger.info({ camera: plan.shed, held: this.held.size }, 'handing a camera to a less loaded node');
      await this.release(plan.shed);
    }
    for (const [id, t] of this.shedAt) if (Date.now() - t > this.o.ttlMs * 2) this.shedAt.delete(id);
    for (const a of plan.acquire) {
      if (this.closed) return;
      await this.acquire(a.cameraId, a.revision);
    }
    this.overCapacity = plan.overCapacity;
    this.unassigned = plan.unassigned;
    const full = plan.overCapacity > 0 ? `${this.held.size}/${this.o.capacity}:${plan.overCapacity}` : '';
    if (full !== this.lastFullLog) {
      this.lastFullLog = full;
      if (full) this.o.logger.warn({ held: this.held.size, capacity: this.o.capacity, waiting: plan.overCapacity }, 'at capacity: not taking more cameras');
    }
  }

  private async acquire(cameraId: string, revision: number | null): Promise<void> {
    const value = JSON.stringify({ node: this.nodeId, session: this.session, at: Date.now() } satisfies LeaseValue);
    let token: number;
    try {
      token = revision === null ? await this.leasesKv!.create(cameraId, value) : await this.leasesKv!.update(cameraId, value, revision);
    } catch (err) {
      if (!isCasConflict(err)) this.o.logger.warn({ camera: cameraId, err: (err as Error).message }, 'could not take a lease');
      return; // another node was faster
    }
    if (!(await this.o.setFence(cameraId, this.nodeId, token))) {
      this.o.logger.warn({ camera: cameraId, fence: token }, 'lease taken but a newer fence exists: leaving the camera');
      return;
    }
    this.held.set(cameraId, { token });
    this.freeSince.delete(cameraId);
    this.o.logger.info({ camera: cameraId, fence: token }, 'lease taken: recording');
    try {
      await this.o.startCamera(cameraId);
    } catch (err) {
      this.o.logger.error({ camera: cameraId, err: (err as Error).message }, 'could not start a leased camera; releasing it');
      await this.release(cameraId);
    }
  }

  private async release(cameraId: string): Promise<void> {
    const h = this.held.get(cameraId);
    if (!h) return;
    this.held.delete(cameraId);
    this.o.stopCamera(cameraId);
    await this.leasesKv!.delete(cameraId, { previousSeq: h.token }).catch(() => undefined);
  }

  /** The connection to the centre's NATS (once started): the member's outbox and ingest share it. */
  connection(): NatsConnection | null {
    return this.nc;
  }

  /** The fencing token of a camera this node holds, or null: segments are indexed only with it. */
  fence(cameraId: string): number | null {
    return this.held.get(cameraId)?.token ?? null;
  }

  /** The store refused a segment: the fence moved, so the lease is gone whatever the mirror says. */
  fenced(cameraId: string): void {
    this.lose(cameraId, 'fenced out by a newer lease');
  }

  setUrl(url: string): void {
    this.o.url = url;
  }

  heldCameras(): string[] {
    return [...this.held.keys()];
  }

  /** Re-read the camera list at the next round (a camera was added, changed or removed). */
  camerasChanged(): void {
    this.camerasAt = 0;
  }

  /**
   * Stops taking cameras, stops the ones held, hands their leases back (so others take them at
   * once, not after a TTL) and leaves the registry.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.round.catch(() => undefined);
    for (const id of [...this.held.keys()]) await this.release(id);
    this.nodes?.stop();
    this.leases?.stop();
    this.pins?.stop();
    if (this.nodesKv) await this.nodesKv.delete(this.nodeId, { previousSeq: this.registryRevision }).catch(() => undefined);
    await this.nc?.drain().catch(() => undefined);
  }
}
