// What a process of a cluster does differently from the embedded single process, in one place
// so the composition root only wires it: which cameras its recorders run (those it leases), what
// its start-up recovery and its retention may touch (its own segments), how it indexes segments
// (fenced), and how a camera change made through the API reaches the recorders.
import path from 'node:path';
import type { Logger } from 'pino';
import { newId } from '../core/index.ts';
import type { AlarmHit, CameraRow, EventRow, SegmentKey, SegmentRow, Store } from '../store/index.ts';
import type { NodeSummary } from './cluster-view.ts';
import type { CameraRuntime, CameraStatus } from '../live/index.ts';
import { ClusterNode, type NodeInfo } from './cluster-node.ts';
import { HealthReporter } from './health-reporter.ts';
import { HealthBoard } from './health-board.ts';
import { fencedIndexView, recoveryView, retentionView } from './node-segments.ts';
import { EventIngest, EventOutbox, ensureEventStream } from './outbox.ts';
import { ClusterError } from './errors.ts';
import { SEGMENT_TOKEN_HEADER, segmentTokenRefusal, signSegmentToken } from './segment-token.ts';

export type ClusterRole = NodeInfo['role'];

export interface ClusterSettings {
  nodeId: string;
  natsUrl: string;
  natsUser?: string;
  natsPassword?: string;
  capacity: number;
  leaseTtlSeconds: number;
  advertiseUrl?: string;
  /** An edge site's cameras: only this node records them, through link cuts. */
  edgeCameras?: string[];
}

/** The recorders of this process (the recorder part's CameraFleet). */
export interface Recorders {
  upsert(row: CameraRow): void;
  remove(cameraId: string): void;
  status(cameraId: string): CameraStatus;
}

export interface ClusterMemberOptions {
  settings: ClusterSettings;
  role: ClusterRole;
  version: string;
  logger: Logger;
  store: Store;
  /** Set before start(): the recorders only exist once the segment index (which needs the member) does. */
  recorders?: Recorders;
  /** This process's data folder: a recording process keeps its event outbox there (<dataDir>/outbox). */
  dataDir?: string;
  /** Derived from the cluster secret: signs and checks the api's requests for another node's segment files. */
  segmentKey?: Buffer;
}

/** What the api needs of the cluster: the nodes page, and where a camera's video is. */
export interface ClusterApi {
  readonly nodeId: string;
  nodes(): NodeSummary[];
  /** Base URL of the live node recording the camera when that is another process; else null. */
  remoteRecorder(cameraId: string): string | null;
  /** Base URL of the live node whose disk holds most of these segments when that is another process; else null. */
  remoteHolder(segs: readonly SegmentRow[]): string | null;
  /** The segment's file is on this process's disk. */
  isLocal(seg: SegmentRow): boolean;
  /** This process records the camera now. */
  holds(cameraId: string): boolean;
  /** The bytes of a segment file on another node's disk, fetched from that node with a short-lived signed token; null when the node no longer has it. */
  fetchSegment(seg: SegmentRow): Promise<Buffer | null>;
  /** Why a request for one of this node's segment files is refused, or null when its token holds. */
  segmentTokenRefusal(token: string | undefined, cameraId: string, startMs: number): string | null;
  /** Base URL of this live node (another process), else null. */
  liveNodeUrl(nodeId: string): string | null;
}

export class ClusterMember implements ClusterApi {
  readonly nodeId: string;
  readonly role: ClusterRole;
  readonly node: ClusterNode;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly dataDir: string | undefined;
  private readonly segmentKey: Buffer | null;
  private outbox: EventOutbox | null = null;
  private ingest: EventIngest | null = null;
  private alarmRaiser: ((hit: AlarmHit) => Promise<unknown>) | null = null;
  recorders: Recorders | null;
  /** Writes the state of this node's cameras to the store every 10 s (a recording node). */
  private readonly healthReporter: HealthReporter | null;
  private board: HealthBoard | null = null;

  constructor(o: ClusterMemberOptions) {
    this.nodeId = o.settings.nodeId;
    this.role = o.role;
    this.store = o.store;
    this.logger = o.logger.child({ part: 'cluster', node: o.settings.nodeId });
    this.recorders = o.recorders ?? null;
    this.dataDir = o.dataDir;
    this.segmentKey = o.segmentKey ?? null;
    this.node = new ClusterNode({
      nodeId: o.settings.nodeId,
      natsUrl: o.settings.natsUrl,
      natsUser: o.settings.natsUser,
      natsPass: o.settings.natsPassword,
      role: o.role,
      url: o.settings.advertiseUrl ?? null,
      // An api process records nothing; it still registers, so the nodes page lists it.
      capacity: o.role === 'api' ? 0 : o.settings.capacity,
      ttlMs: o.settings.leaseTtlSeconds * 1000,
      version: o.version,
      logger: this.logger,
      listCameras: async () => (await this.store.listCameras()).filter((c) => c.enabled).map((c) => c.id),
      setFence: (cameraId, nodeId, token) => this.store.setCameraFence(cameraId, nodeId, token),
      startCamera: async (cameraId) => {
        const row = await this.store.getCamera(cameraId);
        if (row) this.recorders?.upsert(row);
      },
      stopCamera: (cameraId) => this.recorders?.remove(cameraId),
      health: () => this.health(),
      pinned: o.settings.edgeCameras ?? [],
    });
    this.healthReporter = o.role === 'api' ? null : new HealthReporter({
      nodeId: this.nodeId,
      store: this.store,
      held: () => this.node.heldCameras(),
      status: (id) => this.recorders?.status(id) ?? { state: 'connecting', lastFrameAt: null, fps: null, bitrateKbps: null, width: null, height: null, codec: null, error: null, reconnects: 0, audioDropped: false },
      logger: this.logger,
    });
  }

