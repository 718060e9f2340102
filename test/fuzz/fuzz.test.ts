// A short fuzzing run in the suite (the long one is bench/fuzz.ts): every parser fed mutated real
// input, no crash, no hang, bounded memory; plus every input that once crashed a parser, replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from './mutator.ts';
import { runTarget } from './runner.ts';
import { TARGETS, loadCorpus } from './targets.ts';

const CASES_PER_TARGET = 2_000;
const REGRESSIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'regressions');

test('every target has seeds and the seeds themselves pass', () => {
  for (const t of TARGETS) {
    const seeds = loadCorpus(t.name);
    assert.ok(seeds.length >= 2, `${t.name} has seeds`);
    const r = runTarget(t, { cases: seeds.length, seed: 1 });
    assert.deepEqual(r.failures, [], `${t.name} seeds`);
  }
});

test(`${CASES_PER_TARGET * TARGETS.length} mutated cases over ${TARGETS.length} parsers: no crash, no hang, bounded memory`, () => {
  const rss0 = process.memoryUsage().rss;
  let maxRss = rss0;
  let total = 0;
  const failures = [];
  // A different seed every run widens coverage over time; the seed is printed for replay.
  const seed = Number(process.env.VIGIL_FUZZ_SEED ?? Date.now() % 100_000);
  for (const t of TARGETS) {
    const r = runTarget(t, { cases: CASES_PER_TARGET, seed, maxCaseMs: 500, onProgress: () => (maxRss = Math.max(maxRss, process.memoryUsage().rss)) });
    total += r.cases;
    failures.push(...r.failures);
  }
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  assert.equal(total, CASES_PER_TARGET * TARGETS.length);
  assert.deepEqual(failures.map((f) => `${f.target}#${f.case} (seed ${seed}) ${f.kind}: ${f.message}`), []);
  assert.ok(maxRss - rss0 < 256 * 1024 * 1024, `RSS grew by ${((maxRss - rss0) / 1048576).toFixed(0)} MB`);
});

test('inputs that once crashed a parser are handled (test/fuzz/regressions)', () => {
  const files = readdirSync(REGRESSIONS).filter((f) => f.endsWith('.bin'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const name = f.split('--')[0];
    const target = TARGETS.find((t) => t.name === name);
    assert.ok(target, `regression ${f} names a target`);
    const input = readFileSync(path.join(REGRESSIONS, f));
    // Targets draw options (reordering, keyframe gating, chunk cuts) from the RNG: try several.
    for (let s = 1; s <= 8; s++) {
      try {
        target.run(input, new Rng(s));
      } catch (err) {
        assert.ok(target.expected(err), `${f} with rng ${s}: ${(err as Error).stack}`);
      }
    }
  }
});
