// The HTTP API and the live WebSocket, on Fastify. Routes are schema-first: the same TypeBox schema
// validates the request and writes the OpenAPI description at /api/openapi.json.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { SESSION_COOKIE, authorize } from '../access/index.ts';
import type { ApiDeps, Guard } from './types.ts';
import { toHttpError } from './error-map.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerCameraRoutes } from './camera-routes.ts';
import { registerLiveRoute } from './live-route.ts';
import { registerAlarmRoutes } from './alarm-routes.ts';
import { registerAnalyticsRoutes } from './analytics-routes.ts';
import { registerEventRoutes } from './event-routes.ts';
import { registerLockRoutes } from './lock-routes.ts';
import { registerPlaybackRoutes } from './playback-routes.ts';
import { registerExportRoutes } from './export-routes.ts';
import { registerMapRoutes } from './map-routes.ts';
import { registerClusterRoutes } from './cluster-routes.ts';
import { registerMetricsRoute } from './metrics-route.ts';
import { registerCameraImportRoute } from './camera-import-route.ts';

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ part: 'api' }) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit,
    // One log line per request would drown the events that matter (and could carry query strings).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vigil API', version: deps.version, description: 'Every route except /api/health and POST /api/session needs a session cookie (vigil_session) and a permission.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
  });
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/')) req.principal = await deps.auth.resolve(req.cookies[SESSION_COOKIE]);
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body, headers } = toHttpError(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.debug({ code: body.error.code, url: req.url }, 'client error');
    if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    reply.status(status).send(body);
  });

  const guard: Guard = (req, action, resource) => authorize(req.principal, action, resource);

  app.get('/api/health', { schema: { security: [], tags: ['system'], summary: 'Liveness (no session needed)' } }, async () => ({
    status: 'ok',
    version: deps.version,
  }));

  app.get('/api/openapi.json', { schema: { hide: true } }, async (req) => {
    guard(req, 'camera.list', { type: 'cameras' });
    return app.swagger();
  });

  // First: its hook sends requests for video on another node's disk there (issue 15).
  registerClusterRoutes(app, deps, guard);
  registerMetricsRoute(app, deps, guard, deps.metricsToken);
  registerSessionRoutes(app, deps);
  registerCameraImportRoute(app, deps, guard);
  registerCameraRoutes(app, deps, guard);
  registerLiveRoute(app, deps, guard);
  registerAlarmRoutes(app, deps, guard);
  registerAnalyticsRoutes(app, deps, guard);
  registerEventRoutes(app, deps, guard);
  registerLockRoutes(app, deps.store, guard);
  registerPlaybackRoutes(app, deps, guard);
  registerExportRoutes(app, deps, guard);
  if (deps.map) registerMapRoutes(app, { ...deps.map, runtime: deps.runtime }, guard);

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !deps.webDir || !existsSync(deps.webDir)) {
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
      return;
    }
    // The single-page app handles its own routes.
    reply.type('text/html').sendFile('index.html');
  });
  if (deps.webDir && existsSync(deps.webDir)) {
    await app.register(fastifyStatic, { root: deps.webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  return app;
}
