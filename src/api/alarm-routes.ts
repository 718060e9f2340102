// Alarms over HTTP: per-camera analytics settings (admin, audited), the recent alarm list, their
// head-blurred snapshots (viewing is audited), acknowledgement (audited), line counts by bucket,
// and a WebSocket pushing new alarms and acknowledgements as they happen.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WebSocket } from 'ws';
import type { ApiDeps, Guard } from './server.ts';
import type { EventRow } from '../store/types.ts';
import { can, type Action, type Principal } from '../access/index.ts';
import { AnalyticsConfig } from '../core/config-schema.ts';
import { AlarmError, ALARM_KIND_PREFIX, bucketCounts, type AlarmAck, type LiveAnalytics, type Pace } from '../alarms/index.ts';
import { CameraParams, ErrorSchema, TimeMs } from './schemas.ts';
import { toHttpError } from './error-map.ts';

// Until access gains alarm.* actions: seeing alarms and their snapshots goes with seeing the
// camera live; acknowledging with the operator's rights (recording.play: admin and operator);
// changing analytics with changing the camera (admin).
const SEE_ALARMS: Action = 'camera.live';
const ACK_ALARMS: Action = 'recording.play';
const CONFIGURE: Action = 'camera.update';

const RULE_KINDS = ['line_crossing', 'zone_intrusion', 'dwell', 'left_object', 'crowd', 'tamper'] as const;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const AlarmParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

const AlarmSchema = Type.Object({
  id: Type.String(),
  ts: Type.Number(),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  cameraName: Type.String(),
  ruleKind: Type.String(),
  rule: Type.String(),
  severity: Type.String(),
  cls: Type.Union([Type.String(), Type.Null()]),
  trackId: Type.Union([Type.Number(), Type.Null()]),
  direction: Type.Union([Type.String(), Type.Null()]),
  box: Type.Union([Type.Array(Type.Number()), Type.Null()]),
  detector: Type.Union([Type.String(), Type.Null()]),
  snapshotUrl: Type.Union([Type.String(), Type.Null()]),
  ack: Type.Union([Type.Object({ by: Type.String(), at: Type.Number() }), Type.Null()]),
});
type AlarmView = Static<typeof AlarmSchema>;

function alarmView(e: EventRow, cameraName: string, ack: { by: string; at: number } | null): AlarmView {
  const d = e.details as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: e.id,
    ts: e.ts,
    cameraId: e.cameraId,
    cameraName,
    ruleKind: str(d.ruleKind) ?? e.kind.slice(ALARM_KIND_PREFIX.length),
    rule: str(d.rule) ?? '',
    severity: e.severity,
    cls: str(d.cls),
    trackId: typeof d.trackId === 'number' ? d.trackId : null,
    direction: str(d.direction),
    box: Array.isArray(d.box) ? (d.box as number[]) : null,
    detector: str(d.detector),
    snapshotUrl: d.snapshot ? `/api/alarms/${e.id}/snapshot` : null,
    ack,
  };
}

const PaceSchema = Type.Object({ analysedFps: Type.Number(), expectedFps: Type.Number(), behind: Type.Boolean() });

