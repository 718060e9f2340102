// The OpenAPI fuzzer at length: every route, valid and mutated requests, three kinds of session,
// against a whole Vigil in a child process (bench/api-fuzz-server.ts), so the server's memory is
// measured apart from the fuzzer's. Counts answers by status, lists any 5xx, and samples the
// server's heap after a full GC (and its RSS) at the start, every --sample requests and at the end,
// so a leak per request shows as a heap that keeps climbing.
//   node bench/api-fuzz.ts [--cases 20000] [--seed 20261202] [--concurrency 8] [--sample 5000]
// Last line: RESULT {"requests":…,"5xx":…,"heap_start_mb":…,"heap_end_mb":…,"rss_start_mb":…,…}
import { fork } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { operationsOf, runApiFuzz, type ApiFuzzReport } from '../test/fuzz/api-fuzzer.ts';
import { machine } from './lib/bench-env.ts';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '20000' }, seed: { type: 'string', default: '20261202' }, concurrency: { type: 'string', default: '8' }, sample: { type: 'string', default: '5000' } },
  strict: true,
});
const CASES = Number(values.cases);
const SAMPLE = Math.max(1, Number(values.sample));

interface Mem { heapMb: number; heapTotalMb: number; rssMb: number; externalMb: number }
const child = fork(path.join(import.meta.dirname, 'api-fuzz-server.ts'), [], { execArgv: ['--expose-gc', '--no-warnings'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const replies: ((m: any) => void)[] = [];
child.on('message', (m) => replies.shift()?.(m));
const next = <T>() => new Promise<T>((resolve, reject) => {
  replies.push(resolve);
  child.once('exit', (code) => reject(new Error(`the server child exited (${code})`)));
});
const mem = () => {
  const p = next<Mem>();
  child.send({ type: 'mem' });
  return p;
};

try {
  const ready = await next<{ url: string; viewer: string; admin: string; targetId: string }>();
  const env = machine();
  const doc = (await (await fetch(`${ready.url}/api/openapi.json`, { headers: { cookie: ready.admin } })).json()) as Parameters<typeof operationsOf>[0];
  const ops = operationsOf(doc).filter((o) => !(o.method === 'DELETE' && o.path === '/api/session'));
  const ctx = { known: { id: ['cam1', 'ghost'], userId: [ready.targetId, 'usr_none'], lockId: ['lck_none'], name: ['x.mp4'], start: ['1000'] }, cookies: { none: null, viewer: ready.viewer, admin: ready.admin }, origin: ready.url };
  // Warm-up, so the first-request allocations (schemas compiled, pools opened) are not counted as growth.
  await runApiFuzz({ baseUrl: ready.url, ops, ctx, count: 500, seed: 1 });
  const samples: { requests: number; mem: Mem }[] = [{ requests: 0, mem: await mem() }];
  const total: ApiFuzzReport = { requests: 0, byStatus: {}, failures: [], seconds: 0 };
  // The run goes in stretches of --sample requests (stretch i seeded seed + i), with a measurement after each.
  for (let i = 0; total.requests < CASES; i++) {
    const r = await runApiFuzz({ baseUrl: ready.url, ops, ctx, count: Math.min(SAMPLE, CASES - total.requests), seed: Number(values.seed) + i, concurrency: Number(values.concurrency) });
    total.requests += r.requests;
    total.seconds += r.seconds;
    total.failures.push(...r.failures);
    for (const [s, n] of Object.entries(r.byStatus)) total.byStatus[s] = (total.byStatus[s] ?? 0) + n;
    samples.push({ requests: total.requests, mem: await mem() });
  }
  const start = samples[0].mem;
  const end = samples[samples.length - 1].mem;
  const half = samples[Math.floor(samples.length / 2)].mem;
  // Near where it started: the heap after a GC within a quarter (and 8 MB) of the start. The
  // cameras and users the fuzz created stay, so some growth is what was asked for.
  const back = end.heapMb <= start.heapMb * 1.25 + 8;
  console.log(`machine: ${env.nproc} cores, ${env.cpu}, load ${env.loadavg}, ${env.node}`);
  console.log(`operations: ${ops.length}`);
  console.log('| status | answers |');
  console.log('|---|---|');
  for (const [s, n] of Object.entries(total.byStatus).sort()) console.log(`| ${s} | ${n} |`);
  for (const f of total.failures.slice(0, 20)) console.log(`5xx: ${f.status} ${f.case.method} ${f.case.url} ${f.case.body ?? ''} -> ${f.body}`);
  console.log('');
  console.log('| after requests | server heap after GC | heap reserved | RSS |');
  console.log('|---|---|---|---|');
  for (const s of samples) console.log(`| ${s.requests} | ${s.mem.heapMb} MB | ${s.mem.heapTotalMb} MB | ${s.mem.rssMb} MB |`);
  console.log(`${total.requests} requests in ${total.seconds.toFixed(1)} s; server heap after GC ${start.heapMb} → ${end.heapMb} MB (${back ? 'back near the start' : 'NOT back near the start'}), RSS ${start.rssMb} → ${end.rssMb} MB`);
  if (total.failures.length || !back) process.exitCode = 1;
  console.log(`RESULT ${JSON.stringify({
    requests: total.requests, '5xx': total.failures.length, operations: ops.length, seconds: Number(total.seconds.toFixed(1)),
    heap_start_mb: start.heapMb, heap_half_mb: half.heapMb, heap_end_mb: end.heapMb, memory_back: back,
    rss_start_mb: start.rssMb, rss_end_mb: end.rssMb, heap_reserved_start_mb: start.heapTotalMb, heap_reserved_end_mb: end.heapTotalMb, seed: Number(values.seed),
  })}`);
} finally {
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r));
}
