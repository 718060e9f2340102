// The audit log for auditors: entries filtered by user, camera, action, purpose and time ("who
// watched what, when, why"), the chain verified against the signed checkpoints, and a signed
// extract. Reading the log is itself audited.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  AUDIT_ACTIONS, loadOrCreateServerKey, pruneFileFor, readPruneFile, readCheckpointFile, readLatestCheckpoint, signAuditExtract, verifyAuditChain, type AuditChainResult,
} from '../audit/index.ts';
import { readAuditLog, type AuditQuery } from '../store/index.ts';
import type { ApiDeps, Guard } from './types.ts';
import { AuditEntrySchema, AuditVerifySchema, CameraParams, ErrorSchema, TimeMs } from './schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const AuditFilters = {
  user: Type.Optional(Type.String({ maxLength: 64, description: 'user id (actor), "system" or "anonymous"' })),
  camera: Type.Optional(CameraParams.properties.id),
  action: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]*)?$', maxLength: 64, description: 'an action, or a prefix ending in "." (e.g. "export.")' })),
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'text in the stated purpose or reason' })),
  from: Type.Optional(TimeMs()),
  to: Type.Optional(TimeMs()),
};
const AuditQuerySchema = Type.Object(
  { ...AuditFilters, before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'entries before this seq (paging back)' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
  { additionalProperties: false },
);
const ExtractBody = Type.Object(
  { ...AuditFilters, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })), reason: Type.String({ minLength: 3, maxLength: 1000, description: 'why the extract is taken (case, request): in the signed extract and the log' }) },
  { additionalProperties: false },
);
type AuditEntryView = Static<typeof AuditEntrySchema>;

function toQuery(q: Partial<Record<keyof typeof AuditFilters, unknown>> & { before?: number; limit?: number }): AuditQuery {
  return {
    actor: q.user as string | undefined,
    cameraId: q.camera as string | undefined,
    action: q.action as string | undefined,
    purpose: q.purpose as string | undefined,
    fromMs: q.from as number | undefined,
    toMs: q.to as number | undefined,
    beforeSeq: q.before,
    limit: q.limit,
  };
}

export function registerAuditRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const names = async (): Promise<Map<string, string>> => new Map((await deps.store.listUsers()).map((u) => [u.id, u.username]));
  const view = (e: Awaited<ReturnType<ApiDeps['store']['queryAudit']>>[number], n: Map<string, string>): AuditEntryView => {
    const d = e.details;
    const purpose = typeof d.purpose === 'string' ? d.purpose : typeof d.reason === 'string' ? d.reason : null;
    return { ...e, actorName: n.get(e.actor) ?? null, purpose };
  };

  app.get<{ Querystring: Static<typeof AuditQuerySchema> }>(
    '/api/audit',
    { schema: { tags: ['audit'], summary: 'Audit log entries, newest first, filtered (reading is audited)', querystring: AuditQuerySchema, response: { 200: Type.Object({ entries: Type.Array(AuditEntrySchema), actions: Type.Array(Type.String()), nextBefore: Type.Union([Type.Number(), Type.Null()]) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'audit.read', { type: 'audit' });
      if (req.query.from !== undefined && req.query.to !== undefined && req.query.to < req.query.from) throw Object.assign(new Error('querystring/to must not be before from'), { statusCode: 400, validation: true });
      const q = toQuery(req.query);
      const entries = await deps.store.queryAudit(q);
      await deps.store.appendAudit({ actor: user.id, ip: req.ip, action: 'audit.read', details: { filters: req.query, entries: entries.length } });
      const n = await names();
      const limit = q.limit ?? 100;
      return { entries: entries.map((e) => view(e, n)), actions: [...AUDIT_ACTIONS], nextBefore: entries.length === limit ? entries[entries.length - 1].seq : null };
    },
  );

  let verifying: Promise<AuditChainResult> | null = null;
  app.get(
    '/api/audit/verify',
    { schema: { tags: ['audit'], summary: 'Recompute the audit chain and check it against the signed checkpoints (audited)', response: { 200: AuditVerifySchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'audit.read', { type: 'audit' });
      const a = deps.audit;
      // Checkpoint what is there first, so the newest entries are vouched for too.
      await a?.checkpointer.checkpoint({ force: true }).catch(() => undefined);
      const key = a ? loadOrCreateServerKey(a.keysDir) : null;
      const checkpoints = a ? readCheckpointFile(a.checkpointFile) : [];
      // The audit log's retention cuts its start: the signed prune records say where (and vouch for it).
      const prunes = a ? readPruneFile(pruneFileFor(a.checkpointFile)) : [];
      verifying ??= verifyAuditChain(readAuditLog(deps.store, 2000), key ? { checkpoints, prunes, publicKey: key.publicKey } : {}).finally(() => {
        verifying = null;
      });
      const r = await verifying;
      await deps.store.appendAudit({ actor: user.id, ip: req.ip, action: 'audit.verify', details: r.ok ? { ok: true, count: r.count } : { ok: false, firstBad: r.firstBad, reason: r.reason } });
      return r.ok
        ? { ok: true, count: r.count, firstBad: null, reason: null, detail: null, checkpoints: r.checkpoints ?? 0, lastCheckpointSeq: r.lastCheckpointSeq ?? null, keyId: key?.keyId ?? null, prunedThrough: r.prunedThrough ?? null }
        : { ok: false, count: r.count, firstBad: r.firstBad, reason: r.reason, detail: r.detail ?? null, checkpoints: checkpoints.length, lastCheckpointSeq: null, keyId: key?.keyId ?? null };
    },
  );

  app.post<{ Body: Static<typeof ExtractBody> }>(
    '/api/audit/extract',
    { schema: { tags: ['audit'], summary: 'A signed extract of the filtered entries (Ed25519, like evidence; audited with the reason)', body: ExtractBody, response: { 200: Type.Object({ extract: Type.Record(Type.String(), Type.Unknown()), signature: Type.String() }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'audit.read', { type: 'audit' });
      const a = deps.audit;
      if (!a) throw Object.assign(new Error('this server has no signing key configured'), { statusCode: 404 });
      const { reason, ...filters } = req.body;
      const entries = await deps.store.queryAudit(toQuery({ ...filters, limit: filters.limit ?? 1000 }));
      await deps.store.appendAudit({ actor: user.id, ip: req.ip, action: 'audit.extract', details: { reason, filters, entries: entries.length } });
      const signed = signAuditExtract(loadOrCreateServerKey(a.keysDir), {
        createdAt: new Date().toISOString(), createdBy: user.username, reason, filters, entries, checkpoint: readLatestCheckpoint(a.checkpointFile),
      });
      reply.header('content-disposition', `attachment; filename="vigil-audit-extract-${Date.now()}.json"`);
      return signed;
    },
  );
}