  /**
   * The camera states the api serves: this process's recorders for the cameras it holds, every
   * other camera from the nodes' health reports (read every 10 s).
   */
  cameraRuntime(local: CameraRuntime): HealthBoard {
    if (!this.board) {
      this.board = new HealthBoard({ store: this.store, local, isLocal: (id) => this.node.fence(id) !== null, logger: this.logger });
      this.board.start();
    }
    return this.board;
  }

  /** This process records the camera now (holds its lease). */
  holds(cameraId: string): boolean {
    return this.node.fence(cameraId) !== null;
  }

  get records(): boolean {
    return this.role !== 'api';
  }

  private health(): Record<string, unknown> {
    const held = this.node.heldCameras();
    let online = 0;
    for (const id of held) if (this.recorders?.status(id).state === 'online') online++;
    return { cameras: held.length, online, rssMb: Math.round(process.memoryUsage().rss / 1048576) };
  }

  /**
   * A recording process's events (camera offline and online, disk, analytics) go first to its
   * outbox, a journal on its own disk, and from there to the centre's JetStream stream, so that
   * a cut link or an unreachable PostgreSQL loses none (docs/cluster.md). Opened before the
   * parts that raise events are made; delivery starts with start().
   */
  async openOutbox(): Promise<void> {
    if (!this.records || this.outbox || !this.dataDir) return;
    this.outbox = await EventOutbox.open(path.join(this.dataDir, 'outbox'), this.nodeId, this.logger.child({ part: 'outbox' }));
    if (this.outbox.backlog > 0) this.logger.info({ backlog: this.outbox.backlog }, 'outbox: events of an earlier run not yet delivered');
  }

  /**
   * Where this process writes the events it raises: its outbox when it records (durable once
   * written, delivered exactly once when the centre answers), else the store itself.
   */
  eventWriter(): Pick<Store, 'addEvent'> {
    const outbox = this.outbox;
    if (!outbox) return this.store;
    return {
      async addEvent(e: Omit<EventRow, 'id'> & { id?: string }): Promise<EventRow> {
        const row: EventRow = { id: e.id ?? newId('evt'), ts: e.ts, cameraId: e.cameraId, kind: e.kind, severity: e.severity, details: e.details ?? {} };
        await outbox.append(row);
        return row;
      },
    };
  }

  /**
   * Where this process's alarm hits go: its outbox when it records (durable once written; the
   * centre's ingest raises each once, docs/decisions/067-node-alarms-through-the-outbox.md), else
   * null (raised in the store at once).
   */
  alarmDelivery(): ((hit: AlarmHit) => Promise<void>) | null {
    const outbox = this.outbox;
    // the node is named in the alarm: its snapshot is on this node's disk (the api proxies it here)
    return outbox ? (hit) => outbox.appendAlarmHit({ ...hit, details: { ...hit.details, node: this.nodeId } }) : null;
  }

  /** A process that serves the control room raises the nodes' hits through its alarm service (so its screens hear of them). */
  raiseAlarmsWith(raise: (hit: AlarmHit) => Promise<unknown>): void {
    this.alarmRaiser = raise;
    this.ingest?.raiseAlarmsWith(raise);
  }

