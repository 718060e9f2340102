// Live view: fMP4 over WebSocket for Media Source Extensions. A text message announces each init
// segment's MIME type; binary messages carry the init segment and then one fragment per frame.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import type { LiveSink } from '../live/index.ts';
import { CameraParams } from './schemas.ts';
import { toHttpError } from './error-map.ts';
import { closeWhenAccessEnds } from './access-gate.ts';
import { auditAccess, sameOrigin } from './request-checks.ts';
import { maskAuditDetails, maskViewFor } from './privacy-view.ts';

/** WebSocket close code telling the viewer a mask lift ran out: reconnect to get the masked stream. */
export const LIFT_ENDED_CLOSE = 4001;
/** WebSocket close code telling the viewer the camera's masks changed: reconnect for the new view. */
export const MASKS_CHANGED_CLOSE = 4002;
import { pipeRemoteLive } from './live-proxy.ts';
import { SESSION_COOKIE } from '../access/index.ts';

function sinkFor(ws: WebSocket): LiveSink {
  const send = (data: string | Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(data);
  };
  return {
    init: (mime, initSegment) => {
      send(JSON.stringify({ type: 'init', mime }));
      send(initSegment);
    },
    fragment: (data) => send(data),
    status: (state, message) => send(JSON.stringify({ type: 'status', state, message })),
    clock: (wallMs, mediaSec) => send(JSON.stringify({ type: 'clock', wallMs, mediaSec })),
    get bufferedBytes() {
      return ws.bufferedAmount;
    },
  };
}

export function registerLiveRoute(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/live',
    {
      websocket: true,
      schema: { tags: ['live'], summary: 'Live video as fMP4 over WebSocket (audited: start and stop)', params: CameraParams },
      preValidation: async (req, reply) => {
        try {
          if (!sameOrigin(req.headers.origin, req.headers.host)) throw Object.assign(new Error('cross-origin WebSocket refused'), { statusCode: 403 });
          guard(req, 'camera.live', { type: 'camera', id: req.params.id });
          await deps.cameras.get(req.params.id);
        } catch (err) {
          const { status, body } = toHttpError(err);
          reply.status(status).send(body);
        }
      },
    },
    async (socket, req) => {
      const cameraId = req.params.id;
      // Recorded by another node: that node serves (and audits) the view.
      const remote = deps.cluster?.remoteRecorder(cameraId);
      if (remote) return pipeRemoteLive(socket, remote, cameraId, req.cookies[SESSION_COOKIE]);
      const started = Date.now();
      let unwatch: (() => void) | null = null;
      let closed = false;
      let liftTimer: NodeJS.Timeout | null = null;
      const stopListening = deps.privacy?.onChange((changed) => {
        if (changed === cameraId) socket.close(MASKS_CHANGED_CLOSE, 'privacy masks changed');
      });
      socket.on('close', () => {
        closed = true;
        unwatch?.();
        stopListening?.();
        if (liftTimer) clearTimeout(liftTimer);
        void auditAccess(deps.store, req, 'live.stop', cameraId, { seconds: Math.round((Date.now() - started) / 1000) })
          .catch((err) => req.log.error({ err }, 'audit write failed'));
      });
      socket.on('message', () => {
        /* viewers have nothing to say yet; ignore */
      });
      let view;
      try {
        view = await maskViewFor(deps, req, cameraId);
        await auditAccess(deps.store, req, 'live.start', cameraId, maskAuditDetails(view));
      } catch (err) {
        // No audit entry, no video: accountability comes first. No mask decision, no video either.
        req.log.error({ err }, 'audit write or mask lookup failed; refusing live view');
        socket.close(1011, 'audit unavailable');
        return;
      }
      if (closed) return;
      if (view.polygons.length) {
        // Fail closed: masks to burn in and no way to burn them means no video.
        if (!deps.maskedLive) {
          socket.close(1011, 'masking unavailable');
          return;
        }
        unwatch = deps.maskedLive.watch(cameraId, view.polygons, sinkFor(socket));
      } else {
        unwatch = deps.runtime.watch(cameraId, sinkFor(socket));
      }
      if (view.liftEndsAt !== null) {
        // The lift ends by itself: the viewer is cut off and, reconnecting, gets the masked stream.
        liftTimer = setTimeout(() => socket.close(LIFT_ENDED_CLOSE, 'mask lift ended'), Math.max(0, view.liftEndsAt - Date.now()));
      }
      // Signed out, disabled, re-scoped: the picture stops within seconds, not when the tab closes.
      closeWhenAccessEnds(socket, req, deps, (p) => guard.can(p, 'camera.live', { type: 'camera', id: cameraId }));
    },
  );
}

