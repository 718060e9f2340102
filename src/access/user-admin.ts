// Managing users: create, change role, scope or state, reset a password, end sessions, remove.
// Every change is audited with what it was before and after (secrets only as "[set]"/"[changed]"),
// and the rules that keep an installation manageable hold: nobody removes, disables or demotes
// themselves, and the last enabled admin stays.
import type { Role, ScopeRef, Store, UserRow } from '../store/index.ts';
import { newId } from '../core/index.ts';
import { AccessError } from './errors.ts';
import { hashPassword } from './passwords.ts';
import { checkPassword } from './password-rules.ts';

export interface UserView {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  /** null: every camera; else the sites and groups the role covers. */
  scopes: ScopeRef[] | null;
  createdAt: number;
}

export interface ActorRef {
  id: string;
  ip: string | null;
}

export interface UserChange {
  role?: Role;
  disabled?: boolean;
  scopes?: ScopeRef[] | null;
}

type UserStore = Pick<Store, 'listUsers' | 'getUser' | 'getUserByName' | 'createUser' | 'updateUser' | 'deleteUser' | 'deleteUserSessions' | 'listUserScopes' | 'setUserScopes'>;

export class UserAdmin {
  private readonly store: UserStore;
  constructor(store: UserStore) {
    this.store = store;
  }

  async list(): Promise<UserView[]> {
    return Promise.all((await this.store.listUsers()).map((u) => this.view(u)));
  }

  async get(id: string): Promise<UserView> {
    return this.view(await this.row(id));
  }

  async create(input: { username: string; password: string; role: Role; scopes?: ScopeRef[] | null }, actor: ActorRef): Promise<UserView> {
    checkPassword(input.password, input.username);
    if (await this.store.getUserByName(input.username)) throw new AccessError('DUPLICATE', `username: ${JSON.stringify(input.username)} is taken`, { field: 'username' });
    const scopes = input.scopes ?? null;
    const row = await this.store.createUser(
      { id: newId('usr'), username: input.username, passwordHash: await hashPassword(input.password), role: input.role, disabled: false, allCameras: scopes === null },
      { actor: actor.id, ip: actor.ip, action: 'user.create', details: { username: input.username, after: { role: input.role, disabled: false, scopes, password: '[set]' } } },
    );
    if (scopes !== null) await this.store.setUserScopes(row.id, scopes);
    return this.view(row);
  }

  async update(id: string, change: UserChange, actor: ActorRef): Promise<UserView> {
    const row = await this.row(id);
    const before = await this.view(row);
    if (id === actor.id && ((change.role !== undefined && change.role !== row.role) || change.disabled === true || change.scopes !== undefined)) {
      throw new AccessError('BAD_REQUEST', 'you cannot change your own role, scope or state (ask another admin)', { field: 'userId' });
    }
    const demoted = row.role === 'admin' && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true || (change.scopes !== undefined && change.scopes !== null));
    if (demoted && !row.disabled && (await this.enabledAdmins()) <= 1) throw new AccessError('CONFLICT', 'the last enabled admin with every camera stays', { field: 'role' });
    const after: UserView = {
      ...before,
      role: change.role ?? before.role,
      disabled: change.disabled ?? before.disabled,
      scopes: change.scopes !== undefined ? change.scopes : before.scopes,
    };
    const changed = diff(before, after);
    if (Object.keys(changed).length === 0) return before;
    await this.store.updateUser(
      id,
      { role: after.role, disabled: after.disabled, allCameras: after.scopes === null },
      { actor: actor.id, ip: actor.ip, action: 'user.update', details: { userId: id, username: row.username, changes: changed } },
    );
    if (change.scopes !== undefined) await this.store.setUserScopes(id, change.scopes ?? []);
    // A disabled user, or one whose rights shrank, starts again from a fresh sign-in.
    if (after.disabled || changed.role || changed.scopes) await this.store.deleteUserSessions(id);
    return this.get(id);
  }

  async resetPassword(id: string, password: string, actor: ActorRef): Promise<void> {
    const row = await this.row(id);
    checkPassword(password, row.username);
    await this.store.updateUser(id, { passwordHash: await hashPassword(password) }, {
      actor: actor.id, ip: actor.ip, action: 'user.password_set', details: { userId: id, username: row.username, changes: { password: { before: '[set]', after: '[changed]' } } },
    });
    await this.store.deleteUserSessions(id, { actor: actor.id, ip: actor.ip, action: 'session.end_all', details: { userId: id, username: row.username, reason: 'password reset' } });
  }

  async endSessions(id: string, actor: ActorRef): Promise<number> {
    const row = await this.row(id);
    return this.store.deleteUserSessions(id, { actor: actor.id, ip: actor.ip, action: 'session.end_all', details: { userId: id, username: row.username } });
  }

  async remove(id: string, actor: ActorRef): Promise<void> {
    const row = await this.row(id);
    if (id === actor.id) throw new AccessError('BAD_REQUEST', 'you cannot remove yourself', { field: 'userId' });
    if (row.role === 'admin' && !row.disabled && (await this.enabledAdmins()) <= 1) throw new AccessError('CONFLICT', 'the last enabled admin stays');
    const before = await this.view(row);
    // The user's id stays in the audit log; the entry says who it was.
    await this.store.deleteUser(id, { actor: actor.id, ip: actor.ip, action: 'user.delete', details: { userId: id, username: row.username, before: { role: before.role, disabled: before.disabled, scopes: before.scopes } } });
  }

  private async enabledAdmins(): Promise<number> {
    return (await this.store.listUsers()).filter((u) => u.role === 'admin' && !u.disabled && u.allCameras !== false).length;
  }

  private async row(id: string): Promise<UserRow> {
    const row = await this.store.getUser(id);
    if (!row) throw new AccessError('NOT_FOUND', `no user ${JSON.stringify(id)}`);
    return row;
  }

  private async view(u: UserRow): Promise<UserView> {
    return {
      id: u.id,
      username: u.username,
      role: u.role,
      disabled: u.disabled,
      scopes: u.allCameras === false ? await this.store.listUserScopes(u.id) : null,
      createdAt: u.createdAt,
    };
  }
}

/** The fields that differ, as { field: { before, after } }. */
function diff(before: UserView, after: UserView): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {};
  for (const k of ['role', 'disabled', 'scopes'] as const) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = { before: before[k], after: after[k] };
  }
  return out;
}
