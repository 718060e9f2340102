// The gate every /api request passes before validation, lookups or handlers: the session is
// resolved, state changes from another origin are refused, and the route table's permission is
// checked through access's one `authorize`. Unknown ids can then not be probed without a session
// (a 404 only ever answers someone allowed to ask), and a route nobody put in the table is refused.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { AccessError, RefusalLimiter, SESSION_COOKIE, authorize, type Action, type CameraScopeLookup, type Principal, type Resource } from '../access/index.ts';
import type { ApiDeps } from './types.ts';
import { ROUTE_PERMISSIONS, routeKey, type RoutePermission } from './route-permissions.ts';
import { sameOrigin } from './request-checks.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function permissionOf(method: string, url: string | undefined): RoutePermission | undefined {
  if (!url) return undefined;
  return ROUTE_PERMISSIONS[routeKey(method === 'HEAD' ? 'GET' : method, url)];
}

function resourceFor(perm: Extract<RoutePermission, { action: Action }>, req: FastifyRequest): Resource {
  if (perm.on === 'camera') return { type: 'camera', id: String((req.params as { id?: unknown }).id ?? '') };
  return { type: perm.on };
}

export function installAccessGate(app: FastifyInstance, deps: ApiDeps, cameras: CameraScopeLookup): void {
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    req.principal = await deps.auth.resolve(req.cookies[SESSION_COOKIE]);
    // SameSite cookies alone let a text/plain POST from another origin through in some browsers:
    // a browser always names the origin of a cross-site state change, and it must be this host.
    if (!SAFE_METHODS.has(req.method) && (!sameOrigin(req.headers.origin, req.headers.host) || req.headers['sec-fetch-site'] === 'cross-site')) {
      throw new AccessError('FORBIDDEN', 'requests that change something must come from this site (Origin mismatch)', { reason: 'CROSS_ORIGIN' });
    }
    const url = req.routeOptions.url;
    if (!url) {
      // No such route: the 404 is for signed-in users only.
      if (!req.principal) throw new AccessError('AUTH_REQUIRED', 'sign in first');
      return;
    }
    const perm = permissionOf(req.method, url);
    if (!perm) {
      req.log.error({ route: routeKey(req.method, url) }, 'route missing from the permission table; refused');
      throw new AccessError('FORBIDDEN', 'this route is not in the permission table');
    }
    if ('public' in perm) return;
    // The handler checks the token (metrics scrapers have no session).
    if ('bearer' in perm && !req.principal && /^Bearer /i.test(req.headers.authorization ?? '')) return;
    if ('signedIn' in perm) {
      if (!req.principal) throw new AccessError('AUTH_REQUIRED', 'sign in first');
      return;
    }
    authorize(req.principal, perm.action, resourceFor(perm, req), cameras);
  });
}

/**
 * Refused requests (401, 403) go into the audit log — at most 10 per source address a minute,
 * the next one saying how many were left out — so a flood cannot fill the log.
 */
export function refusalAuditor(deps: ApiDeps): (req: FastifyRequest, status: number, code: string) => Promise<void> {
  const limiter = new RefusalLimiter({ perWindow: 10, windowMs: 60_000 });
  return async (req, status, code) => {
    if (status !== 401 && status !== 403) return;
    const url = req.routeOptions.url;
    // Failed sign-ins have their own entries (login.failure, login.throttled).
    if (url === '/api/session' && req.method === 'POST') return;
    const admitted = limiter.admit(req.ip, Date.now());
    if (!admitted) return;
    const perm = permissionOf(req.method, url);
    const cameraId = perm && 'on' in perm && perm.on === 'camera' ? String((req.params as { id?: unknown }).id ?? '').slice(0, 64) || null : null;
    await deps.store
      .appendAudit({
        actor: req.principal?.id ?? 'anonymous',
        action: 'access.denied',
        ip: req.ip,
        cameraId,
        details: { method: req.method, route: url ?? req.url.split('?')[0].slice(0, 200), status, code, ...(admitted.suppressed ? { suppressed: admitted.suppressed } : {}) },
      })
      .catch((err: Error) => req.log.error({ err: err.message }, 'could not audit a refused request'));
  };
}

/**
 * A WebSocket outlives the request that opened it: every few seconds its session is looked up
 * again and the permission checked again; a signed-out, disabled or re-scoped user's socket is
 * closed (4401 / 4403).
 */
export function closeWhenAccessEnds(
  socket: WebSocket,
  req: FastifyRequest,
  deps: Pick<ApiDeps, 'auth'>,
  stillAllowed: (p: Principal) => boolean,
  everyMs = 2000,
): () => void {
  const token = req.cookies[SESSION_COOKIE];
  const timer = setInterval(() => {
    void deps.auth.resolve(token).then(
      (p) => {
        if (socket.readyState !== socket.OPEN) return;
        if (!p) socket.close(4401, 'session ended');
        else if (!stillAllowed(p)) socket.close(4403, 'no longer allowed');
      },
      () => undefined,
    );
  }, everyMs);
  timer.unref?.();
  const stop = () => clearInterval(timer);
  socket.once('close', stop);
  return stop;
}

