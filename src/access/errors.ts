import { VigilError } from '../core/index.ts';

/** Codes: AUTH_REQUIRED, INVALID_CREDENTIALS, LOGIN_THROTTLED, FORBIDDEN, SECRET_KEY_INVALID. */
export class AccessError extends VigilError {}
