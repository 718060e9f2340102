// Every permission check in Vigil goes through `can` / `authorize`: (user, action, resource).
// Roles are global today; roles scoped to sites and cameras will change this file only.
import type { Role } from '../store/index.ts';
import { AccessError } from './errors.ts';

export type Action =
  | 'camera.list'
  | 'camera.read'
  | 'camera.live'
  | 'camera.create'
  | 'camera.update'
  | 'camera.delete'
  | 'recording.list'
  | 'recording.play'
  | 'recording.export'
  | 'evidence.lock'
  | 'event.list'
  | 'storage.read'
  | 'user.manage'
  | 'audit.read'
  // issue 13 (privacy): managing masks; seeing under a liftable mask for a while, with a reason
  | 'mask.manage'
  | 'mask.lift'
  // keeping the list of purposes and the look-back policy
  | 'purpose.manage';

export type Resource = { type: 'camera'; id: string } | { type: 'cameras' } | { type: 'users' } | { type: 'audit' };

export interface Principal {
  id: string;
  username: string;
  role: Role;
}

const grants: Record<Role, ReadonlySet<Action>> = {
  admin: new Set<Action>(['camera.list', 'camera.read', 'camera.live', 'camera.create', 'camera.update', 'camera.delete', 'recording.list', 'recording.play', 'recording.export', 'evidence.lock', 'event.list', 'storage.read', 'user.manage', 'audit.read', 'mask.manage', 'mask.lift', 'purpose.manage']),
  operator: new Set<Action>(['camera.list', 'camera.read', 'camera.live', 'recording.list', 'recording.play', 'recording.export', 'evidence.lock', 'event.list', 'storage.read']),
  viewer: new Set<Action>(['camera.list', 'camera.read', 'camera.live']),
};

export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export function can(user: Principal, action: Action, _resource: Resource): boolean {
  return grants[user.role]?.has(action) ?? false;
}

export function authorize(user: Principal | null | undefined, action: Action, resource: Resource): Principal {
  if (!user) throw new AccessError('AUTH_REQUIRED', 'sign in first');
  if (!can(user, action, resource)) throw new AccessError('FORBIDDEN', `role ${user.role} may not ${action}`);
  return user;
}
