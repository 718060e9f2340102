// Every permission check in Vigil goes through `authorize` (and `can`, its yes/no form):
// (user, action, resource). A user has one role; the role covers every camera, or only the
// cameras of the sites and camera groups the user's grant names.
import type { Role, ScopeRef } from '../store/index.ts';
import { AccessError } from './errors.ts';

export const ACTIONS = [
  'camera.list',
  'camera.read',
  /** URLs, user names of cameras: configuration, not for every viewer. */
  'camera.config.read',
  'camera.live',
  'camera.create',
  'camera.update',
  'camera.delete',
  'analytics.configure',
  'alarm.see',
  'alarm.ack',
  'recording.list',
  'recording.play',
  'recording.export',
  'evidence.lock',
  'evidence.release_any',
  'event.list',
  'storage.read',
  'user.list',
  'user.manage',
  'audit.read',
  // issue 13 (privacy): managing masks; seeing under a liftable mask for a while, with a reason;
  // keeping the list of purposes and the look-back policy
  'mask.manage',
  'mask.lift',
  'purpose.manage',
  // approving or refusing another user's export (four eyes)
  'export.approve',
  // issue 12 (operator workflow): taking an alarm (and, while owning it: hold, release, steps,
  // priority, snooze), resolving or reopening it, commenting, and receiving escalations
  'alarm.take',
  'alarm.resolve',
  'alarm.comment',
  'alarm.supervise',
  // issue 12: the video wall (personal layouts), and sharing layouts with everyone
  'wall.use',
  'wall.share',
  // issue 15: integrations (webhook dead letters: read them, send them again); steering a PTZ camera
  'integration.manage',
  'camera.ptz',
] as const;
export type Action = (typeof ACTIONS)[number];

export type Resource =
  | { type: 'camera'; id: string }
  | { type: 'cameras' }
  /** Cameras named inside the request (an export's list, an alarm's camera): the role is checked here, each camera by the handler. */
  | { type: 'camera-items' }
  | { type: 'users' }
  | { type: 'audit' }
  | { type: 'system' };

export interface Principal {
  id: string;
  username: string;
  role: Role;
  /** null: every camera; else only the cameras of these sites and groups. */
  scopes: readonly ScopeRef[] | null;
}

const VIEWER: Action[] = ['camera.list', 'camera.read', 'camera.live', 'alarm.see', 'wall.use'];
const OPERATOR: Action[] = [...VIEWER, 'alarm.ack', 'alarm.take', 'alarm.resolve', 'alarm.comment', 'recording.list', 'recording.play', 'recording.export', 'evidence.lock', 'event.list', 'storage.read', 'camera.ptz'];
const SUPERVISOR: Action[] = [...OPERATOR, 'evidence.release_any', 'camera.config.read', 'user.list', 'mask.lift', 'export.approve', 'alarm.supervise', 'wall.share'];
// Auditors read the log and who is who; they see camera names to filter by, never video.
const AUDITOR: Action[] = ['camera.list', 'audit.read', 'user.list'];

const grants: Record<Role, ReadonlySet<Action>> = {
  admin: new Set<Action>(ACTIONS),
  supervisor: new Set<Action>(SUPERVISOR),
  operator: new Set<Action>(OPERATOR),
  viewer: new Set<Action>(VIEWER),
  auditor: new Set<Action>(AUDITOR),
};

export const ROLES: readonly Role[] = ['admin', 'supervisor', 'operator', 'viewer', 'auditor'];

/** Actions on the camera collection a scoped user may take: each camera is then filtered. */
const SCOPED_COLLECTION_ACTIONS: ReadonlySet<Action> = new Set<Action>(['camera.list', 'event.list', 'storage.read', 'alarm.see']);

/** The sites and groups each camera belongs to. */
export interface CameraScopeLookup {
  scopesOf(cameraId: string): readonly ScopeRef[];
}

export const NO_CAMERA_SCOPES: CameraScopeLookup = { scopesOf: () => [] };

export function roleAllows(role: Role, action: Action): boolean {
  return grants[role]?.has(action) ?? false;
}

/** Whether a user's grant covers a camera. */
export function inScope(user: Principal, cameraId: string, cameras: CameraScopeLookup): boolean {
  if (user.scopes === null) return true;
  const mine = new Set(user.scopes.map((s) => `${s.kind}\u0000${s.id}`));
  return cameras.scopesOf(cameraId).some((s) => mine.has(`${s.kind}\u0000${s.id}`));
}

export function can(user: Principal, action: Action, resource: Resource, cameras: CameraScopeLookup = NO_CAMERA_SCOPES): boolean {
  if (!roleAllows(user.role, action)) return false;
  if (user.scopes === null) return true;
  if (resource.type === 'camera') return inScope(user, resource.id, cameras);
  if (resource.type === 'cameras') return SCOPED_COLLECTION_ACTIONS.has(action);
  if (resource.type === 'camera-items') return true;
  // Users, the audit log, the system: what the role allows, scope aside.
  return true;
}

/** The one gate: returns the user when allowed, else throws AUTH_REQUIRED or FORBIDDEN. */
export function authorize(
  user: Principal | null | undefined,
  action: Action,
  resource: Resource,
  cameras: CameraScopeLookup = NO_CAMERA_SCOPES,
): Principal {
  if (!user) throw new AccessError('AUTH_REQUIRED', 'sign in first');
  if (!can(user, action, resource, cameras)) {
    const where = resource.type === 'camera' && roleAllows(user.role, action) ? ` on camera ${resource.id} (outside the user's sites and groups)` : '';
    throw new AccessError('FORBIDDEN', `role ${user.role} may not ${action}${where}`);
  }
  return user;
}
