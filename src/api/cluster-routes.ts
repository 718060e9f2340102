// One control room over every node (issue 15): the nodes page's data, and recorded video of a
// camera served wherever its files are. A request for segments on another node's disk is
// proxied to that node with the viewer's own session cookie (sessions live in the shared
// PostgreSQL), so the node checks the permission and writes the audit entry under the viewer's
// name, exactly as if the viewer had asked it; the api adds nothing and keeps nothing.
// Proxy rather than a signed redirect: nodes need not be reachable from operators' browsers
// (they sit on camera networks), and no second kind of credential exists to leak.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { ApiDeps, Guard } from './types.ts';
import { AccessError, SESSION_COOKIE } from '../access/index.ts';
import { ClusterError, SEGMENT_TOKEN_HEADER } from '../cluster/index.ts';
import { PlaybackError, segmentFile } from '../playback/index.ts';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ClusterNodesSchema, ErrorSchema } from './schemas.ts';
import { SEE_ALARMS } from './alarm-views.ts';
import { Type, type Static } from '@sinclair/typebox';

const N = Type.Union([Type.Number(), Type.Null()]);
export const CameraHealthSchema = Type.Object({
  cameraId: Type.String(),
  nodeId: Type.String({ description: 'the node recording the camera, which sent the report' }),
  state: Type.Union([Type.Literal('connecting'), Type.Literal('online'), Type.Literal('offline'), Type.Literal('disabled')]),
  stateSince: Type.Number({ description: 'when the camera entered this state (ms)' }),
  fps: N, bitrateKbps: N, width: N, height: N, codec: Type.Union([Type.String(), Type.Null()]),
  reconnects: Type.Integer(), lastFrameAt: N, error: Type.Union([Type.String(), Type.Null()]),
  reportedAt: Type.Number({ description: 'when the node sent the report (every 10 s while it records the camera)' }),
  lostFrames: Type.Union([Type.Integer(), Type.Null()], { description: 'pictures the camera sent that the node could not record since its process started (damaged by lost packets, or skipped until the next keyframe); null: not counted' }),
});
const CameraHealthQuery = Type.Object({
  node: Type.Optional(Type.String({ maxLength: 64, description: 'only the cameras this node reported' })),
  after: Type.Optional(Type.String({ maxLength: 64, description: 'the previous page\'s `next`' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
}, { additionalProperties: false });

const CameraHealthSampleSchema = Type.Object({
  at: Type.Number({ description: 'when the node reported it (ms)' }),
  nodeId: Type.String(),
  state: CameraHealthSchema.properties.state,
  fps: N, bitrateKbps: N, reconnects: Type.Integer(), lostFrames: Type.Union([Type.Integer(), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]),
});
const HealthHistoryQuery = Type.Object({
  from: Type.Integer({ minimum: 0, description: 'from this time (ms)' }),
  to: Type.Integer({ minimum: 0, description: 'to this time (ms), not before from' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
}, { additionalProperties: false });

const PROXIED = new Set(['/api/cameras/:id/playback', '/api/cameras/:id/hls.m3u8', '/api/cameras/:id/hls/:start/init.mp4', '/api/cameras/:id/hls/:start']);
const PASSED_HEADERS = ['content-type', 'cache-control', 'x-vigil-mime', 'x-vigil-start-ms', 'x-vigil-end-ms', 'x-vigil-timeline', 'x-vigil-gaps'];


/** The milliseconds range a proxied recording request is about. */
function requestedRange(req: FastifyRequest): [number, number] | null {
  const q = req.query as { from?: string; to?: string };
  const p = req.params as { start?: string };
  const t = (v: string | undefined) => (v === undefined ? NaN : /^\d+$/.test(v) ? Number(v) : Date.parse(v));
  if (p.start !== undefined) {
    const ms = Number(/^(\d{1,15})/.exec(p.start)?.[1]);
    return Number.isFinite(ms) ? [ms, ms] : null;
  }
  const from = t(q.from);
  const to = t(q.to);
  return Number.isFinite(from) && Number.isFinite(to) ? [from, to] : null;
}

async function proxy(req: FastifyRequest, reply: FastifyReply, base: string): Promise<void> {
  const cookie = req.cookies[SESSION_COOKIE];
  const res = await fetch(new URL(req.url, base), { headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}, signal: AbortSignal.timeout(30_000) });
  reply.status(res.status);
  for (const h of PASSED_HEADERS) {
    const v = res.headers.get(h);
    if (v !== null) reply.header(h, v);
  }
  reply.header('x-vigil-node', new URL(base).host);
  await reply.send(res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream) : null);
}

export function registerClusterRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const cluster = deps.cluster;
  if (!cluster) return;

  app.get('/api/cluster/nodes', { schema: { tags: ['cluster'], summary: 'The nodes of the cluster and their health', response: { 200: ClusterNodesSchema } } }, async (req) => {
    guard(req, 'storage.read', { type: 'cameras' });
    return { self: cluster.nodeId, nodes: cluster.nodes() };
  });

  app.get<{ Querystring: Static<typeof CameraHealthQuery> }>(
    '/api/cluster/camera-health',
    {
      schema: {
        tags: ['cluster'],
        summary: 'The newest health report of each camera from the node recording it, by camera id a page at a time (a scoped user sees their cameras only)',
        querystring: CameraHealthQuery,
        response: { 200: Type.Object({ cameras: Type.Array(CameraHealthSchema), next: Type.Union([Type.String(), Type.Null()]) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req) => {
      const user = guard(req, 'storage.read', { type: 'cameras' });
      const limit = req.query.limit ?? 1000;
      const rows = await deps.store.listCameraHealth({ afterId: req.query.after, nodeId: req.query.node, limit });
      return {
        cameras: rows.filter((h) => guard.can(user, 'camera.read', { type: 'camera', id: h.cameraId })),
        next: rows.length === limit ? rows[rows.length - 1]!.cameraId : null,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: Static<typeof HealthHistoryQuery> }>(
    '/api/cluster/camera-health/:id/history',
    {
      schema: {
        tags: ['cluster'],
        summary: 'A camera\'s health history, newest first: a sample on every change of state and every 15 minutes otherwise, kept as long as events',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: HealthHistoryQuery,
        response: { 200: Type.Object({ cameraId: Type.String(), samples: Type.Array(CameraHealthSampleSchema) }), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (req) => {
      guard(req, 'storage.read', { type: 'cameras' });
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      if (req.query.to < req.query.from) throw new ClusterError('BAD_REQUEST', 'querystring/to must not be before from');
      const rows = await deps.store.listCameraHealthSamples({ cameraId: req.params.id, fromMs: req.query.from, toMs: req.query.to, limit: req.query.limit ?? 1000 });
      return { cameraId: req.params.id, samples: rows.map(({ cameraId: _, ...s }) => s) };
    },
  );

  // One segment file, bit for bit, for another process of the cluster that holds a token for it
  // (the api exporting a camera this node recorded). Not for browsers: they play through the api.
  app.get<{ Params: { id: string; start: string } }>(
    '/api/cluster/segments/:id/:start',
    {
      schema: {
        tags: ['cluster'],
        summary: `One segment file of this node, bit for bit, for another process of the cluster (an export through the api). No session: the ${SEGMENT_TOKEN_HEADER} header must carry a token signed for this camera and segment start, valid a minute (docs/decisions/064-export-across-nodes.md)`,
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, start: { type: 'string', pattern: '^[0-9]{1,15}$' } }, required: ['id', 'start'] },
      },
    },
    async (req, reply) => {
      const startMs = Number(req.params.start);
      const header = req.headers[SEGMENT_TOKEN_HEADER];
      const refusal = cluster.segmentTokenRefusal(typeof header === 'string' ? header : undefined, req.params.id, startMs);
      if (refusal) throw new AccessError('FORBIDDEN', refusal, { reason: 'SEGMENT_TOKEN' });
      const seg = (await deps.store.listSegments(req.params.id, startMs, startMs, 50)).find((s) => s.startMs === startMs && cluster.isLocal(s));
      if (!seg || !deps.recordingsDir) throw new PlaybackError('NOT_FOUND', `no segment of ${req.params.id} starting at ${startMs} on this node`, { reason: 'SEGMENT_NOT_FOUND' });
      const file = segmentFile(deps.recordingsDir, seg);
      // Deleted by retention since it was indexed: gone, which the export notes as a gap.
      const size = await stat(file).then((st) => st.size, () => null);
      if (size === null) throw new PlaybackError('NOT_FOUND', `the segment of ${req.params.id} at ${startMs} is no longer on this node`, { reason: 'RECORDING_UNREADABLE' });
      reply.type('video/mp4').header('cache-control', 'no-store').header('content-length', String(size));
      return reply.send(createReadStream(file));
    },
  );

  app.addHook('preHandler', async (req, reply) => {
    if (req.routeOptions.url === '/api/alarms/:id/snapshot') {
      // An alarm raised on a node has its snapshot on that node's disk: asked there, with the
      // viewer's own session (the node checks it, masks the picture and audits the viewing).
      const a = await deps.store.getAlarm((req.params as { id: string }).id);
      const node = typeof a?.details.node === 'string' ? a.details.node : null;
      if (!a || node === null || node === cluster.nodeId) return;
      guard(req, SEE_ALARMS, { type: 'camera', id: a.cameraId });
      const base = cluster.liveNodeUrl(node);
      if (!base) throw new ClusterError('NODE_UNKNOWN', `the snapshot of alarm ${a.id} is on node ${node}, which is not reachable now`);
      await proxy(req, reply, base);
      return;
    }
    if (!PROXIED.has(req.routeOptions.url ?? '')) return;
    const cameraId = (req.params as { id: string }).id;
    guard(req, 'recording.play', { type: 'camera', id: cameraId });
    const range = requestedRange(req);
    if (!range) return; // the route answers the bad range itself
    const segs = await deps.store.listSegments(cameraId, range[0], range[1], 10_000);
    const base = cluster.remoteHolder(segs);
    if (base) await proxy(req, reply, base);
  });
}
