// Users over HTTP (admins): list, create, change role, scope or state, reset a password, end all
// sessions, remove. Every change audited with before/after values by access's UserAdmin.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { UserAdmin } from '../access/index.ts';
import type { ApiDeps, Guard } from './types.ts';
import { ErrorSchema, ManagedUserSchema, RoleSchema, ScopeRefSchema, ScopesSchema } from './schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const UserParams = Type.Object({ userId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }, { additionalProperties: false });
const Password = Type.String({ minLength: 1, maxLength: 1000, description: 'at least 12 characters, not a common password, not containing the user name' });
const CreateBody = Type.Object(
  { username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' }), password: Password, role: RoleSchema, scopes: Type.Optional(ScopesSchema) },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  { role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()), scopes: Type.Optional(ScopesSchema) },
  { additionalProperties: false, minProperties: 1 },
);
const PasswordBody = Type.Object({ password: Password }, { additionalProperties: false });


export function registerUserRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const users = new UserAdmin(deps.store);
  const one = Type.Object({ user: ManagedUserSchema });

  app.get('/api/users', { schema: { tags: ['users'], summary: 'Users with their roles and scopes', response: { 200: Type.Object({ users: Type.Array(ManagedUserSchema) }), ...errors } } }, async (req) => {
    guard(req, 'user.list', { type: 'users' });
    return { users: await users.list() };
  });

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/users',
    { schema: { tags: ['users'], summary: 'Add a user (audited)', body: CreateBody, response: { 201: one, ...errors } } },
    async (req, reply) => {
      const actor = guard(req, 'user.manage', { type: 'users' });
      const user = await users.create(req.body, { id: actor.id, ip: req.ip });
      reply.status(201);
      return { user };
    },
  );

  app.patch<{ Params: Static<typeof UserParams>; Body: Static<typeof PatchBody> }>(
    '/api/users/:userId',
    { schema: { tags: ['users'], summary: 'Change a user\'s role, scopes or state (audited before/after; their sessions end)', params: UserParams, body: PatchBody, response: { 200: one, ...errors } } },
    async (req) => {
      const actor = guard(req, 'user.manage', { type: 'users' });
      return { user: await users.update(req.params.userId, req.body, { id: actor.id, ip: req.ip }) };
    },
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/api/users/:userId',
    { schema: { tags: ['users'], summary: 'Remove a user (audited); their entries stay in the audit log', params: UserParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      const actor = guard(req, 'user.manage', { type: 'users' });
      await users.remove(req.params.userId, { id: actor.id, ip: req.ip });
      reply.status(204).send();
    },
  );

  app.post<{ Params: Static<typeof UserParams>; Body: Static<typeof PasswordBody> }>(
    '/api/users/:userId/password',
    { schema: { tags: ['users'], summary: 'Reset a user\'s password (audited; their sessions end)', params: UserParams, body: PasswordBody, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      const actor = guard(req, 'user.manage', { type: 'users' });
      await users.resetPassword(req.params.userId, req.body.password, { id: actor.id, ip: req.ip });
      reply.status(204).send();
    },
  );

  app.delete<{ Params: Static<typeof UserParams> }>(
    '/api/users/:userId/sessions',
    { schema: { tags: ['users'], summary: 'End all of a user\'s sessions (audited); open live views close within seconds', params: UserParams, response: { 200: Type.Object({ ended: Type.Integer() }), ...errors } } },
    async (req) => {
      const actor = guard(req, 'user.manage', { type: 'users' });
      return { ended: await users.endSessions(req.params.userId, { id: actor.id, ip: req.ip }) };
    },
  );

  app.get('/api/scopes', { schema: { tags: ['users'], summary: 'Sites and camera groups that cameras belong to', response: { 200: Type.Object({ scopes: Type.Array(ScopeRefSchema) }), ...errors } } }, async (req) => {
    guard(req, 'user.list', { type: 'users' });
    return { scopes: deps.cameraScopes?.known() ?? [] };
  });
}
