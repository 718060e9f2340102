// Evidence export over HTTP: ask for an export (cameras, interval, reason), follow its progress,
// download it as a tar (or file by file). Asking and downloading are authorized per camera and
// audited; the reason is required because an export takes video out of the system.
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ApiDeps, Guard } from './types.ts';
import { ErrorSchema, ExportJobSchema as JobSchema } from './schemas.ts';
import { auditAccess } from './request-checks.ts';
import { parseTime } from './playback-routes.ts';
import { CHECKPOINT_FILE } from '../audit/index.ts';
import { ExportError, ExportService, exportEntries, safeFileName, tarStream, MANIFEST_FILE, SIGNATURE_FILE, type ExportJobView, type ExportTransform, type SegmentReader, localSegmentReader } from '../export/index.ts';
import { readFmp4 } from '../media/index.ts';
import { can, type Principal } from '../access/index.ts';
import { redactExportFile } from '../privacy/index.ts';
import { purposeDetails } from './privacy-view.ts';

const ExportBody = Type.Object(
  {
    cameras: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 64 }),
    from: Type.String({ minLength: 1, maxLength: 40, description: 'ms since epoch or ISO 8601' }),
    to: Type.String({ minLength: 1, maxLength: 40, description: 'ms since epoch or ISO 8601' }),
    reason: Type.String({ maxLength: 2000, description: 'purpose, case or request number: audited and written into the signed manifest' }),
    purposeId: Type.Optional(Type.String({ maxLength: 64, description: 'needed past the free window: a purpose from GET /api/purposes' })),
    purposeText: Type.Optional(Type.String({ maxLength: 500 })),
    liftRedaction: Type.Optional(Type.Object({ reason: Type.String({ maxLength: 2000 }) }, {
      additionalProperties: false,
      description: 'leave faces and licence plates unredacted: needs export.approve on every camera and a reason (audited, in the manifest); with four-eyes export only the approver may',
    })),
  },
  { additionalProperties: false },
);

