// The security map's routes (issue 11): camera placements and the viewport query, sites, who sees a
// point, coverage, outage areas, imports, and the built-in basemap.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { mkdirSync, openSync, readSync, closeSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { checkPmtiles, type MapService } from '../map/index.ts';
import type { CameraRuntime } from '../live/index.ts';
import type { Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';
import {
  BBoxQuerySchema, CoverageSchema, IdParams, ImportBody, ImportResultSchema, MapCameraSchema, OutageSchema, OutagesQuery, PlacementBody,
  PositionSchema, SiteBody, SiteSchema, WhoSeesQuery,
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
  /** Where an imported PMTiles basemap is kept (absent: no import). */
  basemapDir?: string;
}

/** A city's vector basemap runs to hundreds of MB; larger is refused by Fastify with 413. */
const BASEMAP_BODY_LIMIT = 1024 * 1024 * 1024;

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
      // A user scoped to sites or camera groups sees only those cameras on the map.
      const all = bbox ? await deps.map.placements({ bbox, limit: limit + 1 }) : (await deps.map.allPlacements()).slice(0, limit + 1);
      const rows = user.scopes === null ? all : all.filter((p) => guard.can(user, 'camera.read', { type: 'camera', id: p.cameraId }));
      const truncated = rows.length > limit;
      return {
        truncated,
        // A scoped user sees the cameras of their sites and groups only.
        cameras: rows.slice(0, limit).filter((p) => guard.can(user, 'camera.read', { type: 'camera', id: p.cameraId })).map((p) => ({
          id: p.cameraId, name: p.name, lon: roundDeg(p.lon), lat: roundDeg(p.lat), bearing: p.bearing, angle: p.angle, range: p.range, ptz: p.ptz, siteId: p.siteId,
          state: p.enabled ? deps.runtime.status(p.cameraId).state : 'disabled' as const,
          recording: p.record,
        })),
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

  const pmtilesFile = deps.basemapDir ? path.join(deps.basemapDir, 'basemap.pmtiles') : null;
  const infoFile = deps.basemapDir ? path.join(deps.basemapDir, 'basemap.json') : null;
  app.addContentTypeParser('application/vnd.pmtiles', { parseAs: 'buffer', bodyLimit: BASEMAP_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post('/api/map/basemap', {
    bodyLimit: BASEMAP_BODY_LIMIT,
    schema: { tags, summary: 'Import the city\'s basemap: a PMTiles v3 archive as the body (content-type application/vnd.pmtiles); a corrupt file is refused with the reason (audited)', response: { 200: Type.Object({ basemap: Type.Unknown() }), ...errors } },
  }, async (req) => {
    const user = guard(req, 'camera.update', { type: 'cameras' });
    if (!pmtilesFile || !infoFile || !deps.basemapDir) throw Object.assign(new Error('basemap import is not configured on this server'), { statusCode: 404 });
    if (!Buffer.isBuffer(req.body)) throw Object.assign(new Error('body: expected the PMTiles file with content-type application/vnd.pmtiles'), { statusCode: 400, validation: true });
    const info = await checkPmtiles(req.body);
    mkdirSync(deps.basemapDir, { recursive: true });
    writeFileSync(`${pmtilesFile}.tmp`, req.body);
    renameSync(`${pmtilesFile}.tmp`, pmtilesFile);
    writeFileSync(infoFile, JSON.stringify(info));
    await deps.map.recordBasemapImport(actor(user.id, req.ip), info);
    return { basemap: info };
  });

  app.get('/api/map/basemap', { schema: { tags, summary: 'Which basemap the map draws: an imported PMTiles archive, the built-in one, or none' } }, async (req) => {
    guard(req, 'camera.list', { type: 'cameras' });
    if (pmtilesFile && infoFile && existsSync(pmtilesFile) && existsSync(infoFile)) return { basemap: JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(infoFile, 'utf8'))) as unknown };
    const builtIn = deps.basemap ? await deps.basemap() : null;
    return { basemap: builtIn ? { kind: 'geojson' } : { kind: 'none' } };
  });

  // Range requests, as the PMTiles reader in the browser asks for a few KB at a time.
  app.get('/api/map/basemap.pmtiles', { schema: { tags, summary: 'The imported PMTiles archive (HTTP range requests)' } }, async (req, reply) => {
    guard(req, 'camera.list', { type: 'cameras' });
    if (!pmtilesFile || !existsSync(pmtilesFile)) {
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no basemap was imported' } });
      return;
    }
    const size = statSync(pmtilesFile).size;
    const m = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (start >= size || end < start) {
      reply.status(416).header('content-range', `bytes */${size}`).send();
      return;
    }
    const buf = Buffer.alloc(end - start + 1);
    const fd = openSync(pmtilesFile, 'r');
    try { readSync(fd, buf, 0, buf.length, start); } finally { closeSync(fd); }
    reply.header('accept-ranges', 'bytes').type('application/vnd.pmtiles');
    if (m) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    return reply.send(buf);
  });

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
