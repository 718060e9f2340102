// The README's layout table names every part of src/ and nothing that is not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('README layout table matches the folders of src/', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Layout'));
  const named = new Set([...table.matchAll(/`(src\/[a-z0-9_/-]+)`/g)].map((m) => m[1]));
  const parts = readdirSync(path.join(ROOT, 'src')).filter((n) => statSync(path.join(ROOT, 'src', n)).isDirectory()).map((n) => `src/${n}`);
  const missing = parts.filter((p) => !named.has(p));
  const stale = [...named].filter((p) => !existsSync(path.join(ROOT, p)));
  assert.deepEqual(missing, [], `parts missing from the README's layout table: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `README's layout table names folders that do not exist: ${stale.join(', ')}`);
});
