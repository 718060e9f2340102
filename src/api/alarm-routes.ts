// Alarms over HTTP: the queue of open alarms, one alarm with its activity log, the workflow's
// commands (each audited and pushed live), the head-pixelated snapshot (viewing is audited) and
// "protect video" (an evidence lock on the alarm's interval). History and CSV export are in
// alarm-history-routes.ts, the live WebSocket in alarm-socket.ts. The queue itself is src/events.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import type { Action } from '../access/index.ts';
import { MAX_SNOOZE_MS, type AlarmCommand } from '../events/index.ts';
import { newId } from '../core/index.ts';
import { ErrorSchema } from './schemas.ts';
import { auditAccess } from './request-checks.ts';
import { maskPng } from '../privacy/index.ts';
import { maskAuditDetails, maskViewFor } from './privacy-view.ts';
import {
  AlarmDetailSchema, AlarmQueueQuery, AlarmQueueSchema, AlarmReplySchema, CommentBody, HoldBody, PriorityBody, ProtectBody, ProtectReplySchema,
  ResolveBody, SnoozeBody, StepBody,
} from './alarm-schemas.ts';
import { alarmAccess, COMMAND_ACTION, SEE_ALARMS } from './alarm-views.ts';
import { registerAlarmHistoryRoutes } from './alarm-history-routes.ts';
import { registerAlarmSocket } from './alarm-socket.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema };
export const AlarmParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

/** The workflow's commands, one route each: path, body schema, and the command it makes. */
const COMMANDS: { path: string; summary: string; body?: TSchema; command: (body: never) => AlarmCommand & { type: keyof typeof COMMAND_ACTION } }[] = [
  { path: 'ack', summary: 'Acknowledge (the second of two operators is told who was first: 409)', command: () => ({ type: 'ack' }) },
  { path: 'take', summary: 'Take it: in progress, owned by you (409 naming the owner when someone has it)', command: () => ({ type: 'take' }) },
  { path: 'release', summary: 'Give it back to the queue (owner only)', command: () => ({ type: 'release' }) },
  { path: 'hold', summary: 'Put on hold, with an optional note (owner only)', body: HoldBody, command: (b: Static<typeof HoldBody>) => ({ type: 'hold', note: b.note }) },
  { path: 'resolve', summary: 'Resolve with an outcome (owner, or from on hold)', body: ResolveBody, command: (b: Static<typeof ResolveBody>) => ({ type: 'resolve', outcome: b.outcome, note: b.note }) },
  { path: 'reopen', summary: 'Reopen a resolved alarm', command: () => ({ type: 'reopen' }) },
  { path: 'priority', summary: 'Change the priority (1 most urgent … 255)', body: PriorityBody, command: (b: Static<typeof PriorityBody>) => ({ type: 'priority', priority: b.priority }) },
  { path: 'steps', summary: 'Tick (or untick) one of the rule\'s instructions (owner only)', body: StepBody, command: (b: Static<typeof StepBody>) => ({ type: 'step', index: b.index, done: b.done }) },
  { path: 'snooze', summary: 'Snooze a new or acknowledged alarm (no escalation meanwhile)', body: SnoozeBody, command: (b: Static<typeof SnoozeBody>) => ({ type: 'snooze', untilMs: Date.now() + Math.min(b.seconds * 1000, MAX_SNOOZE_MS) }) },
  { path: 'comments', summary: 'Add a comment (at most 4000 characters; longer: 413)', body: CommentBody, command: (b: Static<typeof CommentBody>) => ({ type: 'comment', text: b.text }) },
];

