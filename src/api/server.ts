// The HTTP API and the live WebSocket, on Fastify. Routes are schema-first: the same TypeBox schema
// validates the request and writes the OpenAPI description at /api/openapi.json.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Action, Principal, Resource } from '../access/index.ts';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { NO_CAMERA_SCOPES, SESSION_COOKIE, authorize, can } from '../access/index.ts';
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
import { registerPrivacyRoutes } from './privacy-routes.ts';
import { registerTransparencyRoutes } from './transparency-routes.ts';
import { registerRetentionRoutes } from './retention-routes.ts';
import { registerDataRetentionRoutes } from './data-retention-routes.ts';
import { installAccessGate, refusalAuditor } from './access-gate.ts';
import { refuseNonFiniteNumbers } from './finite-numbers.ts';
import { registerUserRoutes } from './user-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';

/**
 * The web app loads its scripts and styles from this server only; inline styles are React's
 * style attributes. Video and pictures come as blob: URLs; the live video and alarms over ws(s).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
import { registerMapRoutes } from './map-routes.ts';
import { registerClusterRoutes } from './cluster-routes.ts';
import { registerTrafficRoutes, registerEvidenceRoutes } from './traffic-routes.ts';
import { registerRuleDrawingRoutes } from './rule-drawing-routes.ts';
import { registerMetricsRoute } from './metrics-route.ts';
import { registerCameraImportRoute } from './camera-import-route.ts';
import { registerWallRoutes } from './wall-routes.ts';
import { registerBookmarkRoutes } from './bookmark-routes.ts';
import { registerIntegrationRoutes } from './integration-routes.ts';
import { registerOnvifRoutes } from './onvif-routes.ts';

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ part: 'api' }) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit,
    // One log line per request would drown the events that matter (and could carry query strings).
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a reverse proxy every client would otherwise have the proxy's address: sign-in throttling
    // and the audit log need the client's (server.trustProxy names the proxies to believe).
    trustProxy: deps.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vigil API', version: deps.version, description: 'Every route except /api/health and POST /api/session needs a session cookie (vigil_session) and a permission.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
    // @fastify/websocket hides its routes from the description; the two WebSockets are API too
    // (an upgrade of a GET; the fuzzer and clients read them here).
    transform: ({ schema, url, route }) =>
      (route as { websocket?: boolean }).websocket
        ? { schema: { ...schema, hide: false, description: `${(schema as { description?: string })?.description ?? ''} WebSocket: upgrade this GET (same origin, session cookie).`.trim() }, url }
        : { schema, url },
  });
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  // Only JSON bodies: a text/plain body is what a cross-site form can send without a preflight.
  app.removeContentTypeParser('text/plain');

  const scopes = deps.cameraScopes ?? NO_CAMERA_SCOPES;
  app.decorateRequest('principal', null);
  installAccessGate(app, deps, scopes);
  app.addHook('preHandler', refuseNonFiniteNumbers);

  const auditRefusal = refusalAuditor(deps);
  app.setErrorHandler(async (err, req, reply) => {
    const { status, body, headers } = toHttpError(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.debug({ code: body.error.code, url: req.url }, 'client error');
    await auditRefusal(req, status, body.error.code);
    if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    return reply.status(status).send(body);
  });

  const guard: Guard = Object.assign((req: FastifyRequest, action: Action, resource: Resource) => authorize(req.principal, action, resource, scopes), {
    can: (p: Principal, action: Action, resource: Resource) => can(p, action, resource, scopes),
  });

  app.get('/api/health', { schema: { security: [], tags: ['system'], summary: 'Liveness (no session needed)' } }, async () => ({
    status: 'ok',
    version: deps.version,
  }));

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // First: its hook sends requests for video on another node's disk there (issue 15).
  registerClusterRoutes(app, deps, guard);
  registerMetricsRoute(app, deps, guard, deps.metricsToken);
  registerSessionRoutes(app, deps);
  registerCameraImportRoute(app, deps, guard);
  registerIntegrationRoutes(app, deps, guard);
  registerOnvifRoutes(app, deps, guard);
  registerCameraRoutes(app, deps, guard);
  registerLiveRoute(app, deps, guard);
  registerAlarmRoutes(app, deps, guard);
  registerAnalyticsRoutes(app, deps, guard);
  registerTrafficRoutes(app, deps, guard);
  registerRuleDrawingRoutes(app, deps, guard);
  registerEvidenceRoutes(app, deps, guard);
  registerEventRoutes(app, deps, guard);
  registerLockRoutes(app, deps.store, guard);
  registerPlaybackRoutes(app, deps, guard);
  registerExportRoutes(app, deps, guard);
  registerPrivacyRoutes(app, deps, guard);
  registerTransparencyRoutes(app, deps);
  registerRetentionRoutes(app, deps, guard);
  registerDataRetentionRoutes(app, deps, guard);
  registerUserRoutes(app, deps, guard);
  registerAuditRoutes(app, deps, guard);
  // issue 12: the video wall's saved layouts, an investigation's bookmarks
  registerWallRoutes(app, deps, guard);
  registerBookmarkRoutes(app, deps, guard);
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
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  });
  return app;
}
