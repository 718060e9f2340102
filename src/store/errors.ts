import { VigilError } from '../core/index.ts';

/**
 * Codes: DUPLICATE (a unique key already exists), CONSTRAINT (another constraint, e.g. a session
 * for an unknown user), STORE_UNAVAILABLE (cannot reach/open/lock the database, or it was closed),
 * STORE_CORRUPT (the file is not a database or is damaged), STORE_INTERNAL (a bug: anything else).
 */
export class StoreError extends VigilError {}

export type StoreErrorCode = 'DUPLICATE' | 'CONSTRAINT' | 'STORE_UNAVAILABLE' | 'STORE_CORRUPT' | 'STORE_INTERNAL';

export function storeError(code: StoreErrorCode, message: string, details?: Record<string, unknown>): StoreError {
  return new StoreError(code, message, details);
}
