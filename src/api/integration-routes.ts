// Integrations (issue 15): the state of MQTT and the webhooks of this process, and the webhook
// dead-letter list (shared by every process through the store): read it, send a letter again.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';
import { IntegrationError, type Integrations } from '../integrations/index.ts';
import { auditAccess } from './request-checks.ts';

/** The camera of the event a dead letter carries (the Vigil block of its body), or null. */
function cameraOf(body: string): string | null {
  try {
    const camera = (JSON.parse(body) as { Vigil?: { camera?: unknown } }).Vigil?.camera;
    return typeof camera === 'string' ? camera : null;
  } catch {
    return null;
  }
}

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const DeadLetterSchema = Type.Object({
  id: Type.String(),
  hook: Type.String({ description: 'The webhook\'s name (integrations.webhooks[].name).' }),
  eventId: Type.Union([Type.String(), Type.Null()]),
  body: Type.String({ description: 'The JSON body that was signed and sent.' }),
  attempts: Type.Integer(),
  lastError: Type.String({ description: 'Why the last attempt failed: "HTTP 503", "ECONNREFUSED", "no answer within 10 s", "process stopped before delivery" …' }),
  firstAt: Type.Number(),
  failedAt: Type.Number(),
});
export const DeadLetterPageSchema = Type.Object({
  items: Type.Array(DeadLetterSchema),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `before` for the next page; null at the end.' }),
});
export const IntegrationStatusSchema = Type.Object({
  mqtt: Type.Union([Type.Object({ connected: Type.Boolean(), published: Type.Integer(), failed: Type.Integer() }), Type.Null()]),
  webhooks: Type.Union([Type.Object({ hooks: Type.Array(Type.String()), backlog: Type.Integer(), delivered: Type.Integer(), retried: Type.Integer(), deadLettered: Type.Integer() }), Type.Null()]),
});
const DeadLetterQuery = Type.Object(
  {
    hook: Type.Optional(Type.String({ maxLength: 64 })),
    before: Type.Optional(Type.String({ pattern: '^\\d{1,15}_[A-Za-z0-9_]{1,64}$', description: 'The `next` of the previous page.' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
const DeadLetterParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }) });

export function registerIntegrationRoutes(app: FastifyInstance, deps: ApiDeps & { integrations?: Integrations }, guard: Guard): void {
  const integrations = deps.integrations;
  app.get('/api/integrations', { schema: { tags: ['integrations'], summary: 'MQTT and webhooks of this process', response: { 200: IntegrationStatusSchema, ...errors } } }, async (req) => {
    guard(req, 'integration.manage', { type: 'system' });
    const m = integrations?.mqtt;
    const w = integrations?.webhooks;
    return {
      mqtt: m ? { connected: m.connected, ...m.stats } : null,
      webhooks: w ? { hooks: w.hookNames(), backlog: w.backlog, ...w.stats } : null,
    };
  });

  app.get<{ Querystring: Static<typeof DeadLetterQuery> }>(
    '/api/integrations/dead-letters',
    { schema: { tags: ['integrations'], summary: 'Webhook deliveries that gave up, newest first', querystring: DeadLetterQuery, response: { 200: DeadLetterPageSchema, ...errors } } },
    async (req) => {
      guard(req, 'integration.manage', { type: 'system' });
      const q = req.query;
      const before = q.before ? { failedAt: Number(q.before.slice(0, q.before.indexOf('_'))), id: q.before.slice(q.before.indexOf('_') + 1) } : undefined;
      const items = await deps.store.listWebhookDeadLetters({ hook: q.hook, before, limit: q.limit });
      const last = items.at(-1);
      return { items, next: items.length === q.limit && last ? `${last.failedAt}_${last.id}` : null };
    },
  );

  app.post<{ Params: Static<typeof DeadLetterParams> }>(
    '/api/integrations/dead-letters/:id/redeliver',
    { schema: { tags: ['integrations'], summary: 'Send a dead letter again (it leaves the list; a new failure files it again)', params: DeadLetterParams, response: { 202: Type.Object({ id: Type.String(), hook: Type.String() }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'integration.manage', { type: 'system' });
      const hooks = integrations?.webhooks?.hookNames() ?? [];
      const row = await deps.store.takeWebhookDeadLetter(req.params.id);
      if (!row) throw new IntegrationError('DEAD_LETTER_NOT_FOUND', `params/id: no dead letter ${JSON.stringify(req.params.id)}`);
      if (!hooks.includes(row.hook)) {
        await deps.store.addWebhookDeadLetter(row);
        throw new IntegrationError('HOOK_UNKNOWN', `webhook "${row.hook}" is not configured on this process; add it to integrations.webhooks to send its dead letters again`);
      }
      // Audited (who sent which event of which camera where, again): a redelivery discloses the
      // event to the receiver once more.
      await auditAccess(deps.store, req, 'webhook.redeliver', cameraOf(row.body), { deadLetter: row.id, hook: row.hook, eventId: row.eventId, attempts: row.attempts, lastError: row.lastError });
      integrations!.webhooks!.redeliver(row);
      deps.logger.info({ user: user.id, deadLetter: row.id, hook: row.hook }, 'webhook dead letter sent again');
      reply.status(202);
      return { id: row.id, hook: row.hook };
    },
  );
}