export function registerAlarmRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const { alarms, analytics } = deps;
  if (!alarms || !analytics) return;
  const access = alarmAccess(alarms, guard);

  app.get<{ Querystring: Static<typeof AlarmQueueQuery> }>(
    '/api/alarms',
    { schema: { tags: ['alarms'], summary: 'Open alarms (not resolved), most urgent first, then newest', querystring: AlarmQueueQuery, response: { 200: AlarmQueueSchema, ...errors } } },
    async (req) => {
      const user = guard(req, SEE_ALARMS, { type: 'cameras' });
      const detectors: Record<string, string> = {};
      for (const s of analytics.status()) detectors[s.cameraId] = s.detector;
      const rows = await alarms.queue({ limit: req.query.limit, visible: (id) => access.seesCamera(user, id) });
      const behind: Record<string, ReturnType<typeof analytics.behind>[string]> = {};
      for (const [id, p] of Object.entries(analytics.behind())) if (access.seesCamera(user, id)) behind[id] = p;
      return { alarms: await access.views(rows, user), detectors, behind };
    },
  );

  registerAlarmHistoryRoutes(app, deps, alarms, guard, access);

  /** The alarm, once the user may do `action` on its camera (the route table checked the role). */
  const visibleAlarm = async (req: FastifyRequest<{ Params: Static<typeof AlarmParams> }>, action: Action) => {
    const a = await alarms.get(req.params.id);
    const user = guard(req, action, { type: 'camera', id: a.cameraId });
    return { a, user };
  };

  app.get<{ Params: Static<typeof AlarmParams> }>(
    '/api/alarms/:id',
    { schema: { tags: ['alarms'], summary: 'One alarm and its activity log (every change, comment and step)', params: AlarmParams, response: { 200: AlarmDetailSchema, ...errors } } },
    async (req) => {
      const { a, user } = await visibleAlarm(req, SEE_ALARMS);
      const activity = await alarms.activity(a.id);
      return { alarm: await access.view(a, user), activity: activity.map(({ alarmId: _, ...line }) => line) };
    },
  );

  app.get<{ Params: Static<typeof AlarmParams> }>(
    '/api/alarms/:id/snapshot',
    { schema: { tags: ['alarms'], summary: 'The alarm\'s snapshot, heads pixelated and privacy masks applied (viewing is audited)', params: AlarmParams } },
    async (req, reply) => {
      const { a } = await visibleAlarm(req, SEE_ALARMS);
      const view = await maskViewFor(deps, req, a.cameraId);
      const png = maskPng(await alarms.snapshot(a), view.polygons);
      await auditAccess(deps.store, req, 'snapshot.view', a.cameraId, { alarmId: a.id, eventId: a.eventId, ...maskAuditDetails(view) });
      reply.type('image/png').header('cache-control', 'private, no-store');
      return reply.send(png);
    },
  );

  for (const c of COMMANDS) {
    app.post<{ Params: Static<typeof AlarmParams>; Body: unknown }>(
      `/api/alarms/:id/${c.path}`,
      { schema: { tags: ['alarms'], summary: `${c.summary} (audited, pushed live)`, params: AlarmParams, ...(c.body ? { body: c.body } : {}), response: { 200: AlarmReplySchema, ...errors } } },
      async (req) => {
        const command = c.command((req.body ?? {}) as never);
        const { a, user } = await visibleAlarm(req, COMMAND_ACTION[command.type]);
        const row = await alarms.act(a.id, command, { id: user.id, username: user.username, ip: req.ip });
        return { alarm: await access.view(row, user) };
      },
    );
  }

  app.post<{ Params: Static<typeof AlarmParams>; Body: Static<typeof ProtectBody> }>(
    '/api/alarms/:id/protect',
    { schema: { tags: ['alarms', 'evidence'], summary: 'Protect the video: an evidence lock on the alarm\'s interval, with a reason (audited)', params: AlarmParams, body: ProtectBody, response: { 201: ProtectReplySchema, ...errors } } },
    async (req, reply) => {
      const { a, user } = await visibleAlarm(req, 'evidence.lock');
      const { reason, beforeSeconds, afterSeconds } = req.body;
      const lock = { id: newId('lck'), cameraId: a.cameraId, fromMs: a.firstAt - beforeSeconds * 1000, toMs: a.lastAt + afterSeconds * 1000, reason, createdBy: user.id, createdAt: Date.now() };
      await deps.store.addEvidenceLock(lock, { actor: user.id, ip: req.ip, action: 'evidence.lock', cameraId: a.cameraId, details: { lockId: lock.id, from: lock.fromMs, to: lock.toMs, reason, alarmId: a.id } });
      // The alarm's own log says so too, as a line by the same user.
      await alarms.act(a.id, { type: 'comment', text: `video protected ${new Date(lock.fromMs).toISOString()} – ${new Date(lock.toMs).toISOString()}: ${reason}` }, { id: user.id, username: user.username, ip: req.ip });
      reply.status(201);
      return { lock: { id: lock.id, cameraId: lock.cameraId, fromMs: lock.fromMs, toMs: lock.toMs, reason } };
    },
  );

  registerAlarmSocket(app, deps, alarms, guard, access);
}