const ApproveBody = Type.Object(
  { liftRedaction: Type.Optional(Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false, description: 'approve with faces and plates unredacted, for this reason (audited, in the manifest)' })) },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const FileParams = Type.Object({ id: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 220 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

/**
 * Rewrites each exported file as the export may leave the building: the camera's masks burned in
 * as the requester would see them (permanent always, liftable unless lifted), and faces and licence
 * plates pixelated unless an approver lifted that with a reason. The archive keeps the original.
 * requester null (an account deleted or disabled before its request was approved): every mask is burned in.
 */
function exportTransform(deps: ApiDeps, requester: Principal | null, requesterId: string): ExportTransform {
  return async (cameraId, filePath, ctx) => {
    const mayLift = requester !== null && can(requester, 'mask.lift', { type: 'camera', id: cameraId }, deps.cameraScopes);
    const view = deps.privacy ? await deps.privacy.viewFor(cameraId, requesterId, mayLift) : { polygons: [], lifted: false };
    return redactExportFile({
      filePath, polygons: view.polygons, masksLifted: view.lifted, lift: ctx.redactionLift,
      find: deps.exportRedaction ? () => deps.exportRedaction!.finder() : null, looksPerSecond: deps.exportRedaction?.looksPerSecond,
    });
  };
}

/** The requester of a four-eyes export as they are now (their masks and rights when it is produced), or null when gone or disabled. */
async function requesterNow(deps: ApiDeps, userId: string): Promise<Principal | null> {
  const u = await deps.store.getUser(userId);
  return u && !u.disabled ? deps.auth.principalOf(u) : null;
}

function clusterSegmentReader(cluster: NonNullable<ApiDeps['cluster']>, recordingsDir: string): SegmentReader {
  const local = localSegmentReader(recordingsDir);
  return async (seg) => {
    if (cluster.isLocal(seg)) return local(seg);
    const bytes = await cluster.fetchSegment(seg);
    return bytes ? { bytes, mp4: readFmp4(bytes) } : null;
  };
}

export function registerExportRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  let service: ExportService | null = null;
  const exportsOf = (): ExportService => {
    if (!deps.dataDir || !deps.recordingsDir) throw new ExportError('NOT_FOUND', 'export is not configured on this server');
    service ??= new ExportService({
      store: deps.store,
      recordingsDir: deps.recordingsDir,
      keysDir: path.join(deps.dataDir, 'keys'),
      checkpointFile: path.join(deps.dataDir, 'audit', CHECKPOINT_FILE),
      exportsDir: path.join(deps.dataDir, 'exports'),
      // A camera recorded on another node: its files are fetched from that node (a token signed
      // for each segment, valid a minute), and the export is made, signed and audited here.
      readSegment: deps.cluster ? clusterSegmentReader(deps.cluster, deps.recordingsDir) : undefined,
      // Four-eyes requests wait in the store: a restart loses none.
      requests: deps.store,
    });
    return service;
  };

  /** The job, when this user may see it: every camera in it exportable, and their own unless admin. */
  const jobFor = async (req: FastifyRequest, id: string): Promise<{ user: Principal; job: ExportJobView }> => {
    const job = await exportsOf().find(id);
    if (!job) throw new ExportError('NOT_FOUND', `no export ${id}`);
    let user: Principal | null = null;
    for (const c of job.cameras) user = guard(req, 'recording.export', { type: 'camera', id: c });
    if (user!.role !== 'admin' && job.createdBy !== user!.id) throw new ExportError('NOT_FOUND', `no export ${id}`);
    return { user: user!, job };
  };

  app.post<{ Body: Static<typeof ExportBody> }>(
    '/api/exports',
    { schema: { tags: ['exports'], summary: 'Start an export of cameras over one interval (audited with the reason)', body: ExportBody, response: { 202: Type.Object({ export: JobSchema }), ...errors } } },
    async (req, reply) => {
      let user: Principal | null = null;
      for (const c of req.body.cameras) user = guard(req, 'recording.export', { type: 'camera', id: c });
      for (const c of req.body.cameras) await deps.cameras.get(c);
      const fromMs = parseTime(req.body.from, 'from');
      // Leaving faces and plates in is an approver's decision: export.approve on every camera.
      let liftBy: Principal | null = null;
      if (req.body.liftRedaction) for (const c of req.body.cameras) liftBy = guard(req, 'export.approve', { type: 'camera', id: c });
      // An export needs a purpose like playing does, past the free window (purposeText defaults to the reason).
      const purpose = await purposeDetails(deps, req, fromMs, { purposeId: req.body.purposeId, purposeText: req.body.purposeText ?? req.body.reason });
      const job = await exportsOf().start({
        cameras: req.body.cameras,
        auditDetails: purpose,
        fromMs,
        toMs: parseTime(req.body.to, 'to'),
        reason: req.body.reason,
        actor: user!.id,
        ip: req.ip,
        transform: exportTransform(deps, user!, user!.id),
        needsApproval: deps.fourEyesExport === true,
        actorName: user!.username,
        redactionLift: liftBy ? { by: liftBy.id, byName: liftBy.username, reason: req.body.liftRedaction!.reason } : undefined,
        purpose: purpose.purposeId ? { name: String(purpose.purpose), text: String(purpose.purposeText ?? '') } : null,
      });
      reply.status(202);
      return { export: job };
    },
  );

  // issue 13: the requester follows their own requests (state, the approver's decision, download once done).
  app.get(
    '/api/exports',
    { schema: { tags: ['exports'], summary: 'This user\'s own exports, newest first: this process\'s jobs and every four-eyes request kept in the store (a plain export made before a restart is not listed; the audit log keeps it)', response: { 200: Type.Object({ exports: Type.Array(JobSchema) }), ...errors } } },
    async (req) => {
      const user = req.principal!;
      const exportable = (j: ExportJobView) => j.cameras.every((c) => guard.can(user, 'recording.export', { type: 'camera', id: c }));
      return { exports: (await exportsOf().requestedBy(user.id)).filter(exportable) };
    },
  );

  app.get(
    '/api/export-requests',
    { schema: { tags: ['exports'], summary: 'Export requests awaiting a second user (four eyes), of cameras this user may approve', response: { 200: Type.Object({ requests: Type.Array(JobSchema) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'export.approve', { type: 'cameras' });
      const mine = (j: ExportJobView) => j.cameras.every((c) => guard.can(user, 'export.approve', { type: 'camera', id: c }));
      return { requests: (await exportsOf().pending()).filter(mine) };
    },
  );

  /** The approver: export.approve on every camera of the request (the requester is refused by the service). */
  const approverFor = async (req: FastifyRequest, id: string): Promise<{ user: Principal; job: ExportJobView }> => {
    const job = await exportsOf().find(id);
    if (!job) throw new ExportError('NOT_FOUND', `no export ${id}`);
    let user: Principal | null = null;
    for (const c of job.cameras) user = guard(req, 'export.approve', { type: 'camera', id: c });
    return { user: user!, job };
  };

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ApproveBody> }>(
    '/api/exports/:id/approve',
    // The body is optional (a bare POST approves), so it is checked here rather than by a schema that would refuse an empty one.
    { schema: { tags: ['exports'], summary: 'Approve another user\'s export request (four eyes; audited); it is then produced. Optional body { liftRedaction: { reason } }: approve with faces and plates unredacted, for this reason (audited, in the manifest)', params: IdParams, response: { 200: Type.Object({ export: JobSchema }), ...errors } } },
    async (req) => {
      const { user, job } = await approverFor(req, req.params.id);
      const body = req.body as unknown;
      if (body !== undefined && body !== null && !Value.Check(ApproveBody, body)) throw new ExportError('BAD_REQUEST', 'body: expected nothing or { liftRedaction: { reason } }');
      const transform = exportTransform(deps, await requesterNow(deps, job.createdBy), job.createdBy);
      return { export: await exportsOf().approve(req.params.id, { id: user.id, username: user.username, ip: req.ip }, { liftRedactionReason: (body as Static<typeof ApproveBody> | undefined)?.liftRedaction?.reason, transform }) };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: { reason: string } }>(
    '/api/exports/:id/refuse',
    { schema: { tags: ['exports'], summary: 'Refuse another user\'s export request, with a reason (four eyes; audited)', params: IdParams, body: Type.Object({ reason: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }), response: { 200: Type.Object({ export: JobSchema }), ...errors } } },
    async (req) => {
      const { user } = await approverFor(req, req.params.id);
      return { export: await exportsOf().refuse(req.params.id, { id: user.id, username: user.username, ip: req.ip }, req.body.reason) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/exports/:id',
    { schema: { tags: ['exports'], summary: 'State and progress (0..1) of an export', params: IdParams, response: { 200: Type.Object({ export: JobSchema }), ...errors } } },
    async (req) => ({ export: (await jobFor(req, req.params.id)).job }),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/exports/:id/download',
    { schema: { tags: ['exports'], summary: 'A finished export as a tar archive (manifest.json, manifest.sig, MP4 files); audited', params: IdParams, response: errors } },
    async (req, reply) => {
      const { job } = await jobFor(req, req.params.id);
      const dir = exportsOf().directory(job.id);
      if (!dir) throw new ExportError('NOT_FOUND', `export ${job.id} is ${job.state}, not ready`);
      await auditAccess(deps.store, req, 'export.download', null, { exportId: job.id, cameras: job.cameras });
      const entries = exportEntries(dir).map((e) => ({ ...e, name: `vigil-export-${job.id}/${e.name}` }));
      reply.type('application/x-tar').header('content-disposition', `attachment; filename="vigil-export-${job.id}.tar"`);
      return reply.send(Readable.from(tarStream(entries)));
    },
  );

  app.get<{ Params: Static<typeof FileParams> }>(
    '/api/exports/:id/files/:name',
    { schema: { tags: ['exports'], summary: 'One file of a finished export; audited', params: FileParams, response: errors } },
    async (req, reply) => {
      const { job } = await jobFor(req, req.params.id);
      const dir = exportsOf().directory(job.id);
      const name = req.params.name;
      const known = name === MANIFEST_FILE || name === SIGNATURE_FILE || (safeFileName(name) && job.files.some((f) => f.name === name));
      if (!dir || !known) throw new ExportError('NOT_FOUND', `export ${job.id} has no file ${name}`);
      await auditAccess(deps.store, req, 'export.download', null, { exportId: job.id, file: name });
      reply.type(name.endsWith('.mp4') ? 'video/mp4' : name.endsWith('.json') ? 'application/json' : 'text/plain').header('content-disposition', `attachment; filename="${name}"`);
      return reply.send(createReadStream(path.join(dir, name)));
    },
  );
}
