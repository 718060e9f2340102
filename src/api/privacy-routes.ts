// Privacy masks of a camera and lifting them. Managing masks needs mask.manage; lifting the
// liftable ones needs mask.lift and a reason, is audited and ends by itself (minutes, default 15).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';
import { PrivacyError, lookBackPolicyForApi, type PrivacyService } from '../privacy/index.ts';
import { can } from '../access/index.ts';
import { LiftSchema, MaskListSchema, MaskSchema, PolicySchema, PurposeSchema, PurposesResponse } from './privacy-schemas.ts';

const NewMaskBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 100 })),
    polygon: Type.Array(Type.Array(Type.Number(), { description: '[x, y], each 0..1 of the frame' }), { maxItems: 64, description: '3 to 64 points, not crossing itself' }),
    liftable: Type.Boolean({ description: 'false: permanent (no one sees under it); true: mask.lift may lift it for a while with a reason' }),
  },
  { additionalProperties: false },
);
const LiftBody = Type.Object(
  {
    reason: Type.String({ maxLength: 1000, description: 'why the mask must be lifted (audited)' }),
    minutes: Type.Optional(Type.Integer({ description: 'how long the lift lasts, 1..120 (default 15)' })),
  },
  { additionalProperties: false },
);
const MaskParams = Type.Object({ id: Type.String({ maxLength: 64 }), maskId: Type.String({ maxLength: 64 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

export function registerPrivacyRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const privacy = (): PrivacyService => {
    if (!deps.privacy) throw new PrivacyError('NOT_FOUND', 'privacy masks are not configured on this server');
    return deps.privacy;
  };
  const toLift = (l: { id: string; reason: string; startedAt: number; expiresAt: number } | null) =>
    l ? { id: l.id, reason: l.reason, startedAt: l.startedAt, expiresAt: l.expiresAt } : null;

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/masks',
    { schema: { tags: ['privacy'], summary: 'A camera\'s privacy masks and this user\'s lift', params: CameraParams, response: { 200: MaskListSchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const masks = await privacy().listMasks(req.params.id);
      const cam = { type: 'camera' as const, id: req.params.id };
      const mayLift = can(user, 'mask.lift', cam, deps.cameraScopes);
      return {
        masks: masks.map((m) => ({ id: m.id, cameraId: m.cameraId, name: m.name, polygon: m.polygon, liftable: m.liftable, createdAt: m.createdAt })),
        lift: mayLift ? toLift(await privacy().activeLift(req.params.id, user.id)) : null,
        mayLift,
        mayManage: can(user, 'mask.manage', cam, deps.cameraScopes),
      };
    },
  );

  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof NewMaskBody> }>(
    '/api/cameras/:id/masks',
    { schema: { tags: ['privacy'], summary: 'Add a privacy mask (audited); 400 for a polygon outside the frame or crossing itself', params: CameraParams, body: NewMaskBody, response: { 201: Type.Object({ mask: MaskSchema }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'mask.manage', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const m = await privacy().addMask(req.params.id, req.body, { id: user.id, ip: req.ip });
      reply.status(201);
      return { mask: { id: m.id, cameraId: m.cameraId, name: m.name, polygon: m.polygon, liftable: m.liftable, createdAt: m.createdAt } };
    },
  );

  app.delete<{ Params: Static<typeof MaskParams> }>(
    '/api/cameras/:id/masks/:maskId',
    { schema: { tags: ['privacy'], summary: 'Remove a privacy mask (audited)', params: MaskParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'mask.manage', { type: 'camera', id: req.params.id });
      await privacy().deleteMask(req.params.id, req.params.maskId, { id: user.id, ip: req.ip });
      reply.status(204);
    },
  );

  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof LiftBody> }>(
    '/api/cameras/:id/mask-lift',
    { schema: { tags: ['privacy'], summary: 'Lift the camera\'s liftable masks for this user, for a while, with a reason (audited)', params: CameraParams, body: LiftBody, response: { 201: Type.Object({ lift: LiftSchema }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'mask.lift', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const lift = await privacy().lift(req.params.id, { id: user.id, ip: req.ip }, req.body.reason, req.body.minutes);
      reply.status(201);
      return { lift: toLift(lift)! };
    },
  );

  app.delete<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/mask-lift',
    { schema: { tags: ['privacy'], summary: 'End this user\'s lift early (audited)', params: CameraParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'mask.lift', { type: 'camera', id: req.params.id });
      if (!(await privacy().endLift(req.params.id, { id: user.id, ip: req.ip }))) throw new PrivacyError('NOT_FOUND', 'no lift of this camera\'s masks is in force');
      reply.status(204);
    },
  );

  const toPurpose = (p: { id: string; name: string; active: boolean }) => ({ id: p.id, name: p.name, active: p.active });

  app.get(
    '/api/purposes',
    { schema: { tags: ['privacy'], summary: 'Purposes an access to older recordings may be made for, and the look-back policy', response: { 200: PurposesResponse, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const [purposes, policy] = await Promise.all([privacy().listPurposes(), privacy().lookBackPolicy()]);
      return { purposes: purposes.map(toPurpose), policy: lookBackPolicyForApi(policy), mayManage: can(user, 'purpose.manage', { type: 'cameras' }, deps.cameraScopes) };
    },
  );

  app.post<{ Body: { name: string } }>(
    '/api/purposes',
    { schema: { tags: ['privacy'], summary: 'Add a purpose to the list (audited)', body: Type.Object({ name: Type.String({ maxLength: 100 }) }, { additionalProperties: false }), response: { 201: Type.Object({ purpose: PurposeSchema }), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'purpose.manage', { type: 'cameras' });
      const p = await privacy().addPurpose(req.body.name, { id: user.id, ip: req.ip });
      reply.status(201);
      return { purpose: toPurpose(p) };
    },
  );

  app.patch<{ Params: { id: string }; Body: { active: boolean } }>(
    '/api/purposes/:id',
    { schema: { tags: ['privacy'], summary: 'Retire or restore a purpose (audited; past accesses keep naming it)', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), body: Type.Object({ active: Type.Boolean() }, { additionalProperties: false }), response: { 200: Type.Object({ purpose: PurposeSchema }), ...errors } } },
    async (req) => {
      const user = guard(req, 'purpose.manage', { type: 'cameras' });
      return { purpose: toPurpose(await privacy().setPurposeActive(req.params.id, req.body.active, { id: user.id, ip: req.ip })) };
    },
  );

  app.put<{ Body: Static<typeof PolicySchema> }>(
    '/api/privacy/look-back',
    { schema: { tags: ['privacy'], summary: 'Set the free window and how far back each role may look (audited)', body: PolicySchema, response: { 200: Type.Object({ policy: PolicySchema }), ...errors } } },
    async (req) => {
      const user = guard(req, 'purpose.manage', { type: 'cameras' });
      return { policy: lookBackPolicyForApi(await privacy().setLookBackPolicy(req.body, { id: user.id, ip: req.ip })) };
    },
  );
}
