// Which masks the signed-in user must get on a camera: every route that sends pixels asks here
// first. No privacy service configured: nothing is masked.
import type { FastifyRequest } from 'fastify';
import { can } from '../access/index.ts';
import type { MaskView } from '../privacy/index.ts';
import type { ApiDeps } from './types.ts';

const NONE: MaskView = { polygons: [], liftEndsAt: null, lifted: false };

export function maskViewFor(deps: ApiDeps, req: FastifyRequest, cameraId: string): Promise<MaskView> {
  const user = req.principal;
  if (!deps.privacy || !user) return Promise.resolve(NONE);
  return deps.privacy.viewFor(cameraId, user.id, can(user, 'mask.lift', { type: 'camera', id: cameraId }));
}

/** Audit details saying what the user got: the camera's own bytes, masked, or under a lift. */
export function maskAuditDetails(view: MaskView): Record<string, unknown> {
  return view.polygons.length ? { masked: view.polygons.length } : view.lifted ? { masksLifted: true } : {};
}