/** Only the cameras this user may watch. */
function visibleBehind(user: Principal, all: Record<string, Pace>): Record<string, Pace> {
  const out: Record<string, Pace> = {};
  for (const [id, p] of Object.entries(all)) if (can(user, SEE_ALARMS, { type: 'camera', id })) out[id] = p;
  return out;
}

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true; // non-browser clients
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function registerAlarmRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const analytics = deps.alarms;
  if (!analytics || !deps.dataDir) return;
  const dataDir = deps.dataDir;
  const names = async () => new Map((await deps.store.listCameras()).map((c) => [c.id, c.name]));
  const userName = async (id: string) => (await deps.store.getUser(id))?.username ?? id;
  const seeable = (user: Principal, e: EventRow) => e.cameraId !== null && can(user, SEE_ALARMS, { type: 'camera', id: e.cameraId });

  async function views(events: EventRow[]): Promise<AlarmView[]> {
    const [n, acks] = await Promise.all([names(), deps.store.listEventAcks(events.map((e) => e.id))]);
    const byId = new Map(acks.map((a) => [a.eventId, a]));
    const users = new Map<string, string>();
    for (const a of acks) if (!users.has(a.ackedBy)) users.set(a.ackedBy, await userName(a.ackedBy));
    return events.map((e) => {
      const a = byId.get(e.id);
      return alarmView(e, n.get(e.cameraId ?? '') ?? e.cameraId ?? '', a ? { by: users.get(a.ackedBy) ?? a.ackedBy, at: a.ackedAt } : null);
    });
  }

  async function eventOr404(id: string): Promise<EventRow> {
    const e = await deps.store.getEvent(id);
    if (!e || !e.kind.startsWith(ALARM_KIND_PREFIX)) throw new AlarmError('NOT_FOUND', `no alarm ${id}`);
    return e;
  }

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/analytics',
    { schema: { tags: ['alarms'], summary: 'Analytics settings of a camera (admin)', params: CameraParams, response: { 200: Type.Object({ settings: AnalyticsConfig, detector: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (req) => {
      guard(req, CONFIGURE, { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      return { settings: await analytics.settings(req.params.id), detector: analytics.detectorFor(req.params.id) };
    },
  );

  app.put<{ Params: Static<typeof CameraParams>; Body: Static<typeof AnalyticsConfig> }>(
    '/api/cameras/:id/analytics',
    { schema: { tags: ['alarms'], summary: 'Change a camera\'s analytics (admin, audited); the analyser restarts', params: CameraParams, body: AnalyticsConfig, response: { 200: Type.Object({ settings: AnalyticsConfig, detector: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (req) => {
      const user = guard(req, CONFIGURE, { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const settings = await analytics.update(req.params.id, req.body, { actor: user.id, ip: req.ip });
      return { settings, detector: analytics.detectorFor(req.params.id) };
    },
  );

  const CountsQuery = Type.Object({
    line: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(TimeMs('ms since the epoch (default: an hour ago)')),
    to: Type.Optional(TimeMs('ms since the epoch (default: now)')),
    bucket: Type.Integer({ minimum: 60, maximum: 31 * 86400, default: 60, description: 'seconds, a multiple of 60' }),
  });
  app.get<{ Params: Static<typeof CameraParams>; Querystring: Static<typeof CountsQuery> }>(
    '/api/cameras/:id/counts',
    { schema: { tags: ['alarms'], summary: 'Line-crossing counts per class and direction per bucket', params: CameraParams, querystring: CountsQuery } },
    async (req) => {
      guard(req, 'camera.read', { type: 'camera', id: req.params.id });
      await deps.cameras.get(req.params.id);
      const to = req.query.to ?? Date.now();
      const from = req.query.from ?? to - 3600_000;
      if (to < from) throw new AlarmError('BAD_REQUEST', '`to` is before `from`');
      const rows = await deps.store.listLineCounts({ cameraId: req.params.id, line: req.query.line, fromMs: Math.floor(from / 60000) * 60000, toMs: to });
      return { cameraId: req.params.id, from, to, bucketSeconds: req.query.bucket, buckets: bucketCounts(rows, Math.floor(from / 60000) * 60000, req.query.bucket) };
    },
  );

  const AlarmsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), cameraId: Type.Optional(Type.String({ maxLength: 64 })) });
  app.get<{ Querystring: Static<typeof AlarmsQuery> }>(
    '/api/alarms',
    { schema: { tags: ['alarms'], summary: 'Recent alarms, newest first', querystring: AlarmsQuery, response: { 200: Type.Object({ alarms: Type.Array(AlarmSchema), detectors: Type.Record(Type.String(), Type.String()), behind: Type.Record(Type.String(), PaceSchema, { description: 'Cameras whose live analysis is falling behind (analysing under 90 % of what the stream allows over the last 10 s): alarms come late, short events can be missed.' }) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.list', { type: 'cameras' });
      const now = Date.now();
      const lists = await Promise.all(RULE_KINDS.map((k) => deps.store.listEvents({ fromMs: 0, toMs: now, kind: ALARM_KIND_PREFIX + k, cameraId: req.query.cameraId, limit: req.query.limit })));
      const events = lists.flat().filter((e) => seeable(user, e)).sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : 1)).slice(0, req.query.limit);
      const detectors: Record<string, string> = {};
      for (const s of analytics.status()) detectors[s.cameraId] = s.detector;
      return { alarms: await views(events), detectors, behind: visibleBehind(user, analytics.behind()) };
    },
  );

  app.get<{ Params: Static<typeof AlarmParams> }>(
    '/api/alarms/:id/snapshot',
    { schema: { tags: ['alarms'], summary: 'The alarm\'s snapshot, heads pixelated (viewing is audited)', params: AlarmParams } },
    async (req, reply) => {
      const e = await eventOr404(req.params.id);
      const user = guard(req, SEE_ALARMS, { type: 'camera', id: e.cameraId ?? '' });
      const rel = (e.details as { snapshot?: unknown }).snapshot;
      if (typeof rel !== 'string' || rel.includes('..') || !rel.startsWith('snapshots/')) throw new AlarmError('NOT_FOUND', 'this alarm has no snapshot');
      // The alarm goes out before its picture is written: wait for it.
      await analytics.recorder.snapshotReady(rel);
      let png: Buffer;
      try {
        png = await readFile(path.join(dataDir, rel));
      } catch {
        throw new AlarmError('NOT_FOUND', 'snapshot file is gone');
      }
      // No audit entry, no picture.
      await deps.store.appendAudit({ actor: user.id, ip: req.ip, action: 'snapshot.view', cameraId: e.cameraId, details: { eventId: e.id } });
      reply.type('image/png').header('cache-control', 'private, no-store');
      return reply.send(png);
    },
  );

  app.post<{ Params: Static<typeof AlarmParams> }>(
    '/api/alarms/:id/ack',
    { schema: { tags: ['alarms'], summary: 'Acknowledge an alarm (audited)', params: AlarmParams, response: { 200: Type.Object({ alarm: AlarmSchema }), ...errors } } },
    async (req) => {
      const e = await eventOr404(req.params.id);
      const user = guard(req, ACK_ALARMS, { type: 'camera', id: e.cameraId ?? '' });
      const ackedAt = Date.now();
      const fresh = await deps.store.ackEvent(
        { eventId: e.id, ackedBy: user.id, ackedAt },
        { actor: user.id, ip: req.ip, action: 'alarm.ack', cameraId: e.cameraId, details: { eventId: e.id, rule: (e.details as { rule?: unknown }).rule ?? null } },
      );
      if (fresh) analytics.bus.publish('alarm.ack', { eventId: e.id, cameraId: e.cameraId, ackedBy: user.id, ackedByName: user.username, ackedAt });
      return { alarm: (await views([e]))[0] };
    },
  );

  app.get(
    '/api/events/live',
    {
      websocket: true,
      schema: { tags: ['alarms'], summary: 'New alarms and acknowledgements as JSON messages over WebSocket' },
      preValidation: async (req, reply) => {
        try {
          if (!sameOrigin(req.headers.origin, req.headers.host)) throw Object.assign(new Error('cross-origin WebSocket refused'), { statusCode: 403 });
          guard(req, 'camera.list', { type: 'cameras' });
        } catch (err) {
          const { status, body } = toHttpError(err);
          reply.status(status).send(body);
        }
      },
    },
    (socket: WebSocket, req: FastifyRequest) => {
      const user = req.principal!;
      const send = (msg: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
      };
      const offEvent = analytics.bus.subscribe('event', (e: EventRow) => {
        if (!e.kind.startsWith(ALARM_KIND_PREFIX) || !seeable(user, e)) return;
        void views([e]).then(([alarm]) => send({ type: 'alarm', alarm, sentAt: Date.now() })).catch((err) => req.log.error({ err }, 'alarm push failed'));
      });
      const offAck = analytics.bus.subscribe('alarm.ack', (a: AlarmAck) => {
        if (a.cameraId && can(user, SEE_ALARMS, { type: 'camera', id: a.cameraId })) send({ type: 'ack', eventId: a.eventId, ack: { by: a.ackedByName, at: a.ackedAt } });
      });
      const offBehind = analytics.bus.subscribe('analytics.behind', (all) => send({ type: 'behind', cameras: visibleBehind(user, all) }));
      socket.on('close', () => {
        offEvent();
        offAck();
        offBehind();
      });
      socket.on('message', () => undefined);
      send({ type: 'hello' });
    },
  );
}

export type { LiveAnalytics };
