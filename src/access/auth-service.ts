// Sign-in, sign-out and session lookup, with throttling and an audit entry for every attempt.
import { createHash } from 'node:crypto';
import type { Store, UserRow, Role } from '../store/index.ts';
import { newId } from '../core/index.ts';
import { AccessError } from './errors.ts';
import { LoginThrottle } from './login-throttle.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import { checkPassword } from './password-rules.ts';
import type { Principal } from './permissions.ts';
import { RefusalLimiter } from './refusal-limiter.ts';
import { hashSessionToken, newSessionToken } from './sessions.ts';

export interface AuthOptions {
  sessionHours: number;
  loginMaxFailures: number;
  /** default: 10 × loginMaxFailures */
  loginMaxFailuresPerAddress?: number;
  loginWindowSeconds: number;
}

/**
 * What the audit log keeps of a typed user name: a short hash, never the text (people type their
 * password into the name field, and the log is kept for ever). Enough to see that one name was
 * tried many times; an auditor who suspects a name can hash it and compare.
 */
export function typedNameHash(username: string): string {
  return createHash('sha256').update(`vigil-login-name\u0000${username.normalize('NFKC').toLowerCase()}`).digest('hex').slice(0, 16);
}

export class AuthService {
  private readonly store: Store;
  private readonly opts: AuthOptions;
  private readonly throttle: LoginThrottle;
  /** Throttled attempts are audited, but at most a few per address per minute. */
  private readonly throttledAudit = new RefusalLimiter({ perWindow: 5, windowMs: 60_000 });
  private readonly now: () => number;

  constructor(store: Store, opts: AuthOptions, now: () => number = Date.now) {
    this.store = store;
    this.opts = opts;
    this.now = now;
    this.throttle = new LoginThrottle({
      maxFailures: opts.loginMaxFailures,
      maxFailuresPerAddress: opts.loginMaxFailuresPerAddress ?? opts.loginMaxFailures * 10,
      windowMs: opts.loginWindowSeconds * 1000,
    });
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; user: Principal; expiresAt: number }> {
    const now = this.now();
    // Counted before anything is awaited: parallel guesses each see the ones started before them.
    const attempt = this.throttle.begin(username, ip, now);
    if (attempt.retryAfter > 0) {
      const admitted = this.throttledAudit.admit(ip, now);
      if (admitted) {
        await this.store.appendAudit({ actor: 'anonymous', action: 'login.throttled', ip, details: { nameHash: typedNameHash(username), suppressed: admitted.suppressed } });
      }
      throw new AccessError('LOGIN_THROTTLED', `too many failed sign-ins; try again in ${attempt.retryAfter} s`, { retryAfter: attempt.retryAfter });
    }
    const user = await this.store.getUserByName(username);
    // Spend the same time whether or not the user exists, so timing does not reveal user names.
    const ok = user && !user.disabled ? await verifyPassword(password, user.passwordHash) : (await verifyPassword(password, await dummyHash()), false);
    if (!ok || !user) {
      await this.store.appendAudit({
        actor: user?.id ?? 'anonymous',
        action: 'login.failure',
        ip,
        details: { nameHash: typedNameHash(username), ...(user?.disabled ? { disabled: true } : {}) },
      });
      throw new AccessError('INVALID_CREDENTIALS', 'wrong user name or password');
    }
    attempt.succeeded();
    const token = newSessionToken();
    const expiresAt = now + this.opts.sessionHours * 3600_000;
    await this.store.createSession({ tokenHash: hashSessionToken(token), userId: user.id, createdAt: now, expiresAt, ip });
    await this.store.appendAudit({ actor: user.id, action: 'login.success', ip, details: { username: user.username } });
    return { token, user: await this.principalOf(user), expiresAt };
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
    return user && !user.disabled ? this.principalOf(user) : null;
  }

  async principalOf(user: UserRow): Promise<Principal> {
    return toPrincipal(user, user.allCameras === false ? await this.store.listUserScopes(user.id) : null);
  }

  /**
   * Set a user's password (audited) and end all their sessions: whoever held one may be the reason
   * for the change. Returns false when the user does not exist. `enforceRules: false` only for the
   * password the machine's owner gives at start (VIGIL_ADMIN_PASSWORD), which is checked for length.
   */
  async setPassword(username: string, password: string, actor: string, opts: { ip?: string | null; enforceRules?: boolean } = {}): Promise<boolean> {
    const user = await this.store.getUserByName(username);
    if (!user) return false;
    if (opts.enforceRules === false) minimumLength(password);
    else checkPassword(password, user.username);
    if (await verifyPassword(password, user.passwordHash)) return true;
    const changed = await this.store.updateUser(user.id, { passwordHash: await hashPassword(password) }, {
      actor, ip: opts.ip ?? null, action: 'user.password_set', details: { userId: user.id, username: user.username, password: { before: '[set]', after: '[changed]' } },
    });
    if (!changed) return false;
    await this.store.deleteUserSessions(user.id, { actor, ip: opts.ip ?? null, action: 'session.end_all', details: { userId: user.id, username: user.username, reason: 'password changed' } });
    return true;
  }

  async createUser(username: string, password: string, role: Role, actor: string, opts: { ip?: string | null; enforceRules?: boolean } = {}): Promise<Principal> {
    if (opts.enforceRules === false) minimumLength(password);
    else checkPassword(password, username);
    const user = await this.store.createUser(
      { id: newId('usr'), username, passwordHash: await hashPassword(password), role, disabled: false, allCameras: true },
      { actor, ip: opts.ip ?? null, action: 'user.create', details: { username, after: { role, disabled: false, allCameras: true, password: '[set]' } } },
    );
    return toPrincipal(user, null);
  }
}

function minimumLength(password: string): void {
  if (password.length < 8) throw new AccessError('BAD_REQUEST', 'password: must have at least 8 characters', { field: 'password' });
}

export function toPrincipal(u: UserRow, scopes: Principal['scopes'] = null): Principal {
  return { id: u.id, username: u.username, role: u.role, scopes };
}
