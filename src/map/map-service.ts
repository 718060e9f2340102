// The map's adapter: placements, sites and outage areas kept in the store (every change audited in
// its own transaction), the cone index rebuilt lazily after a change, and the outage tracker fed
// with camera downs and ups by the composition root.
import type { AuditAction } from '../audit/index.ts';
import type { EventBus, EventTopics } from '../events/index.ts';
import type { AuditInput, CameraPlacementRow, OutageAreaRow, PlacementQuery, PlacementWithCamera, SiteRow, Store } from '../store/index.ts';
import { ConeIndex, coverageReport, type SiteCoverage } from './coverage.ts';
import { MapError } from './errors.ts';
import type { BBox, LonLat } from './geo.ts';
import { acceptImport, checkSite, parsePlacementCsv, parsePlacementGeoJson, parseSitesGeoJson, rejectItems, type ImportProblem, type ImportResult } from './import.ts';
import { DEFAULT_OUTAGE_OPTIONS, OutageTracker, outageHull, type OpenOutage, type OutageArea, type OutageOptions } from './outages.ts';
import { checkPlacement, type CameraPlacement, type RawPlacement } from './placement.ts';
import type { Site } from './sites.ts';
import type { ViewPoints } from './view-grid.ts';
import type { ImportedBasemapInfo } from './basemap-store.ts';

export type MapStore = Pick<Store,
  'getCamera' | 'putCameraPlacements' | 'getCameraPlacement' | 'deleteCameraPlacement' | 'listCameraPlacements' | 'countCameraPlacements' |
  'putSite' | 'getSite' | 'listSites' | 'deleteSite' | 'putOutageArea' | 'listOutageAreas' | 'appendAudit' | 'putSites'>;

export interface Actor {
  id: string;
  ip: string | null;
}

export interface ImportOutcome {
  imported: number;
  skipped: ImportProblem[];
}

/** How far outside the known city a point may lie before an import calls it suspicious (degrees). */
const REGION_MARGIN_DEG = 0.25;
const PAGE = 20_000;
/**
 * How long the placements held in memory are served before they are read again (in the background:
 * the request that notices the age still gets the held ones). Changes through this service drop them
 * at once; a camera renamed, disabled or removed through the camera routes shows within this time.
 */
const SNAPSHOT_TTL_MS = 10_000;

/** Every placement held in memory: the zoomed-out map, who sees a point and coverage read it. */
export interface PlacementSnapshot {
  rows: PlacementWithCamera[];
  /** The rows' positions, for the viewport grid. */
  points: ViewPoints;
  index: ReadonlyMap<string, number>;
  /** The box of every placed camera, or null when none is placed. */
  extent: BBox | null;
  builtAt: number;
}

function snapshotOf(rows: PlacementWithCamera[]): PlacementSnapshot {
  const lon = new Float64Array(rows.length);
  const lat = new Float64Array(rows.length);
  const index = new Map<string, number>();
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  rows.forEach((r, i) => {
    lon[i] = r.lon;
    lat[i] = r.lat;
    index.set(r.cameraId, i);
    if (r.lon < west) west = r.lon;
    if (r.lon > east) east = r.lon;
    if (r.lat < south) south = r.lat;
    if (r.lat > north) north = r.lat;
  });
  return { rows, points: { lon, lat, length: rows.length }, index, extent: rows.length ? { west, south, east, north } : null, builtAt: Date.now() };
}

function audit(actor: Actor, action: AuditAction, cameraId: string | null, details: Record<string, unknown>): AuditInput {
  return { actor: actor.id, ip: actor.ip, action, cameraId, details };
}

function toSite(row: SiteRow): Site {
  return { id: row.id, name: row.name, kind: row.kind as Site['kind'], priority: row.priority, polygon: row.polygon };
}

export class MapService {
  private readonly store: MapStore;
  private cones: { from: PlacementSnapshot; index: ConeIndex; region: BBox | undefined; placements: PlacementWithCamera[] } | null = null;
  /** Bumped by every change: a snapshot read before it is not served after it. */
  private generation = 0;
  private held: (PlacementSnapshot & { generation: number }) | null = null;
  private building: { generation: number; snapshot: Promise<PlacementSnapshot> } | null = null;
  private readonly outages: OutageTracker;
  private readonly newId: () => string;
  private readonly outagePadM: number;

