export { AccessError } from './errors.ts';
export { hashPassword, verifyPassword, dummyHash, generatePassword } from './passwords.ts';
export { can, authorize, ROLES, type Action, type Resource, type Principal } from './permissions.ts';
export { LoginThrottle } from './login-throttle.ts';
export { SecretBox } from './secret-box.ts';
export { AuthService, toPrincipal, type AuthOptions } from './auth-service.ts';
export { SESSION_COOKIE, newSessionToken, hashSessionToken } from './sessions.ts';
export { ensureAdmin, sweepExpiredSessions } from './bootstrap.ts';
