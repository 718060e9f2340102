// Traffic routes (issue 14): a camera's image-to-ground calibration. The points the operator placed
// are stored; the homography, its reprojection error and a ground grid to check it by eye are
// fitted from them on every read, by the traffic part. Degenerate points are refused with the
// reason (400 DEGENERATE_CALIBRATION); changes are audited.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { fitHomography, groundGrid, type CalibrationPoint } from '../traffic/index.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';
import { CalibrationBody, CalibrationReply, type CalibrationReplyBody } from './traffic-schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const tags = ['traffic'];

export function describeCalibration(cameraId: string, points: CalibrationPoint[], updatedAt: number): CalibrationReplyBody {
  const cal = fitHomography(points);
  const r = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
  const grid = groundGrid(cal);
  return {
    cameraId,
    calibration: {
      points, updatedAt,
      residuals: cal.residuals.map((x) => ({ groundM: r(x.groundM, 3), image: r(x.image, 5) })),
      rmsGroundM: r(cal.rmsGroundM, 3), rmsImage: r(cal.rmsImage, 5), groundSigmaM: r(cal.groundSigmaM, 3), scaleErrorPct: r(cal.scaleSigma * 100, 2),
      toGround: [...cal.toGround], grid: { step: grid.step, lines: grid.lines.map((l) => l.map((p) => [r(p[0]), r(p[1])] as [number, number])) },
    },
  };
}

export function registerTrafficRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/calibration',
    { schema: { tags, summary: 'A camera\'s image-to-ground calibration, its reprojection error and a ground grid (null when uncalibrated)', params: CameraParams, response: { 200: CalibrationReply, ...errors } } },
    async (req) => {
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const row = await deps.store.getCameraCalibration(req.params.id);
      return row ? describeCalibration(req.params.id, row.points, row.updatedAt) : { cameraId: req.params.id, calibration: null };
    },
  );

  app.put<{ Params: Static<typeof CameraParams>; Body: Static<typeof CalibrationBody> }>(
    '/api/cameras/:id/calibration',
    { schema: { tags, summary: 'Calibrate a camera from four or more image points with their ground positions (admin, audited); degenerate points are refused with the reason', params: CameraParams, body: CalibrationBody, response: { 200: CalibrationReply, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const points = req.body.points.map((p) => ({ image: [p.image[0], p.image[1]], ground: [p.ground[0], p.ground[1]] }) as CalibrationPoint);
      const now = Date.now();
      const reply = describeCalibration(req.params.id, points, now); // throws DEGENERATE_CALIBRATION before anything is stored
      await deps.store.putCameraCalibration({ cameraId: req.params.id, points, updatedAt: now }, {
        actor: user.id, action: 'camera.calibrate', cameraId: req.params.id, ip: req.ip,
        details: { points: points.length, rmsImage: reply.calibration!.rmsImage, rmsGroundM: reply.calibration!.rmsGroundM },
      });
      return reply;
    },
  );

  app.delete<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/calibration',
    { schema: { tags, summary: 'Remove a camera\'s calibration (admin, audited)', params: CameraParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const deleted = await deps.store.deleteCameraCalibration(req.params.id, { actor: user.id, action: 'camera.uncalibrate', cameraId: req.params.id, ip: req.ip });
      if (!deleted) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `camera ${req.params.id} has no calibration` } });
      return reply.code(204).send();
    },
  );
}
