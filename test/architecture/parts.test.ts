// The house rules of src/: a part (a first-level folder) is imported by other parts only through
// its index.ts, and parts form no import cycle. Each failure names the file, line and import, or
// the cycle, so the fix is obvious.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface CrossImport { from: string; to: string; file: string; line: number; spec: string; viaIndex: boolean }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

/** Every import from one part into another, with where it stands. */
export function crossImports(src: string): CrossImport[] {
  const out: CrossImport[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const from = path.relative(src, file).split(path.sep)[0];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      const rel = path.relative(src, target);
      if (rel.startsWith('..') || !rel.includes(path.sep)) continue;
      const to = rel.split(path.sep)[0];
      if (to === from) continue;
      const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
      out.push({ from, to, file: path.relative(src, file), line, spec, viaIndex: /^index\.tsx?$/.test(path.relative(path.join(src, to), target)) });
    }
  }
  return out;
}

/** Cycles in the graph of parts, each as "a -> b -> a". */
export function partCycles(edges: Map<string, Set<string>>): string[] {
  const cycles = new Set<string>();
  const onStack: string[] = [];
  const done = new Set<string>();
  const visit = (n: string) => {
    const at = onStack.indexOf(n);
    if (at >= 0) {
      const loop = onStack.slice(at);
      const start = loop.indexOf([...loop].sort()[0]);
      const canonical = [...loop.slice(start), ...loop.slice(0, start)];
      cycles.add([...canonical, canonical[0]].join(' -> '));
      return;
    }
    if (done.has(n)) return;
    onStack.push(n);
    for (const t of edges.get(n) ?? []) visit(t);
    onStack.pop();
    done.add(n);
  };
  for (const n of [...edges.keys()].sort()) visit(n);
  return [...cycles];
}

test('every part that others import has an index.ts', () => {
  const missing = [...new Set(crossImports(SRC).map((i) => i.to))].filter((p) => !existsSync(path.join(SRC, p, 'index.ts')));
  assert.deepEqual(missing, [], `parts without index.ts: ${missing.join(', ')}`);
});

test('another part is imported only through its index.ts', () => {
  const bypass = crossImports(SRC).filter((i) => !i.viaIndex).map((i) => `src/${i.file}:${i.line} imports '${i.spec}' (use ../${i.to}/index.ts)`);
  assert.deepEqual(bypass, [], `imports that bypass an index:\n${bypass.join('\n')}`);
});

test('parts form no import cycle', () => {
  const edges = new Map<string, Set<string>>();
  for (const i of crossImports(SRC)) {
    if (!edges.has(i.from)) edges.set(i.from, new Set());
    edges.get(i.from)!.add(i.to);
  }
  const cycles = partCycles(edges);
  assert.deepEqual(cycles, [], `import cycles between parts:\n${cycles.join('\n')}`);
});

test('the checks catch what they are for: a bypass, a two-part and a three-part cycle', () => {
  const edges = new Map([['a', new Set(['b'])], ['b', new Set(['a', 'c'])], ['c', new Set(['d'])], ['d', new Set(['e'])], ['e', new Set(['c'])]]);
  assert.deepEqual(partCycles(edges).sort(), ['a -> b -> a', 'c -> d -> e -> c']);
  const sample = crossImports(path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixture-src'));
  assert.deepEqual(sample.filter((i) => !i.viaIndex).map((i) => `${i.file}:${i.line}`), ['one/a.ts:3']);
});