  constructor(store: MapStore, opts: { outages?: Partial<OutageOptions>; newId?: () => string } = {}) {
    this.store = store;
    this.newId = opts.newId ?? (() => `site-${crypto.randomUUID().slice(0, 8)}`);
    this.outages = new OutageTracker(opts.outages, 500, `out-${Date.now().toString(36)}`);
    this.outagePadM = { ...DEFAULT_OUTAGE_OPTIONS, ...opts.outages }.padM;
  }

  // --- placements -----------------------------------------------------------------------------

  async place(cameraId: string, raw: Omit<RawPlacement, 'cameraId'>, actor: Actor): Promise<CameraPlacement> {
    if (!(await this.store.getCamera(cameraId))) throw new MapError('MAP_BAD_INPUT', `camera: no camera has id ${cameraId}`);
    const check = checkPlacement({ ...raw, cameraId });
    if (!check.placement) throw new MapError('MAP_BAD_INPUT', check.problems.join('; '));
    if (check.placement.siteId && !(await this.store.getSite(check.placement.siteId))) throw new MapError('MAP_BAD_INPUT', `siteId: no site has id ${check.placement.siteId}`);
    const p = check.placement;
    await this.store.putCameraPlacements([p], audit(actor, 'map.place', cameraId, { lon: p.lon, lat: p.lat, bearing: p.bearing, angle: p.angle, range: p.range, ptz: p.ptz }));
    this.invalidate();
    return p;
  }

  async unplace(cameraId: string, actor: Actor): Promise<boolean> {
    const removed = await this.store.deleteCameraPlacement(cameraId, audit(actor, 'map.unplace', cameraId, {}));
    if (removed) this.invalidate();
    return removed;
  }

  placements(q: PlacementQuery): Promise<PlacementWithCamera[]> {
    return this.store.listCameraPlacements(q);
  }

  getPlacement(cameraId: string): Promise<CameraPlacementRow | null> {
    return this.store.getCameraPlacement(cameraId);
  }

  /** Every placement, a page at a time (the map of a city can hold 100,000). */
  async allPlacements(): Promise<PlacementWithCamera[]> {
    const out: PlacementWithCamera[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await this.store.listCameraPlacements({ afterId, limit: PAGE });
      out.push(...page);
      if (page.length < PAGE) return out;
      afterId = page[page.length - 1]!.cameraId;
    }
  }

  /** Forget the placements held in memory (a camera was changed elsewhere). */
  invalidate(): void {
    this.generation++;
    this.cones = null;
  }

  /** Every placement, held in memory for SNAPSHOT_TTL_MS and read again in the background after. */
  async snapshot(): Promise<PlacementSnapshot> {
    const held = this.held;
    if (held && held.generation === this.generation) {
      if (Date.now() - held.builtAt > SNAPSHOT_TTL_MS) this.rebuild().catch(() => {}); // the next request gets it
      return held;
    }
    return this.rebuild();
  }

  private rebuild(): Promise<PlacementSnapshot> {
    if (this.building && this.building.generation === this.generation) return this.building.snapshot;
    const generation = this.generation;
    const snapshot = this.allPlacements().then((rows) => {
      const built = { ...snapshotOf(rows), generation };
      if (this.generation === generation) this.held = built;
      return built;
    });
    const building = { generation, snapshot };
    this.building = building;
    const done = () => { if (this.building === building) this.building = null; };
    snapshot.then(done, done);
    return snapshot;
  }

  private async coneIndex(): Promise<{ index: ConeIndex; region: BBox | undefined; placements: PlacementWithCamera[] }> {
    const snapshot = await this.snapshot();
    if (this.cones && this.cones.from === snapshot) return this.cones;
    const all = snapshot.rows;
    const sites = await this.store.listSites();
    let region: BBox | undefined;
    const points: LonLat[] = [...all.map((p) => [p.lon, p.lat] as LonLat), ...sites.flatMap((s) => s.polygon)];
    if (points.length) {
      let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
      for (const [lon, lat] of points) { west = Math.min(west, lon); east = Math.max(east, lon); south = Math.min(south, lat); north = Math.max(north, lat); }
      region = { west: west - REGION_MARGIN_DEG, south: south - REGION_MARGIN_DEG, east: east + REGION_MARGIN_DEG, north: north + REGION_MARGIN_DEG };
    }
    const cones = { from: snapshot, index: new ConeIndex(all.map((p) => ({ ...p }))), region, placements: all };
    if (snapshot === this.held) this.cones = cones;
    return cones;
  }

