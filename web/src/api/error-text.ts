// The one way a screen turns an error into words: the server's stable code picks a line of the
// current language's catalogue; the server's own detail (a field, a device, who got there first)
// follows it, isolated so English inside a right-to-left sentence keeps its order.
import { t, type MessageKey } from '../i18n/index.ts';
import { ApiError } from './client.ts';

/** What toHttpError sends instead of the real message of a 5xx (the real one is in the server's log). */
const HIDDEN_MESSAGE = 'internal error';

/** Latin text (an id, the server's detail) kept in its order inside a right-to-left sentence: first-strong isolate ... pop directional isolate. */
export const isolate = (text: string): string => `\u2068${text}\u2069`;

/**
 * Call it while rendering (not when the error arrives) so a language switch re-translates it.
 * Unknown codes show the server's English text and the code, so nothing is lost.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `apiError.${error.code}` as MessageKey;
    const localized = t(key);
    const detail = error.message && error.message !== HIDDEN_MESSAGE ? error.message : '';
    if (localized !== key) return detail ? t('apiError.detail', { text: localized, detail: isolate(detail) }) : localized;
    if (!detail) return t('apiError.detail', { text: t('apiError.INTERNAL'), detail: error.code });
    return t('apiError.unknown', { message: isolate(detail), code: error.code });
  }
  if (error instanceof LocalProblem) return t(error.key);
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A problem the app finds itself (a field left empty): kept as a key, put into words when shown. */
export class LocalProblem extends Error {
  readonly key: MessageKey;
  constructor(key: MessageKey) {
    super(key);
    this.name = 'LocalProblem';
    this.key = key;
  }
}
