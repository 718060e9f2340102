// Live analytics over HTTP: a camera's analytics settings (admin; changing them is audited and
// restarts the camera's analyser) and its line-crossing counts, which are statistics, not alarms.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import type { Action } from '../access/index.ts';
import { AnalyticsConfig } from '../core/index.ts';
import { CameraParams, ErrorSchema, TimeMs } from './schemas.ts';
import { DetectorViewSchema } from './analytics-schemas.ts';

// Changing analytics goes with changing the camera (admin).
const CONFIGURE: Action = 'camera.update';
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const SettingsReply = Type.Object({ settings: AnalyticsConfig, ...DetectorViewSchema.properties });
const CountsQuery = Type.Object({
  line: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(TimeMs('ms since the epoch (default: an hour ago)')),
  to: Type.Optional(TimeMs('ms since the epoch (default: now)')),
  bucket: Type.Integer({ minimum: 60, maximum: 31 * 86400, default: 60, description: 'seconds, a multiple of 60' }),
});

export function registerAnalyticsRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const { analytics, alarms } = deps;
  if (!analytics || !alarms) return;

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/analytics',
    { schema: { tags: ['alarms'], summary: 'Analytics settings of a camera (admin)', params: CameraParams, response: { 200: SettingsReply, ...errors } } },
    async (req) => {
      guard(req, CONFIGURE, { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const settings = await analytics.settings(req.params.id);
      return { settings, ...analytics.detectorView(req.params.id, settings) };
    },
  );

  app.put<{ Params: Static<typeof CameraParams>; Body: Static<typeof AnalyticsConfig> }>(
    '/api/cameras/:id/analytics',
    { schema: { tags: ['alarms'], summary: 'Change a camera\'s analytics (admin, audited); the analyser restarts', params: CameraParams, body: AnalyticsConfig, response: { 200: SettingsReply, ...errors } } },
    async (req) => {
      const user = guard(req, CONFIGURE, { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const settings = await analytics.update(req.params.id, req.body, { actor: user.id, ip: req.ip });
      return { settings, ...analytics.detectorView(req.params.id, settings) };
    },
  );

  app.get<{ Params: Static<typeof CameraParams>; Querystring: Static<typeof CountsQuery> }>(
    '/api/cameras/:id/counts',
    { schema: { tags: ['alarms'], summary: 'Line-crossing counts per class and direction per bucket', params: CameraParams, querystring: CountsQuery } },
    async (req) => {
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const to = req.query.to ?? Date.now();
      const from = req.query.from ?? to - 3600_000;
      const buckets = await alarms.counts({ cameraId: req.params.id, line: req.query.line, from, to, bucketSeconds: req.query.bucket });
      return { cameraId: req.params.id, from, to, bucketSeconds: req.query.bucket, buckets };
    },
  );
}
