// What a new password must be: long, not one of the ~49,000 passwords most often found in leaks
// (zxcvbn's list), and not the user name. No composition rules (digits, symbols): they make
// passwords harder to remember, not to guess (NIST SP 800-63B).
import { dictionary } from '@zxcvbn-ts/language-common';
import { AccessError } from './errors.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1000;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/** Why this password may not be used, or null when it may. `field` names it in the message. */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `must have at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.normalize('NFKC').toLowerCase();
  if (commonPasswords().has(lower)) return 'is one of the most common passwords';
  // Common words padded with digits or repeated ("password1234", "qwertyqwerty") are guessed first too.
  const core = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (core.length >= 4 && (commonPasswords().has(core) || /^(.+?)\1+$/u.test(lower))) return 'is a common password with digits or repeats added';
  const name = username.normalize('NFKC').toLowerCase();
  if (name.length >= 3 && lower.includes(name)) return 'must not contain the user name';
  return null;
}

export function checkPassword(password: string, username: string, field = 'password'): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new AccessError('BAD_REQUEST', `${field}: ${problem}`, { field });
}
