// Evidence locks: pin an interval of a camera beyond retention (who and why, audited).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Store } from '../store/index.ts';
import { RecorderError } from '../recorder/index.ts';
import { newId } from '../core/index.ts';
import type { Guard } from './types.ts';
import { CameraParams, ErrorSchema, TimeMs } from './schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const LockSchema = Type.Object({
  id: Type.String(),
  cameraId: Type.String(),
  fromMs: Type.Number(),
  toMs: Type.Number(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.Number(),
});
const LockBody = Type.Object(
  {
    from: TimeMs('start of the pinned interval, ms since epoch'),
    to: TimeMs('end of the pinned interval, ms since epoch (at most the end of the year 9999)'),
    reason: Type.String({ minLength: 3, maxLength: 1000, description: 'why the recording must be kept (case number, request)' }),
  },
  { additionalProperties: false },
);
const LockParams = Type.Object({ id: CameraParams.properties.id, lockId: Type.String({ pattern: '^[a-z0-9_]{1,64}$' }) });
export function registerLockRoutes(app: FastifyInstance, store: Store, guard: Guard): void {
  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof LockBody> }>(
    '/api/cameras/:id/locks',
    { schema: { tags: ['evidence'], summary: 'Pin an interval of a camera beyond retention (audited with the reason)', params: CameraParams, body: LockBody, response: { 201: Type.Object({ lock: LockSchema }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'evidence.lock', { type: 'camera', id: req.params.id });
      const { from, to, reason } = req.body;
      if (to <= from) throw new RecorderError('BAD_REQUEST', 'body/to must be after from');
      // A camera removed from the configuration still has evidence to keep: one with segments is
      // known. A camera with neither has nothing to lock.
      if (!(await store.getCamera(req.params.id)) && (await store.listOldestSegments({ cameraId: req.params.id, limit: 1 })).length === 0) {
        throw new RecorderError('NOT_FOUND', `params/id: no camera ${JSON.stringify(req.params.id)} (configured or recorded)`);
      }
      const lock = { id: newId('lck'), cameraId: req.params.id, fromMs: from, toMs: to, reason, createdBy: user.id, createdAt: Date.now() };
      await store.addEvidenceLock(lock, { actor: user.id, ip: req.ip, action: 'evidence.lock', cameraId: lock.cameraId, details: { lockId: lock.id, from, to, reason } });
      reply.status(201);
      return { lock };
    },
  );

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/locks',
    { schema: { tags: ['evidence'], summary: 'Evidence locks of a camera', params: CameraParams, response: { 200: Type.Object({ locks: Type.Array(LockSchema) }), ...errors } } },
    async (req) => {
      guard(req, 'evidence.lock', { type: 'camera', id: req.params.id });
      return { locks: await store.listEvidenceLocks(req.params.id) };
    },
  );

  app.delete<{ Params: Static<typeof LockParams> }>(
    '/api/cameras/:id/locks/:lockId',
    { schema: { tags: ['evidence'], summary: 'Release an evidence lock (audited); retention may then delete the interval', params: LockParams, response: errors } },
    async (req, reply) => {
      const user = guard(req, 'evidence.lock', { type: 'camera', id: req.params.id });
      const lock = await store.getEvidenceLock(req.params.lockId);
      if (!lock || lock.cameraId !== req.params.id) throw new RecorderError('NOT_FOUND', `no evidence lock ${req.params.lockId} on camera ${req.params.id}`);
      // Whoever placed a lock may lift it; someone else's needs the right to release any lock.
      if (lock.createdBy !== user.id) guard(req, 'evidence.release_any', { type: 'camera', id: req.params.id });
      const removed = await store.deleteEvidenceLock(lock.id, {
        actor: user.id, ip: req.ip, action: 'evidence.unlock', cameraId: lock.cameraId,
        details: { lockId: lock.id, from: lock.fromMs, to: lock.toMs, reason: lock.reason, lockedBy: lock.createdBy },
      });
      if (!removed) throw new RecorderError('NOT_FOUND', `no evidence lock ${req.params.lockId}`);
      reply.status(204).send();
    },
  );
}
