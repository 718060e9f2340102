// Each camera's purpose, legal basis and recording retention (issue 13). Reading needs
// camera.read; setting needs purpose.manage, is audited, and answers with notices when an
// evidence lock keeps recordings older than the new retention (the lock wins).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';
import { CameraPurposeBody as PurposeBody, CameraPurposeReply, CameraPurposeSchema, RetentionNoticeSchema } from './privacy-schemas.ts';
import { DEFAULT_RETENTION_HOURS, LEGAL_BASES, PrivacyError, type CameraPurposes } from '../privacy/index.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

export function registerRetentionRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const purposes = (): CameraPurposes => {
    if (!deps.cameraPurposes) throw new PrivacyError('NOT_FOUND', 'camera purposes are not configured on this server');
    return deps.cameraPurposes;
  };

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/purpose',
    { schema: { tags: ['privacy'], summary: 'A camera\'s purpose, legal basis and recording retention', params: CameraParams, response: { 200: CameraPurposeReply, ...errors } } },
    async (req) => {
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const row = await purposes().get(req.params.id);
      return {
        purpose: {
          cameraId: req.params.id, purpose: row?.purpose ?? null, legalBasis: row?.legalBasis ?? null,
          retentionHours: purposes().retentionHours(req.params.id, deps.configuredRetentionHours?.(req.params.id) ?? null),
          retentionReason: row?.retentionReason ?? null, updatedAt: row?.updatedAt ?? null,
        },
        legalBases: [...LEGAL_BASES],
        defaultRetentionHours: DEFAULT_RETENTION_HOURS,
      };
    },
  );

  app.put<{ Params: Static<typeof CameraParams>; Body: Static<typeof PurposeBody> }>(
    '/api/cameras/:id/purpose',
    { schema: { tags: ['privacy'], summary: 'Set a camera\'s purpose, legal basis and retention (audited); notices name evidence locks that keep older recordings (the lock wins)', params: CameraParams, body: PurposeBody, response: { 200: Type.Object({ purpose: CameraPurposeSchema, notices: Type.Array(RetentionNoticeSchema) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'purpose.manage', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const { row, notices } = await purposes().set(req.params.id, req.body, { id: user.id, ip: req.ip });
      return { purpose: { cameraId: row.cameraId, purpose: row.purpose, legalBasis: row.legalBasis, retentionHours: row.retentionHours, retentionReason: row.retentionReason, updatedAt: row.updatedAt }, notices };
    },
  );
}
