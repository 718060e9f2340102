// Runs one target for N cases. Case n is replayable from (seed, n) alone: its RNG is derived from
// them, it picks its seed input and mutations from that RNG. Each case is timed: one that takes
// longer than `maxCaseMs` counts as a hang (a real infinite loop never returns; the bench runs
// targets in worker threads and a watchdog catches that).
import { Rng, mutate } from './mutator.ts';
import { loadCorpus, type FuzzTarget } from './targets.ts';

export interface FuzzFailure {
  target: string;
  case: number;
  kind: 'crash' | 'hang';
  message: string;
  /** The input, hex, cut to 2 KiB. */
  inputHex: string;
}

export interface FuzzReport {
  target: string;
  cases: number;
  /** Cases the parser rejected with its own error type (doing its job). */
  rejected: number;
  failures: FuzzFailure[];
  maxCaseMs: number;
  /** Cases over the time bound once but not when run again (GC pause, the other core busy). */
  retimed: number;
  elapsedMs: number;
}

export function caseInput(target: FuzzTarget, corpus: Buffer[], seed: number, n: number): { input: Buffer; rng: Rng } {
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0);
  // The first cases are the seeds as they are: they must pass before mutants mean anything.
  const input = n < corpus.length ? corpus[n] : mutate(rng, rng.pick(corpus), corpus);
  return { input, rng };
}

export function runTarget(
  target: FuzzTarget,
  opts: { cases: number; seed?: number; maxCaseMs?: number; firstCase?: number; onProgress?: (done: number) => void },
): FuzzReport {
  const corpus = loadCorpus(target.name);
  if (corpus.length === 0) throw new Error(`no seeds for ${target.name}: run node test/fuzz/make-corpus.ts`);
  const seed = opts.seed ?? 1;
  const maxMs = opts.maxCaseMs ?? 250;
  const report: FuzzReport = { target: target.name, cases: 0, rejected: 0, failures: [], maxCaseMs: 0, retimed: 0, elapsedMs: 0 };
  const t0 = performance.now();
  const first = opts.firstCase ?? 0;
  for (let n = first; n < first + opts.cases; n++) {
    const { input, rng } = caseInput(target, corpus, seed, n);
    const c0 = performance.now();
    try {
      target.run(input, rng);
    } catch (err) {
      if (target.expected(err)) report.rejected++;
      else if (report.failures.length < 50) {
        report.failures.push({ target: target.name, case: n, kind: 'crash', message: describe(err), inputHex: input.subarray(0, 2048).toString('hex') });
      }
    }
    let ms = performance.now() - c0;
    if (ms > maxMs) {
      // Time it again on a fresh RNG of the same case: only a case slow twice is a hang.
      const again = caseInput(target, corpus, seed, n);
      const r0 = performance.now();
      try {
        target.run(again.input, again.rng);
      } catch {
        // already judged above
      }
      const second = performance.now() - r0;
      if (second <= maxMs) {
        report.retimed++;
        ms = second;
      }
    }
    if (ms > report.maxCaseMs) report.maxCaseMs = ms;
    if (ms > maxMs && report.failures.length < 50) {
      report.failures.push({ target: target.name, case: n, kind: 'hang', message: `took ${ms.toFixed(0)} ms`, inputHex: input.subarray(0, 2048).toString('hex') });
    }
    report.cases++;
    if (opts.onProgress && (n & 1023) === 0) opts.onProgress(report.cases);
  }
  report.elapsedMs = performance.now() - t0;
  return report;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${(err.stack ?? '').split('\n').slice(1, 5).join('\n')}`;
  return String(err);
}
