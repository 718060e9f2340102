import { VigilError } from '../core/index.ts';

/**
 * Codes: DEAD_LETTER_NOT_FOUND (no dead letter of that id), HOOK_UNKNOWN (the dead letter names a
 * webhook no longer configured, so it cannot be sent again).
 */
export class IntegrationError extends VigilError {}
