// Every error code the server can answer with has words in every language, and the app's one
// helper (web/src/api/error-text.ts) uses them. The codes are read from the server's source, not
// listed here: a code added to src/api/error-map.ts without catalogue lines fails this test.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const apiDir = path.join(repoRoot, 'src', 'api');

/** The codes the API can send: the error map's statuses, the codes toHttpError makes itself, and any a route writes out literally. */
function serverErrorCodes(): string[] {
  const map = readFileSync(path.join(apiDir, 'error-map.ts'), 'utf8');
  const table = /const statusByCode[^=]*=\s*\{([\s\S]*?)\n\};/.exec(map);
  assert.ok(table, 'src/api/error-map.ts no longer has `const statusByCode = { ... };`: update this test to read the codes where they now live');
  const codes = new Set([...table[1]!.matchAll(/^\s*([A-Z][A-Z0-9_]+)\s*:\s*\d{3}\s*,/gm)].map((m) => m[1]!));
  assert.ok(codes.size >= 40, `only ${codes.size} codes read from the error map`);
  const toHttpError = map.slice(map.indexOf('export function toHttpError'));
  // The codes it picks (`? 'BODY_TOO_LARGE'`, `: 'BAD_REQUEST'`, `code: 'INTERNAL'`), not those it compares with.
  for (const m of toHttpError.matchAll(/(?:[?:]|code:)\s*'([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1]!);
  for (const file of readdirSync(apiDir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(apiDir, file), 'utf8');
    for (const m of text.matchAll(/error: \{ code: '([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

// The i18n module reads the page's query string and <html> at load; node has neither. The web
// modules are loaded by a computed URL so the server's tsc (no DOM types) does not check them:
// web/tsconfig.json does (test/web/typecheck.test.ts).
const page = globalThis as unknown as { location: { search: string }; document: { documentElement: { lang: string; dir: string }; title: string } };
page.location = { search: '' };
page.document = { documentElement: { lang: '', dir: '' }, title: '' };
const webModule = (file: string) => import(new URL(`../../web/src/${file}`, import.meta.url).href);
type Catalogue = { lang: string; messages: Record<string, string> };
const [en, fa, ps, ur] = await Promise.all(['en', 'fa', 'ps', 'ur'].map(async (lang) => (await webModule(`i18n/${lang}.ts`))[lang] as Catalogue));
const { setLocale } = await webModule('i18n/index.ts') as { setLocale(lang: string): void };
const { ApiError, NETWORK_ERROR } = await webModule('api/client.ts') as { ApiError: new (code: string, message: string, status: number) => Error; NETWORK_ERROR: string };
const { errorText, LocalProblem } = await webModule('api/error-text.ts') as { errorText(error: unknown): string; LocalProblem: new (key: string) => Error };

test('the codes read from the server source include what toHttpError and the routes send', () => {
  const codes = serverErrorCodes();
  for (const code of ['BAD_REQUEST', 'PURPOSE_REQUIRED', 'ONVIF_TIMEOUT', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'INTERNAL', 'NOT_FOUND']) {
    assert.ok(codes.includes(code), `${code} not found in the server source`);
  }
});

for (const catalogue of [en!, fa!, ps!, ur!]) {
  test(`${catalogue.lang}: a message for every error code the server can emit, and for the app's own`, () => {
    const messages = catalogue.messages as Record<string, string | undefined>;
    const missing = [...serverErrorCodes(), NETWORK_ERROR, 'BAD_PICTURE'].filter((code) => !messages[`apiError.${code}`]?.trim());
    assert.deepEqual(missing, [], `add 'apiError.<CODE>' lines to web/src/i18n/api-errors-${catalogue.lang}.ts`);
  });
}

test('a server error shows the current language\'s words, the server\'s detail, and follows a language switch', () => {
  const error = new ApiError('BAD_REQUEST', 'body/name must NOT have fewer than 1 characters', 400);
  setLocale('fa');
  const dari = errorText(error);
  assert.ok(dari.startsWith(fa.messages['apiError.BAD_REQUEST']!), dari);
  assert.ok(dari.includes('\u2068body/name must NOT have fewer than 1 characters\u2069'), 'the English detail is kept, isolated from the right-to-left text');
  setLocale('ur');
  assert.ok(errorText(error).startsWith(ur.messages['apiError.BAD_REQUEST']!));
  setLocale('en');
  assert.ok(errorText(error).startsWith(en.messages['apiError.BAD_REQUEST']));
});

test('an unknown code keeps the server\'s text and the code; a hidden 5xx says so in the language with its code', () => {
  setLocale('fa');
  const unknown = errorText(new ApiError('SOMETHING_NEW', 'the flux capacitor is cold', 409));
  assert.match(unknown, /the flux capacitor is cold/);
  assert.match(unknown, /SOMETHING_NEW/);
  const hidden = errorText(new ApiError('STORE_CORRUPT', 'internal error', 500));
  assert.ok(hidden.startsWith(fa.messages['apiError.INTERNAL']!), hidden);
  assert.match(hidden, /STORE_CORRUPT/);
  assert.doesNotMatch(hidden, /internal error/);
  assert.equal(errorText(new LocalProblem('export.reasonRequired')), fa.messages['export.reasonRequired']);
  assert.equal(errorText(new ApiError('BAD_PICTURE', '', 0)), fa.messages['apiError.BAD_PICTURE']);
  setLocale('en');
});
