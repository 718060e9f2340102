// The first start of a node has no users: an admin is made, with the given password or a
// generated one that the caller prints once. The demo can reset it so VIGIL_ADMIN_PASSWORD holds.
import type { Store } from '../store/index.ts';
import type { AuthService } from './auth-service.ts';
import { generatePassword } from './passwords.ts';

/** Returns the generated password when one was made (to show once), else null. */
export async function ensureAdmin(auth: AuthService, store: Pick<Store, 'countUsers'>, opts: { password?: string; reset?: boolean }): Promise<string | null> {
  if ((await store.countUsers()) === 0) {
    const password = opts.password ?? generatePassword();
    // The owner's own start-up password: length only (the rules apply to passwords set through Vigil).
    await auth.createUser('admin', password, 'admin', 'system', { enforceRules: false });
    return opts.password ? null : password;
  }
  if (opts.password && opts.reset && !(await auth.setPassword('admin', opts.password, 'system', { enforceRules: false }))) {
    await auth.createUser('admin', opts.password, 'admin', 'system', { enforceRules: false });
  }
  return null;
}

/** Expired sessions are deleted every 10 minutes; returns the stop function. */
export function sweepExpiredSessions(store: Pick<Store, 'deleteExpiredSessions'>, everyMs = 600_000): () => void {
  const timer = setInterval(() => void store.deleteExpiredSessions(Date.now()).catch(() => undefined), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
