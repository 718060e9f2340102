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
  return deps.privacy.viewFor(cameraId, user.id, can(user, 'mask.lift', { type: 'camera', id: cameraId }, deps.cameraScopes));
}

/** Audit details saying what the user got: the camera's own bytes, masked, or under a lift. */
export function maskAuditDetails(view: MaskView): Record<string, unknown> {
  return view.polygons.length ? { masked: view.polygons.length } : view.lifted ? { masksLifted: true } : {};
}

/**
 * Purpose-bound looking back: checks the role's limit and, past the free window, the purpose
 * (purposeId from the list, purposeText). Returns what goes into the access's audit entry.
 */
export async function purposeDetails(deps: ApiDeps, req: FastifyRequest, fromMs: number, stated: { purposeId?: string; purposeText?: string }, pictures = true): Promise<Record<string, unknown>> {
  const user = req.principal;
  if (!deps.privacy || !user) return {};
  const p = await deps.privacy.checkAccess(user.role, fromMs, stated, pictures);
  return p ? { purposeId: p.purposeId, purpose: p.purpose, purposeText: p.purposeText } : {};
}

/** The purpose as query parameters, for URLs a player fetches next (HLS segments). */
export function purposeQuery(details: Record<string, unknown>): string {
  if (!details.purposeId) return '';
  return new URLSearchParams({ purposeId: String(details.purposeId), purposeText: String(details.purposeText ?? '') }).toString();
}
