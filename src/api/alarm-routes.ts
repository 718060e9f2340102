// Alarms over HTTP: the recent alarm list, their head-pixelated snapshots (viewing is audited),
// acknowledgement (audited), and a WebSocket pushing new alarms, acknowledgements and analysis
// pace as they happen. The alarm queue itself lives in src/events.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { WebSocket } from 'ws';
import type { ApiDeps, Guard } from './types.ts';
import type { Action, Principal } from '../access/index.ts';
import { isAlarm, type AlarmAck, type AlarmService, type AlarmView, type AnalysisPace } from '../events/index.ts';
import type { EventRow } from '../store/index.ts';
import { AlarmListSchema, AlarmSchema, ErrorSchema } from './schemas.ts';
import { toHttpError } from './error-map.ts';
import { auditAccess, sameOrigin } from './request-checks.ts';
import { maskPng } from '../privacy/index.ts';
import { maskAuditDetails, maskViewFor } from './privacy-view.ts';
import { closeWhenAccessEnds } from './access-gate.ts';

export const SEE_ALARMS: Action = 'alarm.see';
const ACK_ALARMS: Action = 'alarm.ack';

// The events part's alarm view and the response schema must agree: checked when this compiles.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const alarmViewMatchesSchema: Same<AlarmView, Static<typeof AlarmSchema>> = true;
void alarmViewMatchesSchema;

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const AlarmParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

const AlarmsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }), cameraId: Type.Optional(Type.String({ maxLength: 64 })) });

type SeesCamera = (user: Principal, cameraId: string | null) => boolean;

/** Only the cameras this user may watch. */
function visibleBehind(seesCamera: SeesCamera, user: Principal, all: Record<string, AnalysisPace>): Record<string, AnalysisPace> {
  const out: Record<string, AnalysisPace> = {};
  for (const [id, p] of Object.entries(all)) if (seesCamera(user, id)) out[id] = p;
  return out;
}

export function registerAlarmRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const { alarms, analytics } = deps;
  if (!alarms || !analytics) return;
  const seesCamera: SeesCamera = (user, cameraId) => cameraId !== null && guard.can(user, SEE_ALARMS, { type: 'camera', id: cameraId });

  app.get<{ Querystring: Static<typeof AlarmsQuery> }>(
    '/api/alarms',
    { schema: { tags: ['alarms'], summary: 'Recent alarms, newest first', querystring: AlarmsQuery, response: { 200: AlarmListSchema, ...errors } } },
    async (req) => {
      const user = guard(req, SEE_ALARMS, { type: 'cameras' });
      const detectors: Record<string, string> = {};
      for (const s of analytics.status()) detectors[s.cameraId] = s.detector;
      const list = await alarms.recent({ limit: req.query.limit, cameraId: req.query.cameraId, visible: (id) => seesCamera(user, id) });
      return { alarms: list, detectors, behind: visibleBehind(seesCamera, user, analytics.behind()) };
    },
  );

  app.get<{ Params: Static<typeof AlarmParams> }>(
    '/api/alarms/:id/snapshot',
    { schema: { tags: ['alarms'], summary: 'The alarm\'s snapshot, heads pixelated (viewing is audited)', params: AlarmParams } },
    async (req, reply) => {
      const e = await alarms.get(req.params.id);
      guard(req, SEE_ALARMS, { type: 'camera', id: e.cameraId ?? '' });
      const view = await maskViewFor(deps, req, e.cameraId ?? '');
      const png = maskPng(await alarms.snapshot(e), view.polygons);
      await auditAccess(deps.store, req, 'snapshot.view', e.cameraId, { eventId: e.id, ...maskAuditDetails(view) });
      reply.type('image/png').header('cache-control', 'private, no-store');
      return reply.send(png);
    },
  );

  app.post<{ Params: Static<typeof AlarmParams> }>(
    '/api/alarms/:id/ack',
    { schema: { tags: ['alarms'], summary: 'Acknowledge an alarm (audited)', params: AlarmParams, response: { 200: Type.Object({ alarm: AlarmSchema }), ...errors } } },
    async (req) => {
      const e = await alarms.get(req.params.id);
      const user = guard(req, ACK_ALARMS, { type: 'camera', id: e.cameraId ?? '' });
      return { alarm: await alarms.ack(e, { id: user.id, username: user.username, ip: req.ip }) };
    },
  );

  registerAlarmSocket(app, deps, alarms, guard, seesCamera);
}

/** New alarms, acknowledgements and analysis pace, each only for the cameras the user may watch. */
function registerAlarmSocket(app: FastifyInstance, deps: ApiDeps, alarms: AlarmService, guard: Guard, seesCamera: SeesCamera): void {
  app.get(
    '/api/events/live',
    {
      websocket: true,
      schema: { tags: ['alarms'], summary: 'New alarms and acknowledgements as JSON messages over WebSocket' },
      preValidation: async (req, reply) => {
        try {
          if (!sameOrigin(req.headers.origin, req.headers.host)) throw Object.assign(new Error('cross-origin WebSocket refused'), { statusCode: 403 });
          guard(req, SEE_ALARMS, { type: 'cameras' });
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
      const offEvent = alarms.bus.subscribe('event', (e: EventRow) => {
        if (!isAlarm(e) || !seesCamera(user, e.cameraId)) return;
        void alarms.views([e]).then(([alarm]) => send({ type: 'alarm', alarm, sentAt: Date.now() })).catch((err) => req.log.error({ err }, 'alarm push failed'));
      });
      const offAck = alarms.bus.subscribe('alarm.ack', (a: AlarmAck) => {
        if (seesCamera(user, a.cameraId)) send({ type: 'ack', eventId: a.eventId, ack: { by: a.ackedByName, at: a.ackedAt } });
      });
      const offBehind = alarms.bus.subscribe('analytics.behind', (all) => send({ type: 'behind', cameras: visibleBehind(seesCamera, user, all) }));
      // A signed-out or disabled user's socket closes within seconds.
      closeWhenAccessEnds(socket, req, deps, (p) => guard.can(p, SEE_ALARMS, { type: 'cameras' }));
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