  async whoSees(p: LonLat): Promise<{ cameraId: string; distanceM: number }[]> {
    return (await this.coneIndex()).index.whoSees(p);
  }

  async importPlacements(format: 'csv' | 'geojson', text: string, skipBad: boolean, actor: Actor): Promise<ImportOutcome> {
    const { region } = await this.coneIndex();
    const parsed = format === 'csv' ? parsePlacementCsv(text, region) : parsePlacementGeoJson(text, region);
    const known = new Set<string>();
    for (const item of parsed.items) if (await this.store.getCamera(item.cameraId)) known.add(item.cameraId);
    const sites = new Set((await this.store.listSites()).map((s) => s.id));
    const checked = rejectItems(parsed, (p) =>
      !known.has(p.cameraId) ? `camera: no camera has id ${p.cameraId}`
      : p.siteId && !sites.has(p.siteId) ? `site: no site has id ${p.siteId}`
      : null);
    const items = acceptImport(checked, skipBad);
    await this.store.putCameraPlacements(items, audit(actor, 'map.import', null, { kind: 'placements', format, imported: items.length, skipped: checked.problems.length }));
    this.invalidate();
    return { imported: items.length, skipped: checked.problems };
  }

  // --- sites ----------------------------------------------------------------------------------

  async sites(): Promise<SiteRow[]> {
    return this.store.listSites();
  }

  async putSite(raw: { id?: string; name?: unknown; kind?: unknown; priority?: unknown; polygon?: unknown }, actor: Actor): Promise<SiteRow> {
    const check = checkSite(raw);
    if (!check.site) throw new MapError('MAP_BAD_INPUT', check.problems.join('; '));
    const now = Date.now();
    const row = await this.store.putSite({ ...check.site, id: check.site.id || this.newId(), createdAt: now, updatedAt: now },
      audit(actor, 'map.site.put', null, { name: check.site.name, kind: check.site.kind, priority: check.site.priority }));
    this.invalidate();
    return row;
  }

  async deleteSite(id: string, actor: Actor): Promise<void> {
    if (!(await this.store.deleteSite(id, audit(actor, 'map.site.delete', null, { id })))) throw new MapError('SITE_NOT_FOUND', `no site has id ${id}`);
    this.invalidate();
  }

  async importSites(text: string, skipBad: boolean, actor: Actor): Promise<ImportOutcome> {
    const parsed: ImportResult<Site> = parseSitesGeoJson(text);
    const items = acceptImport(parsed, skipBad);
    const now = Date.now();
    // One transaction with its audit entry: all the sites or none of them.
    await this.store.putSites(items.map((site) => ({ ...site, id: site.id || this.newId(), createdAt: now, updatedAt: now })),
      audit(actor, 'map.import', null, { kind: 'sites', imported: items.length, skipped: parsed.problems.length }));
    this.invalidate();
    return { imported: items.length, skipped: parsed.problems };
  }

  /**
   * Per site, the share inside a cone. With `visible` (a user scoped to some sites or camera
   * groups), only the cones of the cameras they may see count: the share must not reveal other
   * sites' cameras.
   */
  async coverage(visible?: (cameraId: string) => boolean): Promise<(SiteCoverage & { priority: number; name: string; kind: string })[]> {
    const cones = await this.coneIndex();
    const index = visible ? new ConeIndex(cones.placements.filter((p) => visible(p.cameraId)).map((p) => ({ ...p }))) : cones.index;
    const rows = await this.store.listSites();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return coverageReport(rows.map(toSite), index).map((c) => ({ ...c, name: byId.get(c.siteId)!.name, kind: byId.get(c.siteId)!.kind }));
  }

  async recordBasemapImport(actor: Actor, info: ImportedBasemapInfo): Promise<void> {
    const what = info.kind === 'raster' ? { format: info.format, width: info.width, height: info.height, corners: info.corners } : { tileType: info.tileType, layers: info.vectorLayers.length };
    await this.store.appendAudit(audit(actor, 'map.basemap.import', null, { kind: info.kind, bytes: info.bytes, ...what }));
  }

