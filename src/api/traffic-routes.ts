// Traffic routes (issue 14): a camera's image-to-ground calibration. The points the operator placed
// are stored; the homography, its reprojection error and a ground grid to check it by eye are
// fitted from them on every read, by the traffic part. Degenerate points are refused with the
// reason (400 DEGENERATE_CALIBRATION); changes are audited.
import path from 'node:path';
import { createReadStream, existsSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EvidenceError } from '../evidence/index.ts';
import { CalibrationBody, CalibrationReply, EvidenceReplySchema, TrafficDashboardSchema, type CalibrationReplyBody } from './traffic-schemas.ts';
import { verifyExportDir, safeFileName, MANIFEST_FILE, SIGNATURE_FILE } from '../export/index.ts';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { fitHomography, groundGrid, minutesOf, type CalibrationPoint } from '../traffic/index.ts';
import type { DetClass } from '../analytics/index.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';

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

// --- violation evidence (issue 14) ------------------------------------------------------------
const EventParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });
const EvidenceFileParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }), name: Type.String({ maxLength: 200 }) });
const EvidenceReply = EvidenceReplySchema;
export type EvidenceReplyBody = Static<typeof EvidenceReply>;
const CONTENT_TYPES: Record<string, string> = { '.mp4': 'video/mp4', '.png': 'image/png', '.json': 'application/json', '.sig': 'text/plain' };

const TRAFFIC_KINDS = ['speeding', 'wrong_way', 'stopped_vehicle', 'congestion', 'congestion_end'];

export function registerEvidenceRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/traffic',
    { schema: { tags, summary: 'A camera\'s traffic dashboard: counts per lane and class (running, and per minute over the last 24 h), speed histograms, congestion, and the last day\'s traffic events', params: CameraParams, response: { 200: TrafficDashboardSchema, ...errors } } },
    async (req) => {
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const snap = deps.analytics?.trafficSnapshot(req.params.id) as { since: number; lanes: unknown[]; minutes: unknown[] } | null | undefined;
      const now = Date.now();
      // the minutes come from the store (they outlive a restart), after what is still buffered is written
      await deps.trafficCounts?.flush();
      const stored = await deps.store.listTrafficCounts({ cameraId: req.params.id, fromMs: Math.floor((now - 24 * 3_600_000) / 60_000) * 60_000, toMs: now + 60_000 });
      const minutes = minutesOf(stored.map((r) => ({ ...r, cls: r.cls as DetClass })));
      const events = (await Promise.all(TRAFFIC_KINDS.map((k) => deps.store.listEvents({ fromMs: now - 24 * 3_600_000, toMs: now + 1000, cameraId: req.params.id, kind: `analytics.${k}`, limit: 200 }))))
        .flat().sort((a, b) => b.ts - a.ts).slice(0, 200)
        .map((e) => ({ id: e.id, ts: e.ts, kind: e.kind.slice('analytics.'.length), lane: String(e.details.rule ?? ''), cls: typeof e.details.cls === 'string' ? e.details.cls : null, detail: (e.details.detail ?? {}) as Record<string, number | string> }));
      return { cameraId: req.params.id, running: !!snap, since: snap?.since ?? null, lanes: (snap?.lanes ?? []) as never, minutes, events };
    },
  );

  const evidence = deps.evidence;
  if (!evidence) return;
  /** The package of a violation on a camera this user may export from (a plate is in it): audited. */
  const packageFor = async (req: FastifyRequest, id: string) => {
    const e = await deps.store.getEvent(id);
    if (!e || !e.cameraId) throw new EvidenceError('EVIDENCE_NOT_FOUND', `no violation ${id}`);
    const user = guard(req, 'recording.export', { type: 'camera', id: e.cameraId });
    const record = evidence.record(id);
    if (!record) throw new EvidenceError('EVIDENCE_NOT_FOUND', `no evidence package for event ${id} (yet: it is made a few seconds after the violation, once the recording has caught up)`);
    return { user, e, record, dir: evidence.dir(id) };
  };

  app.get<{ Params: Static<typeof EventParams> }>(
    '/api/events/:id/evidence',
    { schema: { tags, summary: 'A traffic violation\'s signed evidence package: its record, files and whether it verifies now (audited: it holds the plate)', params: EventParams, response: { 200: EvidenceReply, ...errors } } },
    async (req) => {
      const { user, e, record, dir } = await packageFor(req, req.params.id);
      await deps.store.appendAudit({ actor: user.id, ip: req.ip, action: 'evidence.view', cameraId: e.cameraId, details: { eventId: e.id } });
      const v = await verifyExportDir(dir);
      return { eventId: e.id, record, files: (v.manifest?.files ?? []).map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes })), serverKeyId: v.manifest?.serverKeyId ?? '', verified: v.ok, problems: v.problems.map((p) => `${p.file}: ${p.message}`) };
    },
  );

  app.get<{ Params: Static<typeof EvidenceFileParams> }>(
    '/api/events/:id/evidence/files/:name',
    { schema: { tags, summary: 'One file of a violation\'s evidence package (clip, frame, plate crop, record, manifest, signature)', params: EvidenceFileParams, response: errors } },
    async (req, reply) => {
      const { dir } = await packageFor(req, req.params.id);
      const name = req.params.name;
      if (!(safeFileName(name) || name === MANIFEST_FILE || name === SIGNATURE_FILE) || !existsSync(path.join(dir, name))) throw new EvidenceError('EVIDENCE_NOT_FOUND', `no file ${name} in the package`);
      reply.header('content-type', CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream');
      reply.header('cache-control', 'private, no-store');
      return reply.send(createReadStream(path.join(dir, name)));
    },
  );
}
