import { randomBytes } from 'node:crypto';

/** A short random id with a readable prefix, e.g. `usr_3kq9x0c1b2m4`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12)}`;
}