  // --- outages --------------------------------------------------------------------------------

  async cameraDown(cameraId: string, atMs: number): Promise<void> {
    const p = await this.store.getCameraPlacement(cameraId);
    if (!p) return; // a camera without a position has no place in the outage picture
    this.outages.down(cameraId, [p.lon, p.lat], atMs);
    await this.persistOpen();
  }

  async cameraUp(cameraId: string, atMs: number): Promise<void> {
    const before = new Set(this.outages.current().map((a) => a.id));
    this.outages.up(cameraId, atMs);
    const closed = this.outages.history().filter((a) => before.has(a.id));
    for (const a of closed) await this.store.putOutageArea(toRow(a));
    await this.persistOpen();
  }

  /**
   * Follows camera downs and ups on the event bus into the outage picture; returns the unsubscribe
   * function. A failed update is reported, never thrown at the bus.
   */
  followOutages(bus: EventBus<EventTopics>, onError: (err: Error, cameraId: string) => void): () => void {
    return bus.subscribe('event', (e) => {
      if (!e.cameraId || (e.kind !== 'camera.offline' && e.kind !== 'camera.online')) return;
      const change = e.kind === 'camera.offline' ? this.cameraDown(e.cameraId, e.ts) : this.cameraUp(e.cameraId, e.ts);
      change.catch((err: Error) => onError(err, e.cameraId!));
    });
  }

  /** Open areas are kept with their members, so a restart picks the outage picture up where it was. */
  private async persistOpen(): Promise<void> {
    const state = new Map(this.outages.openState().map((o) => [o.id, o]));
    for (const a of this.outages.current()) {
      const members = state.get(a.id)?.members.map((m) => ({ cameraId: m.cameraId, pos: [m.pos[0], m.pos[1]] as const, downAt: m.downAt, upAt: m.upAt })) ?? null;
      await this.store.putOutageArea({ ...toRow(a), members });
    }
  }

  /**
   * Takes up the open outage areas kept before a restart (call once at start, before following the
   * bus). Returns how many were taken up.
   */
  async restoreOutages(now = Date.now()): Promise<number> {
    const open: OpenOutage[] = (await this.store.listOutageAreas({ fromMs: now, toMs: now, limit: 1000 }))
      .filter((row) => row.endMs === null && row.members?.length)
      .map((row) => ({ id: row.id, startMs: row.startMs, members: row.members!.map((m) => ({ cameraId: m.cameraId, pos: [m.pos[0], m.pos[1]], downAt: m.downAt, upAt: m.upAt })) }));
    this.outages.restore(open);
    return this.outages.current().length;
  }

  /**
   * An outage as a user who sees only some cameras may see it: their cameras, their count and a
   * hull around their cameras only (the full hull would draw where other sites' cameras are);
   * null when none of its cameras is theirs.
   */
  async scopedOutage<T extends { cameraIds: string[]; downIds?: string[]; count: number; hull: readonly (readonly [number, number])[] }>(
    o: T, visible: (cameraId: string) => boolean,
  ): Promise<T | null> {
    const cameraIds = o.cameraIds.filter(visible);
    if (cameraIds.length === o.cameraIds.length) return o;
    if (cameraIds.length === 0) return null;
    const { placements } = await this.coneIndex();
    const mine = new Set(cameraIds);
    const points = placements.filter((p) => mine.has(p.cameraId)).map((p) => [p.lon, p.lat] as LonLat);
    return { ...o, cameraIds, ...(o.downIds ? { downIds: o.downIds.filter(visible) } : {}), count: cameraIds.length, hull: outageHull(points, this.outagePadM) };
  }

  currentOutages(): OutageArea[] {
    return this.outages.current();
  }

  async pastOutages(fromMs: number, toMs: number, limit = 200): Promise<OutageAreaRow[]> {
    return (await this.store.listOutageAreas({ fromMs, toMs, limit })).filter((a) => a.endMs !== null);
  }
}

function toRow(a: OutageArea): OutageAreaRow {
  return { id: a.id, startMs: a.startMs, endMs: a.endMs, count: a.count, cameraIds: a.cameraIds, hull: a.hull as (readonly [number, number])[], members: null };
}
