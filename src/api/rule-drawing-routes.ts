// Drawing on a still of the camera (issue 12 item 7, issue 14 item 1): the still itself (a live
// picture, privacy masks burned in, audited like a snapshot), a preview of what draft rules would
// have raised on the last minutes of recording (audited as playback: it looks at recorded video),
// and a calibration fitted without being stored, so the screen can show its error and ground grid
// before the operator saves it.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { AnalyticsConfig, newId } from '../core/index.ts';
import { grabStill, type PreviewResult } from '../analytics/index.ts';
import { encodePngAsync } from '../media/index.ts';
import { maskPng, paintMasks } from '../privacy/index.ts';
import { openPlayback, wallTimeAt } from '../playback/index.ts';
import type { CalibrationPoint } from '../traffic/index.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';
import { auditAccess } from './request-checks.ts';
import { maskAuditDetails, maskViewFor, purposeDetails } from './privacy-view.ts';
import { localSegmentSource, recordingsDirOf } from './playback-routes.ts';
import { describeCalibration } from './traffic-routes.ts';
import { CalibrationBody, CalibrationReply } from './traffic-schemas.ts';
import { PreviewReplySchema } from './drawing-schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

const PreviewBody = Type.Object({
  settings: AnalyticsConfig,
  minutes: Type.Integer({ minimum: 1, maximum: 10, default: 5, description: 'How far back the recording is analysed (inside the free look-back window by default).' }),
}, { additionalProperties: false });

const PreviewPicParams = Type.Object({ id: Type.String({ maxLength: 64 }), previewId: Type.String({ maxLength: 64 }), n: Type.Integer({ minimum: 0, maximum: 63 }) });

/** Previews' pictures are kept this long, for the one user who asked. */
const KEEP_MS = 10 * 60_000;
const MAX_KEPT = 16;

export function registerRuleDrawingRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/still',
    { schema: { tags: ['alarms'], summary: 'A picture of the camera now (PNG, up to 1280 px wide, privacy masks burned in), to draw rules and calibration points on (audited as snapshot.view)', params: CameraParams } },
    async (req, reply) => {
      guard(req, 'camera.live', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const view = await maskViewFor(deps, req, req.params.id);
      const f = await grabStill(deps.runtime, req.params.id);
      if (view.polygons.length) paintMasks(f.rgb, f.width, f.height, view.polygons);
      const png = await encodePngAsync(f.rgb, f.width, f.height);
      await auditAccess(deps.store, req, 'snapshot.view', req.params.id, { via: 'still', ...maskAuditDetails(view) });
      reply.type('image/png').header('cache-control', 'private, no-store').header('x-vigil-captured-at', String(f.capturedAt));
      return reply.send(png);
    },
  );

  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof CalibrationBody> }>(
    '/api/cameras/:id/calibration/check',
    { schema: { tags: ['traffic'], summary: 'Fit a calibration without storing it: its reprojection error and ground grid, or the reason the points are refused (400 DEGENERATE_CALIBRATION)', params: CameraParams, body: CalibrationBody, response: { 200: CalibrationReply, ...errors } } },
    async (req) => {
      guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const points = req.body.points.map((p) => ({ image: [p.image[0], p.image[1]], ground: [p.ground[0], p.ground[1]] }) as CalibrationPoint);
      return describeCalibration(req.params.id, points, Date.now());
    },
  );

  const analytics = deps.analytics;
  if (!analytics) return;
  const kept = new Map<string, { cameraId: string; userId: string; until: number; pictures: Buffer[] }>();
  const sweep = (now: number) => {
    for (const [id, k] of kept) if (k.until < now) kept.delete(id);
    while (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value!);
  };

  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof PreviewBody> }>(
    '/api/cameras/:id/analytics/preview',
    {
      schema: {
        tags: ['alarms'],
        summary: 'What draft analytics settings would have raised over the last minutes of recording (re-analysed with the camera\'s detector; audited as recording.play)',
        params: CameraParams, body: PreviewBody, response: { 200: PreviewReplySchema, ...errors },
      },
    },
    async (req) => {
      const user = guard(req, 'analytics.configure', { type: 'camera', id: req.params.id });
      guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const toMs = Date.now();
      const fromMs = toMs - req.body.minutes * 60_000;
      const purpose = await purposeDetails(deps, req, fromMs, {});
      const stream = await openPlayback({ cameraId: req.params.id, fromMs, toMs, recordingsDir: recordingsDirOf(deps), store: localSegmentSource(deps) });
      await auditAccess(deps.store, req, 'recording.play', req.params.id, { from: fromMs, to: toMs, via: 'rule-preview', ...purpose });
      const r: PreviewResult = await analytics.preview(req.params.id, req.body.settings, { chunks: stream.chunks(), wallAt: (ms) => wallTimeAt(stream.points, ms) });
      const id = newId('prv');
      const now = Date.now();
      kept.set(id, { cameraId: req.params.id, userId: user.id, until: now + KEEP_MS, pictures: r.snapshots });
      sweep(now);
      return { id, fromMs: Math.round(stream.startMs), toMs: Math.round(stream.endMs), frames: r.frames, seconds: r.seconds, counts: r.counts, hits: r.hits, snapshots: r.snapshots.length, width: r.width, height: r.height };
    },
  );

  app.get<{ Params: Static<typeof PreviewPicParams> }>(
    '/api/cameras/:id/analytics/preview/:previewId/:n',
    { schema: { tags: ['alarms'], summary: 'A picture of a preview\'s hit (PNG, heads pixelated, privacy masks applied); only for the user who ran the preview, for 10 minutes', params: PreviewPicParams } },
    async (req, reply) => {
      const user = guard(req, 'analytics.configure', { type: 'camera', id: req.params.id });
      sweep(Date.now());
      const k = kept.get(req.params.previewId);
      const png = k && k.cameraId === req.params.id && k.userId === user.id ? k.pictures[req.params.n] : undefined;
      if (!png) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'no such preview picture (previews are kept 10 minutes)' } });
      const view = await maskViewFor(deps, req, req.params.id);
      reply.type('image/png').header('cache-control', 'private, no-store');
      return reply.send(maskPng(png, view.polygons));
    },
  );
}
