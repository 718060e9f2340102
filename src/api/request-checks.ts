// Checks and records shared by several routes.
import type { FastifyRequest } from 'fastify';
import type { AuditAction } from '../audit/index.ts';
import type { Store } from '../store/index.ts';

/** Refuse cross-site WebSocket hijacking: a browser always sends Origin; it must be this host. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true; // non-browser clients
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Records that the signed-in user looked at something (live, playback, a snapshot, a download).
 * Awaited before the thing is sent: no audit entry, no access.
 */
export function auditAccess(store: Pick<Store, 'appendAudit'>, req: FastifyRequest, action: AuditAction, cameraId: string | null, details?: Record<string, unknown>): Promise<unknown> {
  return store.appendAudit({ actor: req.principal!.id, ip: req.ip, action, cameraId, details });
}
