// The security map's routes (issue 11): camera placements and the viewport query, sites, who sees a
// point, coverage, outage areas, imports, and the built-in basemap.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { viewGrid, type MapService } from '../map/index.ts';
import { registerBasemapRoutes } from './map-basemap-routes.ts';
import type { PlacementWithCamera } from '../store/index.ts';
import type { CameraRuntime } from '../live/index.ts';
import type { Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';
import {
  BBoxQuerySchema, CoverageSchema, IdParams, ImportBody, ImportResultSchema, MapCameraSchema, OutageSchema, OutagesQuery, PlacementBody,
  PositionSchema, SiteBody, SiteSchema, ViewQuerySchema, ViewSchema, WhoSeesQuery,
} from './map-schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 413: ErrorSchema };
const tags = ['map'];
/** A city's placements as CSV are ~5 MB; the map part refuses above 20 MB with its own message. */
const IMPORT_BODY_LIMIT = 24 * 1024 * 1024;

export interface MapApiDeps {
  map: MapService;
  runtime: CameraRuntime;
  /** GeoJSON of the built-in basemap (streets, blocks, labels) or null: the map then draws a plain grid. */
  basemap?: () => Promise<unknown | null>;
  /** Where an imported basemap (PMTiles, MBTiles or a georeferenced image) is kept (absent: no import). */
  basemapDir?: string;
  /** The TrueType font the map's label glyphs are built from (default: Debian's DejaVu Sans). */
  glyphFont?: string;
}

/** 1e-7 degrees is about a centimetre: more digits only make the list of 100,000 cameras longer. */
const roundDeg = (x: number) => Math.round(x * 1e7) / 1e7;

function parseBBox(text: string): { west: number; south: number; east: number; north: number } {
  const [west, south, east, north] = text.split(',').map(Number) as [number, number, number, number];
  if (![west, south, east, north].every(Number.isFinite) || west > east || south > north || south < -90 || north > 90) {
    throw Object.assign(new Error('querystring/bbox: expected west,south,east,north with west ≤ east and south ≤ north'), { statusCode: 400, validation: true });
  }
  return { west, south, east, north };
}

export function registerMapRoutes(app: FastifyInstance, deps: MapApiDeps, guard: Guard): void {
  const actor = (id: string, ip: string) => ({ id, ip });
  const mapCamera = (p: PlacementWithCamera) => ({
    id: p.cameraId, name: p.name, lon: roundDeg(p.lon), lat: roundDeg(p.lat), bearing: p.bearing, angle: p.angle, range: p.range, ptz: p.ptz, siteId: p.siteId,
    state: p.enabled ? deps.runtime.status(p.cameraId).state : 'disabled' as const,
    recording: p.record,
  });

  app.get<{ Querystring: Static<typeof BBoxQuerySchema> }>(
    '/api/map/cameras',
    {
      schema: {
        tags, summary: 'Placed cameras (in a bounding box when given) with their state',
        querystring: BBoxQuerySchema,
        response: { 200: Type.Object({ cameras: Type.Array(MapCameraSchema), truncated: Type.Boolean() }), ...errors },
      },
    },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const limit = req.query.limit ?? 100_000;
      const bbox = req.query.bbox ? parseBBox(req.query.bbox) : undefined;
      let all: PlacementWithCamera[];
      if (req.query.ids !== undefined) {
        const snapshot = await deps.map.snapshot();
        const wanted = [...new Set(req.query.ids.split(',').filter(Boolean))].slice(0, limit + 1);
        all = wanted.map((id) => snapshot.index.get(id)).filter((i) => i !== undefined).map((i) => snapshot.rows[i]!);
      } else all = bbox ? await deps.map.placements({ bbox, limit: limit + 1 }) : (await deps.map.allPlacements()).slice(0, limit + 1);
      // A user scoped to sites or camera groups sees only those cameras on the map.
      const rows = user.scopes === null ? all : all.filter((p) => guard.can(user, 'camera.read', { type: 'camera', id: p.cameraId }));
      return { truncated: rows.length > limit, cameras: rows.slice(0, limit).map(mapCamera) };
    },
  );

  app.get<{ Querystring: Static<typeof ViewQuerySchema> }>(
    '/api/map/view',
    {
      schema: {
        tags, summary: 'What the map draws for a viewport at a zoom: cameras clustered on a grid of screen cells, one by one when few or close in',
        querystring: ViewQuerySchema,
        response: { 200: ViewSchema, ...errors },
      },
    },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const box = parseBBox(req.query.bbox);
      const snapshot = await deps.map.snapshot();
      const { rows } = snapshot;
      // A user scoped to sites or camera groups sees (and counts) only those cameras.
      let points = snapshot.points;
      let visible: number[] | null = null;
      if (user.scopes !== null) {
        visible = [];
        for (let i = 0; i < rows.length; i++) if (guard.can(user, 'camera.read', { type: 'camera', id: rows[i]!.cameraId })) visible.push(i);
        points = { lon: Float64Array.from(visible, (i) => snapshot.points.lon[i]!), lat: Float64Array.from(visible, (i) => snapshot.points.lat[i]!), length: visible.length };
      }
      const row = (i: number) => rows[visible ? visible[i]! : i]!;
      const down = (i: number) => { const p = row(i); return p.enabled && deps.runtime.status(p.cameraId).state === 'offline'; };
      const grid = viewGrid(points, box, req.query.zoom, down);
      let extent: number[] | null = null;
      if (visible === null) extent = snapshot.extent ? [snapshot.extent.west, snapshot.extent.south, snapshot.extent.east, snapshot.extent.north] : null;
      else if (points.length) {
        extent = [Infinity, Infinity, -Infinity, -Infinity];
        for (let i = 0; i < points.length; i++) {
          extent = [Math.min(extent[0]!, points.lon[i]!), Math.min(extent[1]!, points.lat[i]!), Math.max(extent[2]!, points.lon[i]!), Math.max(extent[3]!, points.lat[i]!)];
        }
      }
      return {
        clusters: grid.clusters.map((c) => ({ id: c.id, lon: roundDeg(c.lon), lat: roundDeg(c.lat), count: c.count, down: c.down, bbox: [c.bbox.west, c.bbox.south, c.bbox.east, c.bbox.north] })),
        cameras: grid.singles.map((i) => mapCamera(row(i))),
        total: grid.total,
        detailed: grid.detailed,
        extent,
      };
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof PlacementBody> }>(
    '/api/map/cameras/:id',
    { schema: { tags, summary: 'Place a camera, or move it, turn or widen its cone (audited)', params: IdParams, body: PlacementBody, response: { 200: Type.Object({ position: PositionSchema }), ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      const p = await deps.map.place(req.params.id, req.body, actor(user.id, req.ip));
      return { position: { lon: p.lon, lat: p.lat, bearing: p.bearing, angle: p.angle, range: p.range, ptz: p.ptz, siteId: p.siteId } };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/map/cameras/:id',
    { schema: { tags, summary: 'Take a camera off the map (it keeps working everywhere else)', params: IdParams, response: errors } },
    async (req, reply) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      if (!(await deps.map.unplace(req.params.id, actor(user.id, req.ip)))) {
        reply.status(404).send({ error: { code: 'NOT_FOUND', message: `camera ${req.params.id} has no position` } });
        return;
      }
      reply.status(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof WhoSeesQuery> }>(
    '/api/map/who-sees',
    { schema: { tags, summary: 'Cameras whose cone holds a point, nearest first', querystring: WhoSeesQuery, response: { 200: Type.Object({ cameras: Type.Array(Type.Object({ id: Type.String(), distanceM: Type.Number() })) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const seen = (await deps.map.whoSees([req.query.lon, req.query.lat])).filter((s) => guard.can(user, 'camera.read', { type: 'camera', id: s.cameraId }));
      return { cameras: seen.map((s) => ({ id: s.cameraId, distanceM: Math.round(s.distanceM * 10) / 10 })) };
    },
  );

  app.get('/api/map/sites', { schema: { tags, summary: 'Sites ("important points")', response: { 200: Type.Object({ sites: Type.Array(SiteSchema) }), ...errors } } }, async (req) => {
    guard(req, 'camera.list', { type: 'cameras' });
    return { sites: await deps.map.sites() };
  });

  app.post<{ Body: Static<typeof SiteBody> }>(
    '/api/map/sites',
    { schema: { tags, summary: 'Add a site (audited)', body: SiteBody, response: { 201: Type.Object({ site: SiteSchema }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'camera.update', { type: 'cameras' });
      reply.status(201);
      return { site: await deps.map.putSite(req.body, actor(user.id, req.ip)) };
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof SiteBody> }>(
    '/api/map/sites/:id',
    { schema: { tags, summary: 'Create or replace a site by id (audited)', params: IdParams, body: SiteBody, response: { 200: Type.Object({ site: SiteSchema }), ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'cameras' });
      return { site: await deps.map.putSite({ ...req.body, id: req.params.id }, actor(user.id, req.ip)) };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/api/map/sites/:id',
    { schema: { tags, summary: 'Remove a site (audited)', params: IdParams, response: errors } },
    async (req, reply) => {
      const user = guard(req, 'camera.update', { type: 'cameras' });
      await deps.map.deleteSite(req.params.id, actor(user.id, req.ip));
      reply.status(204).send();
    },
  );

  app.get('/api/map/coverage', { schema: { tags, summary: 'Per site: the cameras that see it and the share of its area inside a cone; worst first', response: { 200: Type.Object({ sites: Type.Array(CoverageSchema), elapsedMs: Type.Number() }), ...errors } } }, async (req) => {
    const user = guard(req, 'camera.list', { type: 'cameras' });
    const t0 = performance.now();
    const visible = (id: string) => guard.can(user, 'camera.read', { type: 'camera', id });
    // A scoped user's coverage counts their cameras' cones only.
    const sites = user.scopes === null ? await deps.map.coverage() : await deps.map.coverage(visible);
    return { sites, elapsedMs: Math.round(performance.now() - t0) };
  });

  app.get<{ Querystring: Static<typeof OutagesQuery> }>(
    '/api/map/outages',
    { schema: { tags, summary: 'Outage areas now (cameras down together) and in the past, with their hulls', querystring: OutagesQuery, response: { 200: Type.Object({ current: Type.Array(OutageSchema), past: Type.Array(OutageSchema) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const to = req.query.to ?? Date.now();
      const from = req.query.from ?? to - 24 * 3600_000;
      const current = deps.map.currentOutages();
      const past = await deps.map.pastOutages(from, to);
      if (user.scopes === null) return { current, past };
      // A scoped user sees the outages of their cameras: their count, a hull around their cameras only.
      const visible = (id: string) => guard.can(user, 'camera.read', { type: 'camera', id });
      const mine = async <T extends Parameters<typeof deps.map.scopedOutage>[0]>(list: T[]): Promise<T[]> => {
        const out: T[] = [];
        for (const o of list) {
          const seen = await deps.map.scopedOutage(o, visible);
          if (seen) out.push(seen);
        }
        return out;
      };
      return { current: await mine(current), past: await mine(past) };
    },
  );

  app.post<{ Body: Static<typeof ImportBody> }>(
    '/api/map/import/placements',
    { bodyLimit: IMPORT_BODY_LIMIT, schema: { tags, summary: 'Import camera placements from CSV (camera, lon, lat, bearing, angle, range, site) or GeoJSON points; all or nothing unless skipBad', body: ImportBody, response: { 200: ImportResultSchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'cameras' });
      return deps.map.importPlacements(req.body.format, req.body.data, req.body.skipBad ?? false, actor(user.id, req.ip));
    },
  );

  app.post<{ Body: Static<typeof ImportBody> }>(
    '/api/map/import/sites',
    { bodyLimit: IMPORT_BODY_LIMIT, schema: { tags, summary: 'Import sites from GeoJSON polygons (name, kind, priority); all or nothing unless skipBad', body: ImportBody, response: { 200: ImportResultSchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'cameras' });
      if (req.body.format !== 'geojson') throw Object.assign(new Error('body/format: sites import from GeoJSON only'), { statusCode: 400, validation: true });
      return deps.map.importSites(req.body.data, req.body.skipBad ?? false, actor(user.id, req.ip));
    },
  );

  registerBasemapRoutes(app, deps, guard);

  app.get('/api/map/basemap.geojson', { schema: { tags, summary: 'The built-in basemap (streets, blocks, labels) as GeoJSON; 404 when there is none' } }, async (req, reply) => {
    guard(req, 'camera.list', { type: 'cameras' });
    const doc = deps.basemap ? await deps.basemap() : null;
    if (!doc) {
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no built-in basemap: import one, or the map draws a plain grid' } });
      return;
    }
    reply.type('application/geo+json');
    return doc;
  });
}
