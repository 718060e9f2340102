import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { SESSION_COOKIE, AccessError } from '../access/index.ts';
import type { ApiDeps } from './types.ts';
import { ErrorSchema, LoginBody, UserSchema } from './schemas.ts';

export function registerSessionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const UserEnvelope = Type.Object({ user: UserSchema });

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign in; sets the session cookie',
        security: [],
        body: LoginBody,
        response: { 200: UserEnvelope, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { token, user, expiresAt } = await deps.auth.login(req.body.username, req.body.password, req.ip);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.secureCookies,
        expires: new Date(expiresAt),
      });
      return { user };
    },
  );

  app.get('/api/session', { schema: { tags: ['session'], summary: 'The signed-in user', response: { 200: UserEnvelope, 401: ErrorSchema } } }, async (req) => {
    if (!req.principal) throw new AccessError('AUTH_REQUIRED', 'sign in first');
    return { user: req.principal };
  });

  app.delete('/api/session', { schema: { tags: ['session'], summary: 'Sign out', response: { 204: Type.Null(), 401: ErrorSchema } } }, async (req, reply) => {
    if (!req.principal) throw new AccessError('AUTH_REQUIRED', 'sign in first');
    await deps.auth.logout(req.cookies[SESSION_COOKIE]!, req.principal, req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.status(204).send();
  });
}
