// Long mutation-fuzzing run over every media parser (the suite runs a short one).
//   npm run bench:fuzz -- --cases 1000000 [--seed N] [--workers 2]
// Cases are split evenly over the targets; each target runs in a worker thread in slices, so a
// case that never returns is caught by a watchdog (no heartbeat for 10 s = hang) instead of
// stalling the run. Prints a table and, last, RESULT {json}.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { TARGETS } from '../test/fuzz/targets.ts';
import { runTarget, type FuzzFailure } from '../test/fuzz/runner.ts';

interface Job { target: string; cases: number; seed: number }
type WorkerMsg = { kind: 'progress'; done: number } | { kind: 'done'; rejected: number; failures: FuzzFailure[]; maxCaseMs: number; retimed: number; elapsedMs: number };

const SLICE = 5_000;
const WATCHDOG_MS = 10_000;

if (!isMainThread) {
  const job = workerData as Job;
  const target = TARGETS.find((t) => t.name === job.target)!;
  let rejected = 0;
  let maxCaseMs = 0;
  let retimed = 0;
  const failures: FuzzFailure[] = [];
  const t0 = performance.now();
  for (let first = 0; first < job.cases; first += SLICE) {
    const r = runTarget(target, { cases: Math.min(SLICE, job.cases - first), firstCase: first, seed: job.seed, onProgress: (d) => parentPort!.postMessage({ kind: 'progress', done: first + d }) });
    rejected += r.rejected;
    maxCaseMs = Math.max(maxCaseMs, r.maxCaseMs);
    retimed += r.retimed;
    failures.push(...r.failures.slice(0, 50 - failures.length));
    parentPort!.postMessage({ kind: 'progress', done: first + r.cases });
    // Let deferred callbacks (timers, stream ticks) of the slice run before the next one.
    await new Promise((resolve) => setImmediate(resolve));
  }
  parentPort!.postMessage({ kind: 'done', rejected, failures, maxCaseMs, retimed, elapsedMs: performance.now() - t0 } satisfies WorkerMsg);
} else {
  await main();
}

interface Row { target: string; cases: number; rejected: number; crashes: number; hangs: number; maxCaseMs: number; retimed: number; casesPerS: number; failures: FuzzFailure[] }

function runJob(job: Job, onRss: () => void): Promise<Row> {
  return new Promise((resolve) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: job });
    let done = 0;
    let last = Date.now();
    const dog = setInterval(() => {
      onRss();
      if (Date.now() - last > WATCHDOG_MS) {
        clearInterval(dog);
        void w.terminate();
        resolve({ target: job.target, cases: done, rejected: 0, crashes: 0, hangs: 1, maxCaseMs: WATCHDOG_MS, retimed: 0, casesPerS: 0,
          failures: [{ target: job.target, case: done, kind: 'hang', message: `no progress for ${WATCHDOG_MS} ms after case ${done} (replay cases from ${done} with seed ${job.seed})`, inputHex: '' }] });
      }
    }, 200);
    w.on('message', (m: WorkerMsg) => {
      last = Date.now();
      if (m.kind === 'progress') done = m.done;
      else {
        clearInterval(dog);
        const crashes = m.failures.filter((f) => f.kind === 'crash').length;
        const hangs = m.failures.filter((f) => f.kind === 'hang').length;
        resolve({ target: job.target, cases: job.cases, rejected: m.rejected, crashes, hangs, maxCaseMs: m.maxCaseMs, retimed: m.retimed, casesPerS: job.cases / (m.elapsedMs / 1000), failures: m.failures });
      }
    });
    w.on('error', (e) => {
      clearInterval(dog);
      resolve({ target: job.target, cases: done, rejected: 0, crashes: 1, hangs: 0, maxCaseMs: 0, retimed: 0, casesPerS: 0,
        failures: [{ target: job.target, case: done, kind: 'crash', message: `worker died: ${e.message}`, inputHex: '' }] });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, def: number): number => {
    const i = args.indexOf(name);
    if (i < 0) return def;
    const v = Number(args[i + 1]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a number`);
    return v;
  };
  const total = flag('--cases', 1_000_000);
  const seed = flag('--seed', 1);
  const workers = Math.max(1, flag('--workers', Math.min(2, os.availableParallelism())));
  const per = Math.ceil(total / TARGETS.length);
  const jobs: Job[] = TARGETS.map((t) => ({ target: t.name, cases: per, seed }));
  let maxRss = process.memoryUsage().rss;
  const sampleRss = () => (maxRss = Math.max(maxRss, process.memoryUsage().rss));
  const t0 = performance.now();
  const rows: Row[] = [];
  const queue = [...jobs];
  await Promise.all(Array.from({ length: workers }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) rows.push(await runJob(job, sampleRss));
  }));
  sampleRss();
  const elapsed = (performance.now() - t0) / 1000;
  rows.sort((a, b) => TARGETS.findIndex((t) => t.name === a.target) - TARGETS.findIndex((t) => t.name === b.target));
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`fuzz: ${total} cases, seed ${seed}, ${workers} worker(s), node ${process.version}, ${os.cpus()[0]?.model ?? '?'} x${os.availableParallelism()}`);
  console.log(`${'target'.padEnd(12)}${pad('cases', 9)}${pad('rejected', 10)}${pad('crashes', 9)}${pad('hangs', 7)}${pad('retimed', 9)}${pad('max ms', 8)}${pad('cases/s', 9)}`);
  for (const r of rows) console.log(`${r.target.padEnd(12)}${pad(r.cases, 9)}${pad(r.rejected, 10)}${pad(r.crashes, 9)}${pad(r.hangs, 7)}${pad(r.retimed, 9)}${pad(r.maxCaseMs.toFixed(1), 8)}${pad(Math.round(r.casesPerS), 9)}`);
  console.log('rejected = refused with the parser\'s own error (its job); retimed = over 250 ms once, fast when run again (GC pause), not a hang');
  for (const r of rows) for (const f of r.failures.slice(0, 3)) console.log(`  ${f.kind} ${f.target}#${f.case}: ${f.message.split('\n')[0]}\n    input ${f.inputHex.slice(0, 160)}${f.inputHex.length > 160 ? '…' : ''}`);
  const cases = rows.reduce((n, r) => n + r.cases, 0);
  const result = {
    cases,
    crashes: rows.reduce((n, r) => n + r.crashes, 0),
    hangs: rows.reduce((n, r) => n + r.hangs, 0),
    max_rss_mb: Math.round(maxRss / 1048576),
    cases_per_s: Math.round(cases / elapsed),
    seconds: Math.round(elapsed),
    targets: rows.length,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exitCode = result.crashes || result.hangs ? 1 : 0;
}
