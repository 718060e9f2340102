export { AccessError } from './errors.ts';
export { hashPassword, verifyPassword, dummyHash, generatePassword } from './passwords.ts';
export {
  can,
  authorize,
  inScope,
  roleAllows,
  ROLES,
  ACTIONS,
  NO_CAMERA_SCOPES,
  type Action,
  type Resource,
  type Principal,
  type CameraScopeLookup,
} from './permissions.ts';
export { LoginThrottle, type LoginAttempt } from './login-throttle.ts';
export { RefusalLimiter } from './refusal-limiter.ts';
export { checkPassword, passwordProblem, MIN_PASSWORD_LENGTH } from './password-rules.ts';
export { SecretBox } from './secret-box.ts';
export { AuthService, toPrincipal, typedNameHash, type AuthOptions } from './auth-service.ts';
export { SESSION_COOKIE, newSessionToken, hashSessionToken } from './sessions.ts';
export { ensureAdmin, sweepExpiredSessions } from './bootstrap.ts';
export { CameraScopes } from './camera-scopes.ts';
export { UserAdmin, type UserView, type UserChange } from './user-admin.ts';
export { closeDataFolder } from './data-folder.ts';
