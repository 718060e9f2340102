// What a process of a cluster does differently from the embedded single process, in one place
// so the composition root only wires it: which cameras its recorders run (those it leases), what
// its start-up recovery and its retention may touch (its own segments), how it indexes segments
// (fenced), and how a camera change made through the API reaches the recorders.
import type { Logger } from 'pino';
import type { CameraRow, SegmentKey, SegmentRow, Store } from '../store/index.ts';
import type { NodeSummary } from './cluster-view.ts';
import type { CameraRuntime, CameraStatus } from '../live/index.ts';
import { ClusterNode, type NodeInfo } from './cluster-node.ts';
import { HealthReporter } from './health-reporter.ts';
import { HealthBoard } from './health-board.ts';
import { fencedIndexView, recoveryView, retentionView } from './node-segments.ts';

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
}

export class ClusterMember implements ClusterApi {
  readonly nodeId: string;
  readonly role: ClusterRole;
  readonly node: ClusterNode;
  private readonly store: Store;
  private readonly logger: Logger;
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

  /** Joins the cluster (retrying NATS; refusing a taken identity) and starts taking cameras. */
  async start(): Promise<void> {
    await this.node.start();
    this.healthReporter?.start();
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

  isLocal(seg: SegmentRow): boolean {
    return seg.nodeId === undefined || seg.nodeId === this.nodeId;
  }

  async close(): Promise<void> {
    this.board?.stop();
    await this.healthReporter?.stop();
    await this.node.close();
  }
}
