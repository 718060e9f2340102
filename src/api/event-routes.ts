// System events (camera offline/online, disk full, retention, ...) and the recordings volume's
// storage, for operators and engineers.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { CameraParams, ErrorSchema, EventSchema, StorageSchema, TimeMs } from './schemas.ts';

const MAX_EVENT_LIMIT = 5000;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const EventsQuery = Type.Object(
  {
    from: TimeMs(),
    to: TimeMs(),
    camera: Type.Optional(CameraParams.properties.id),
    kind: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EVENT_LIMIT })),
  },
  { additionalProperties: false },
);

export function registerEventRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/api/events',
    { schema: { tags: ['events'], summary: 'System events (disk full, retention, ...) in a time range, newest first', querystring: EventsQuery, response: { 200: Type.Object({ events: Type.Array(EventSchema) }), ...errors } } },
    async (req) => {
      guard(req, 'event.list', req.query.camera ? { type: 'camera', id: req.query.camera } : { type: 'cameras' });
      const { from, to, camera, kind, limit } = req.query;
      return { events: await deps.events.search({ fromMs: from, toMs: to, cameraId: camera, kind, limit: limit ?? 1000 }) };
    },
  );

  const { retention } = deps;
  if (!retention) return;
  app.get(
    '/api/storage',
    { schema: { tags: ['system'], summary: 'Recordings volume: size, free space, bytes recorded, quota', response: { 200: StorageSchema, ...errors } } },
    async (req) => {
      guard(req, 'storage.read', { type: 'cameras' });
      return { volumes: [await retention.usage()] };
    },
  );
}
