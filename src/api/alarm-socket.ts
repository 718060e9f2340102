// /api/events/live: every alarm change (raised, folded, acknowledged, taken, resolved, commented …)
// and analysis pace, each only to users who may watch the camera; escalations also go, as their own
// message, to the supervisors.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ApiDeps, Guard } from './types.ts';
import type { Principal } from '../access/index.ts';
import type { AlarmChange, AlarmService, AnalysisPace } from '../events/index.ts';
import { toHttpError } from './error-map.ts';
import { sameOrigin } from './request-checks.ts';
import { closeWhenAccessEnds } from './access-gate.ts';
import { SEE_ALARMS, type AlarmAccess } from './alarm-views.ts';
import type { AlarmSocketMessage } from './alarm-schemas.ts';

function visibleBehind(access: AlarmAccess, user: Principal, all: Record<string, AnalysisPace>): Record<string, AnalysisPace> {
  const out: Record<string, AnalysisPace> = {};
  for (const [id, p] of Object.entries(all)) if (access.seesCamera(user, id)) out[id] = p;
  return out;
}

export function registerAlarmSocket(app: FastifyInstance, deps: ApiDeps, alarms: AlarmService, guard: Guard, access: AlarmAccess): void {
  app.get(
    '/api/events/live',
    {
      websocket: true,
      schema: { tags: ['alarms'], summary: 'Alarm changes, escalations and analysis pace as JSON messages over WebSocket' },
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
      const supervisor = access.supervises(user);
      const send = (msg: AlarmSocketMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
      };
      const offAlarm = alarms.bus.subscribe('alarm', (c: AlarmChange) => {
        if (!access.seesCamera(user, c.alarm.cameraId)) return;
        void access.view(c.alarm, user)
          .then((alarm) => {
            send({ type: 'alarm', change: c.change, alarm, activity: c.activity, ...(c.hit ? { hit: c.hit } : {}), sentAt: Date.now() });
            if (c.change === 'escalate' && supervisor) send({ type: 'escalation', alarm, sentAt: Date.now() });
          })
          .catch((err) => req.log.error({ err }, 'alarm push failed'));
      });
      const offBehind = alarms.bus.subscribe('analytics.behind', (all) => send({ type: 'behind', cameras: visibleBehind(access, user, all) }));
      // A signed-out or disabled user's socket closes within seconds.
      closeWhenAccessEnds(socket, req, deps, (p) => guard.can(p, SEE_ALARMS, { type: 'cameras' }));
      socket.on('close', () => {
        offAlarm();
        offBehind();
      });
      socket.on('message', () => undefined);
      send({ type: 'hello' });
    },
  );
}
