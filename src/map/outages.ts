// The outage picture: cameras that go down within the same minute and lie close together are one
// outage (a power cut, a cut fibre), drawn as one area with its count and start, not as forty red
// dots. Pure state: the caller feeds camera downs and ups with their times and positions.
import { convexHull, fromLocal, toLocal, type LonLat } from './geo.ts';

export interface OutageOptions {
  /** Downs this close in time can belong together (default 60 s: "within the same minute"). */
  windowMs: number;
  /** Downs this close in space (metres) can belong together (default 400 m). */
  linkM: number;
  /** Each camera drawn as a disc of this radius (metres) before the hull, so 1–2 cameras still make an area. */
  padM: number;
}

export const DEFAULT_OUTAGE_OPTIONS: OutageOptions = { windowMs: 60_000, linkM: 400, padM: 40 };

export interface OutageArea {
  id: string;
  /** Every camera that went down in this outage, sorted. */
  cameraIds: string[];
  /** Of those, the ones still down. */
  downIds: string[];
  count: number;
  startMs: number;
  /** When the last of its cameras came back; null while any is down. */
  endMs: number | null;
  /** Closed ring around the cameras, [lon, lat]. */
  hull: LonLat[];
}

/** A camera of an open outage: where it is, when it went down and (if so) came back. */
export interface OutageMember {
  cameraId: string;
  pos: LonLat;
  downAt: number;
  upAt: number | null;
}
type Member = OutageMember;

/** An open outage as it is kept, so the picture survives a restart. */
export interface OpenOutage {
  id: string;
  startMs: number;
  members: OutageMember[];
}

interface OpenArea {
  id: string;
  members: Map<string, Member>;
  startMs: number;
}

/** Closed ring around points, each padded to a disc of padM metres (8 points around each). */
export function outageHull(points: readonly LonLat[], padM: number): LonLat[] {
  if (points.length === 0) return [];
  const padded: LonLat[] = [];
  for (const p of points) {
    for (let k = 0; k < 8; k++) {
      const a = (k * Math.PI) / 4;
      padded.push(fromLocal(p, Math.sin(a) * padM, Math.cos(a) * padM));
    }
  }
  const hull = convexHull(padded);
  hull.push(hull[0]!);
  return hull;
}

/**
 * Follows downs and ups. A camera going down joins the open outage holding a camera that went down
 * within windowMs of it and lies within linkM; when it links two outages they become one. An outage
 * closes when all its cameras are back, and moves to the history.
 */
export class OutageTracker {
  private readonly opts: OutageOptions;
  private readonly open = new Map<string, OpenArea>();
  private readonly areaOf = new Map<string, string>();
  private readonly closed: OutageArea[] = [];
  private readonly historyLimit: number;
  private nextId = 1;
  private readonly idPrefix: string;

  constructor(opts: Partial<OutageOptions> = {}, historyLimit = 500, idPrefix = 'out') {
    this.opts = { ...DEFAULT_OUTAGE_OPTIONS, ...opts };
    this.historyLimit = historyLimit;
    this.idPrefix = idPrefix;
  }

  down(cameraId: string, pos: LonLat, atMs: number): void {
    const currentArea = this.areaOf.get(cameraId);
    if (currentArea) {
      const m = this.open.get(currentArea)?.members.get(cameraId);
      if (m && m.upAt === null) return; // already down
    }
    const linked: OpenArea[] = [];
    for (const area of this.open.values()) {
      for (const m of area.members.values()) {
        if (Math.abs(m.downAt - atMs) > this.opts.windowMs) continue;
        const { x, y } = toLocal(m.pos, pos);
        if (x * x + y * y <= this.opts.linkM * this.opts.linkM) {
          linked.push(area);
          break;
        }
      }
    }
    // A camera back up that fails again later starts afresh rather than reopening its old outage.
    if (currentArea) this.detach(cameraId, currentArea);
    let target: OpenArea;
    if (linked.length === 0) {
      target = { id: `${this.idPrefix}-${this.nextId++}`, members: new Map(), startMs: atMs };
      this.open.set(target.id, target);
    } else {
      linked.sort((a, b) => a.startMs - b.startMs);
      target = linked[0]!;
      for (const other of linked.slice(1)) {
        for (const [id, m] of other.members) {
          target.members.set(id, m);
          this.areaOf.set(id, target.id);
        }
        target.startMs = Math.min(target.startMs, other.startMs);
        this.open.delete(other.id);
      }
    }
    target.members.set(cameraId, { cameraId, pos, downAt: atMs, upAt: null });
    target.startMs = Math.min(target.startMs, atMs);
    this.areaOf.set(cameraId, target.id);
  }

  up(cameraId: string, atMs: number): void {
    const areaId = this.areaOf.get(cameraId);
    const area = areaId ? this.open.get(areaId) : undefined;
    const m = area?.members.get(cameraId);
    if (!area || !m || m.upAt !== null) return;
    m.upAt = atMs;
    if ([...area.members.values()].every((x) => x.upAt !== null)) {
      this.open.delete(area.id);
      for (const id of area.members.keys()) if (this.areaOf.get(id) === area.id) this.areaOf.delete(id);
      this.closed.unshift(this.describe(area));
      if (this.closed.length > this.historyLimit) this.closed.length = this.historyLimit;
    }
  }

  /** Open outages, largest first. */
  current(): OutageArea[] {
    return [...this.open.values()].map((a) => this.describe(a)).sort((a, b) => b.count - a.count || a.startMs - b.startMs);
  }

  /** The open outages as they are kept (a copy). */
  openState(): OpenOutage[] {
    return [...this.open.values()].map((a) => ({ id: a.id, startMs: a.startMs, members: [...a.members.values()].map((m) => ({ ...m })) }));
  }

  /**
   * Takes back open outages kept before a restart. A camera already followed keeps its place; an
   * outage none of whose cameras is still down is not reopened.
   */
  restore(areas: readonly OpenOutage[]): void {
    for (const a of areas) {
      if (this.open.has(a.id)) continue;
      const members = a.members.filter((m) => !this.areaOf.has(m.cameraId));
      if (!members.some((m) => m.upAt === null)) continue;
      this.open.set(a.id, { id: a.id, startMs: a.startMs, members: new Map(members.map((m) => [m.cameraId, { ...m }])) });
      for (const m of members) this.areaOf.set(m.cameraId, a.id);
    }
  }

  /** Closed outages, newest first. */
  history(): OutageArea[] {
    return [...this.closed];
  }

  private detach(cameraId: string, areaId: string): void {
    const area = this.open.get(areaId);
    this.areaOf.delete(cameraId);
    if (!area) return;
    const m = area.members.get(cameraId);
    if (m && m.upAt !== null && [...area.members.values()].length > 1) return; // keep it in the record
    area.members.delete(cameraId);
    if (area.members.size === 0) this.open.delete(areaId);
  }

  private describe(area: OpenArea): OutageArea {
    const members = [...area.members.values()];
    const downIds = members.filter((m) => m.upAt === null).map((m) => m.cameraId).sort();
    const endMs = downIds.length ? null : Math.max(...members.map((m) => m.upAt ?? 0));
    return {
      id: area.id,
      cameraIds: members.map((m) => m.cameraId).sort(),
      downIds,
      count: members.length,
      startMs: area.startMs,
      endMs,
      hull: outageHull(members.map((m) => m.pos), this.opts.padM),
    };
  }
}
