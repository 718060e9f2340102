import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { CameraPlacementRow, CameraRow, ScopeRef } from '../store/index.ts';
import type { CameraStatus } from '../live/index.ts';
import type { ApiDeps, Guard } from './types.ts';
import { auditAccess } from './request-checks.ts';
import { ScopeRefSchema, CameraCreateBody, CameraListQuery, CameraParams, CameraPatchBody, CameraSchema, ErrorSchema, RecordingsQuery, SegmentSchema } from './schemas.ts';

type Position = Omit<CameraPlacementRow, 'cameraId'>;

function positionOf(p: CameraPlacementRow | undefined | null): Position | null {
  if (!p) return null;
  const { cameraId: _id, ...position } = p;
  return { lon: position.lon, lat: position.lat, bearing: position.bearing, angle: position.angle, range: position.range, ptz: position.ptz, siteId: position.siteId };
}

/** configVisible: URLs and the camera's user name are configuration, not for every viewer. */
export function cameraView(row: CameraRow, status: CameraStatus, position: Position | null = null, configVisible = true) {
  return {
    id: row.id,
    name: row.name,
    url: configVisible ? row.url : null,
    subUrl: configVisible ? row.subUrl : null,
    username: configVisible ? row.username : null,
    hasPassword: row.passwordEnc !== null,
    transport: row.transport,
    enabled: row.enabled,
    record: row.record,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    status,
    position,
  };
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export function registerCameraRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const one = Type.Object({ camera: CameraSchema });
  const configVisible = (req: FastifyRequest, id: string) => guard.can(req.principal!, 'camera.config.read', { type: 'camera', id });
  const viewFor = (req: FastifyRequest) => async (row: CameraRow) =>
    cameraView(row, deps.runtime.status(row.id), positionOf(await deps.store.getCameraPlacement(row.id)), configVisible(req, row.id));

  app.get<{ Querystring: Static<typeof CameraListQuery> }>(
    '/api/cameras',
    {
      schema: {
        tags: ['cameras'],
        summary: 'Cameras with their health and map position, by id, a page at a time (at most `limit`, default 5,000; `next` is the cursor for `after`). '
          + '`site` or `group` (both: either) keep the cameras of those scopes; a user scoped to sites and groups gets only theirs (and filters by their own sites and groups only). `total` counts the cameras of the filter, else of the user\'s scopes, else all.',
        querystring: CameraListQuery,
        response: { 200: Type.Object({ cameras: Type.Array(CameraSchema), total: Type.Integer(), next: Type.Union([Type.String(), Type.Null()]) }), ...errors },
      },
    },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const limit = req.query.limit ?? 5000;
      const after = req.query.after;
      const filter: ScopeRef[] = [
        ...(req.query.site !== undefined ? [{ kind: 'site' as const, id: req.query.site }] : []),
        ...(req.query.group !== undefined ? [{ kind: 'group' as const, id: req.query.group }] : []),
      ];
      // Which scopes the store reads by: the filter's, else a scoped user's own (their page is then
      // theirs exactly, not 5,000 of the city's cameras filtered down to a few), else none (all).
      // A scoped user's filter keeps only their own scopes: the total of another site's cameras
      // is not theirs to learn.
      const mine = (s: ScopeRef) => user.scopes === null || user.scopes.some((u) => u.kind === s.kind && u.id === s.id);
      const scopes = filter.length ? filter.filter(mine) : user.scopes;
      const [rows, total] = await Promise.all([
        scopes === null ? deps.store.listCamerasPage({ afterId: after, limit }) : deps.store.listCamerasInScopes({ scopes: [...scopes], afterId: after, limit }),
        scopes === null ? deps.store.countCameras() : deps.store.countCamerasInScopes([...scopes]),
      ]);
      const last = rows[rows.length - 1];
      const placements = !last ? []
        : scopes === null ? await deps.store.listCameraPlacements({ afterId: after, throughId: last.id, limit: rows.length })
        : await deps.store.listCameraPlacements({ cameraIds: rows.map((r) => r.id), limit: rows.length });
      const byId = new Map(placements.map((p) => [p.cameraId, p]));
      return {
        // Checked again per camera (scopes can change between the query and here).
        cameras: rows
          .filter((row) => guard.can(user, 'camera.read', { type: 'camera', id: row.id }))
          .map((row) => cameraView(row, deps.runtime.status(row.id), positionOf(byId.get(row.id)), configVisible(req, row.id))),
        total,
        next: rows.length === limit && last ? last.id : null,
      };
    },
  );

  app.post<{ Body: Static<typeof CameraCreateBody> }>(
    '/api/cameras',
    { schema: { tags: ['cameras'], summary: 'Add a camera', body: CameraCreateBody, response: { 201: one, ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'camera.create', { type: 'cameras' });
      const row = await deps.cameras.create(req.body, { id: user.id, ip: req.ip });
      reply.status(201);
      return { camera: await viewFor(req)(row) };
    },
  );

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id',
    { schema: { tags: ['cameras'], summary: 'One camera', params: CameraParams, response: { 200: one, ...errors } } },
    async (req) => {
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      return { camera: await viewFor(req)(await deps.cameras.get(req.params.id)) };
    },
  );

  app.patch<{ Params: Static<typeof CameraParams>; Body: Static<typeof CameraPatchBody> }>(
    '/api/cameras/:id',
    { schema: { tags: ['cameras'], summary: 'Change a camera', params: CameraParams, body: CameraPatchBody, response: { 200: one, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      return { camera: await viewFor(req)(await deps.cameras.update(req.params.id, req.body, { id: user.id, ip: req.ip })) };
    },
  );

  app.delete<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id',
    { schema: { tags: ['cameras'], summary: 'Remove a camera (its recordings stay until retention)', params: CameraParams, response: errors } },
    async (req, reply) => {
      const user = guard(req, 'camera.delete', { type: 'camera', id: req.params.id });
      await deps.cameras.remove(req.params.id, { id: user.id, ip: req.ip });
      reply.status(204).send();
    },
  );

  app.get<{ Params: Static<typeof CameraParams>; Querystring: Static<typeof RecordingsQuery> }>(
    '/api/cameras/:id/recordings',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Recorded segments of a camera overlapping a time range (audited)',
        params: CameraParams,
        querystring: RecordingsQuery,
        response: { 200: Type.Object({ segments: Type.Array(SegmentSchema) }), ...errors },
      },
    },
    async (req) => {
      const user = guard(req, 'recording.list', { type: 'camera', id: req.params.id });
      const { from, to, limit } = req.query;
      if (to < from) throw Object.assign(new Error('querystring/to must not be before from'), { statusCode: 400, validation: true });
      await deps.cameras.get(req.params.id);
      await auditAccess(deps.store, req, 'recording.list', req.params.id, { from, to });
      const segs = await deps.store.listSegments(req.params.id, from, to, limit ?? 1000);
      return { segments: segs.map((s) => ({ startMs: s.startMs, endMs: s.endMs, bytes: s.bytes })) };
    },
  );

  const ScopesBody = Type.Object({ scopes: Type.Array(ScopeRefSchema, { maxItems: 50 }) }, { additionalProperties: false });
  app.put<{ Params: Static<typeof CameraParams>; Body: Static<typeof ScopesBody> }>(
    '/api/cameras/:id/scopes',
    { schema: { tags: ['cameras'], summary: 'The sites and camera groups a camera belongs to (what scoped grants cover; audited before/after)', params: CameraParams, body: ScopesBody, response: { 200: ScopesBody, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const scopes = deps.cameraScopes;
      if (!scopes) throw Object.assign(new Error('camera scopes are not configured on this server'), { statusCode: 404 });
      const before = scopes.scopesOf(req.params.id);
      await scopes.set(req.params.id, req.body.scopes, { actor: user.id, ip: req.ip, action: 'camera.scopes', cameraId: req.params.id, details: { changes: { scopes: { before, after: req.body.scopes } } } });
      return { scopes: [...scopes.scopesOf(req.params.id)] };
    },
  );
}