  /** The store as the parts that raise events see it: every call goes to the store, event writes to eventWriter(). */
  storeWithEventWriter(): Store {
    const writer = this.eventWriter();
    if (writer === this.store) return this.store;
    const addEvent = writer.addEvent.bind(writer);
    return new Proxy(this.store, {
      get(target, key) {
        if (key === 'addEvent') return addEvent;
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /**
   * Joins the cluster (retrying NATS; refusing a taken identity) and starts taking cameras; the
   * outbox starts delivering, and a process that serves the control room takes the events of
   * every node from the stream into PostgreSQL (each event id once).
   */
  async start(): Promise<void> {
    await this.node.start();
    this.healthReporter?.start();
    const nc = this.node.connection()!;
    if (this.outbox || this.role !== 'node') await ensureEventStream(nc);
    this.outbox?.start(nc);
    if (this.role !== 'node') {
      this.ingest = new EventIngest(this.store, this.logger.child({ part: 'event-ingest' }));
      if (this.alarmRaiser) this.ingest.raiseAlarmsWith(this.alarmRaiser);
      await this.ingest.start(nc);
    }
  }

  /** The api learns its address only once listening. */
  setUrl(url: string): void {
    this.node.setUrl(url);
  }

  /** Start-up recovery repairs only this node's segments: the others' files are on their disks. */
  recoveryStore(): ReturnType<typeof recoveryView> {
    return recoveryView(this.store, this.nodeId);
  }

  retentionStore(): ReturnType<typeof retentionView> {
    return retentionView(this.store, this.nodeId);
  }

  /** Segments indexed with this node and under the camera's fencing token. */
  indexStore(): Pick<Store, 'putSegments'> {
    return fencedIndexView(this.store, this.nodeId, (id) => this.node.fence(id), (id, refused: SegmentKey[]) => {
      this.logger.warn({ camera: id, refused: refused.length }, 'segment index refused: this node no longer holds the camera');
      this.node.fenced(id);
    });
  }

  /**
   * For the camera registry: a change reaches this process's recorder only for a camera it
   * holds; every other camera is another node's (or nobody's yet), and the lease rounds pick the
   * change up from the store.
   */
  fleetControl(): { upsert(row: CameraRow): void; remove(cameraId: string): void } {
    return {
      upsert: (row) => {
        if (this.node.fence(row.id) !== null) this.recorders?.upsert(row);
        this.node.camerasChanged();
      },
      remove: (cameraId) => {
        if (this.node.fence(cameraId) !== null) this.recorders?.remove(cameraId);
        this.node.camerasChanged();
      },
    };
  }

  nodes(): NodeSummary[] {
    return this.node.view?.listNodes() ?? [];
  }

  remoteRecorder(cameraId: string): string | null {
    const n = this.node.view?.recorderOf(cameraId);
    return n && n.id !== this.nodeId && n.url ? n.url : null;
  }

  remoteHolder(segs: readonly SegmentRow[]): string | null {
    const count = new Map<string, number>();
    for (const s of segs) if (s.nodeId && s.nodeId !== this.nodeId) count.set(s.nodeId, (count.get(s.nodeId) ?? 0) + 1);
    const local = segs.filter((s) => this.isLocal(s)).length;
    const [best, n] = [...count].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
    if (best === null || n <= local) return null;
    const node = this.node.view?.node(best);
    return node?.alive && node.url ? node.url : null;
  }

  liveNodeUrl(nodeId: string): string | null {
    if (nodeId === this.nodeId) return null;
    const node = this.node.view?.node(nodeId);
    return node?.alive && node.url ? node.url : null;
  }

  isLocal(seg: SegmentRow): boolean {
    return seg.nodeId === undefined || seg.nodeId === this.nodeId;
  }

  async fetchSegment(seg: SegmentRow): Promise<Buffer | null> {
    if (!this.segmentKey) throw new ClusterError('NODE_UNREACHABLE', 'this process has no cluster key to ask other nodes for recordings');
    const node = seg.nodeId ? this.node.view?.node(seg.nodeId) : undefined;
    if (!node?.alive || !node.url) throw new ClusterError('NODE_UNKNOWN', `the recording of ${seg.cameraId} at ${new Date(seg.startMs).toISOString()} is on node ${seg.nodeId ?? '?'}, which is not reachable now`);
    const url = new URL(`/api/cluster/segments/${encodeURIComponent(seg.cameraId)}/${seg.startMs}`, node.url);
    let res: Response;
    try {
      res = await fetch(url, { headers: { [SEGMENT_TOKEN_HEADER]: signSegmentToken(this.segmentKey, seg.cameraId, seg.startMs, Date.now()) }, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new ClusterError('NODE_UNREACHABLE', `node ${seg.nodeId} did not answer for a recording of ${seg.cameraId}: ${(err as Error).message}`);
    }
    if (res.status === 404) return null;
    if (!res.ok) throw new ClusterError('NODE_UNREACHABLE', `node ${seg.nodeId} answered ${res.status} for a recording of ${seg.cameraId}`);
    return Buffer.from(await res.arrayBuffer());
  }

  segmentTokenRefusal(token: string | undefined, cameraId: string, startMs: number): string | null {
    if (!this.segmentKey) return 'this process has no cluster key';
    return segmentTokenRefusal(this.segmentKey, token, cameraId, startMs, Date.now());
  }

  /** After the last events are raised: the outbox stops (what it still holds is delivered by the next start), then the leases go back. */
  async close(): Promise<void> {
    this.board?.stop();
    await this.healthReporter?.stop();
    await this.outbox?.close();
    await this.ingest?.close();
    await this.node.close();
  }
}
