// Sign-in, sign-out and session lookup, with throttling and an audit entry for every attempt.
import type { Store, UserRow, Role } from '../store/index.ts';
import { newId } from '../core/index.ts';
import { AccessError } from './errors.ts';
import { LoginThrottle } from './login-throttle.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import type { Principal } from './permissions.ts';
import { hashSessionToken, newSessionToken } from './sessions.ts';

export interface AuthOptions {
  sessionHours: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
}

export class AuthService {
  private readonly store: Store;
  private readonly opts: AuthOptions;
  private readonly throttle: LoginThrottle;
  private readonly now: () => number;

  constructor(store: Store, opts: AuthOptions, now: () => number = Date.now) {
    this.store = store;
    this.opts = opts;
    this.now = now;
    this.throttle = new LoginThrottle({ maxFailures: opts.loginMaxFailures, windowMs: opts.loginWindowSeconds * 1000 });
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; user: Principal; expiresAt: number }> {
    const now = this.now();
    const wait = this.throttle.retryAfterSeconds(username, ip, now);
    if (wait > 0) {
      await this.store.appendAudit({ actor: 'anonymous', action: 'login.throttled', ip, details: { username } });
      throw new AccessError('LOGIN_THROTTLED', `too many failed sign-ins; try again in ${wait} s`, { retryAfter: wait });
    }
    const user = await this.store.getUserByName(username);
    // Spend the same time whether or not the user exists, so timing does not reveal user names.
    const ok = user && !user.disabled ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await dummyHash()), false);
    if (!ok || !user) {
      this.throttle.recordFailure(username, ip, now);
      await this.store.appendAudit({ actor: user?.id ?? 'anonymous', action: 'login.failure', ip, details: { username } });
      throw new AccessError('INVALID_CREDENTIALS', 'wrong user name or password');
    }
    this.throttle.recordSuccess(username, ip);
    const token = newSessionToken();
    const expiresAt = now + this.opts.sessionHours * 3600_000;
    await this.store.createSession({ tokenHash: hashSessionToken(token), userId: user.id, createdAt: now, expiresAt, ip });
    await this.store.appendAudit({ actor: user.id, action: 'login.success', ip, details: { username: user.username } });
    return { token, user: toPrincipal(user), expiresAt };
  }

  async logout(token: string, principal: Principal, ip: string): Promise<void> {
    await this.store.deleteSession(hashSessionToken(token));
    await this.store.appendAudit({ actor: principal.id, action: 'logout', ip });
  }

  async resolve(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 200) return null;
    const session = await this.store.getSession(hashSessionToken(token), this.now());
    if (!session) return null;
    const user = await this.store.getUser(session.userId);
    return user && !user.disabled ? toPrincipal(user) : null;
  }

  /** Set a user's password (audited). Returns false when the user does not exist. */
  async setPassword(username: string, password: string, actor: string): Promise<boolean> {
    if (password.length < 8) throw new AccessError('BAD_REQUEST', 'password must have at least 8 characters');
    const user = await this.store.getUserByName(username);
    if (!user) return false;
    if (await verifyPassword(password, user.passwordHash)) return true;
    return this.store.setUserPassword(user.id, await hashPassword(password), { actor, action: 'user.password_set', details: { username } });
  }

  async createUser(username: string, password: string, role: Role, actor: string): Promise<Principal> {
    if (password.length < 8) throw new AccessError('BAD_REQUEST', 'password must have at least 8 characters');
    const user = await this.store.createUser(
      { id: newId('usr'), username, passwordHash: await hashPassword(password), role, disabled: false },
      { actor, action: 'user.create', details: { username, role } },
    );
    return toPrincipal(user);
  }
}

export function toPrincipal(u: UserRow): Principal {
  return { id: u.id, username: u.username, role: u.role };
}
