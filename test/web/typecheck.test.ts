// web/ has its own tsconfig (DOM types, JSX), which the root `tsc -p tsconfig.json` does not cover.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const repoRoot = path.resolve(import.meta.dirname, '../..');

test('the web app type-checks under strict TypeScript', () => {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'web/tsconfig.json', '--noEmit'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc -p web/tsconfig.json failed:\n${result.stdout}${result.stderr}`);
});
