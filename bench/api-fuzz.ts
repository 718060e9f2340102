// The OpenAPI fuzzer at length: every route, valid and mutated requests, three kinds of session,
// against a whole Vigil in this process. Counts answers by status, lists any 5xx, and compares the
// process's memory before and after (after a GC), so a leak per bad request shows.
//   node --expose-gc bench/api-fuzz.ts [--cases 20000] [--seed 20261202] [--concurrency 8]
// Last line: RESULT {"requests":…,"5xx":…,"rss_before_mb":…,"rss_after_mb":…,…}
import { parseArgs } from 'node:util';
import { startTestVigil } from '../test/helpers/vigil-instance.ts';
import { AuthService } from '../src/access/index.ts';
import { operationsOf, runApiFuzz } from '../test/fuzz/api-fuzzer.ts';
import { machine } from './lib/bench-env.ts';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '20000' }, seed: { type: 'string', default: '20261202' }, concurrency: { type: 'string', default: '8' } }, strict: true });
const gc = (globalThis as { gc?: () => void }).gc;
const rssMb = () => {
  gc?.();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
};

const v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Fuzz camera', url: 'rtsp://127.0.0.1:9/x' }], auth: { loginMaxFailures: 1000, loginMaxFailuresPerAddress: 100000 } });
try {
  const env = machine();
  const auth = new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 });
  await auth.createUser('bench-viewer', 'Quiet-lamp-post-77', 'viewer', 'bench');
  const target = await auth.createUser('bench-op', 'Quiet-harbour-target-1', 'operator', 'bench');
  await v.login('bench-viewer', 'Quiet-lamp-post-77');
  const viewer = v.cookie;
  v.cookie = null;
  await v.login('admin', 'admin-password-1');
  const admin = v.cookie;
  const ops = operationsOf((await (await v.http('/api/openapi.json')).json()) as Parameters<typeof operationsOf>[0]).filter((o) => !(o.method === 'DELETE' && o.path === '/api/session'));
  const ctx = { known: { id: ['cam1', 'ghost'], userId: [target.id, 'usr_none'], lockId: ['lck_none'], name: ['x.mp4'], start: ['1000'] }, cookies: { none: null, viewer, admin }, origin: v.url };
  // Warm-up, so the first-request allocations (schemas compiled, pools opened) are not counted as growth.
  await runApiFuzz({ baseUrl: v.url, ops, ctx, count: 500, seed: 1 });
  const before = rssMb();
  const report = await runApiFuzz({ baseUrl: v.url, ops, ctx, count: Number(values.cases), seed: Number(values.seed), concurrency: Number(values.concurrency) });
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssMb();
  console.log(`machine: ${env.nproc} cores, ${env.cpu}, load ${env.loadavg}, ${env.node}; gc exposed: ${gc !== undefined}`);
  console.log(`operations: ${ops.length}`);
  console.log('| status | answers |');
  console.log('|---|---|');
  for (const [s, n] of Object.entries(report.byStatus).sort()) console.log(`| ${s} | ${n} |`);
  for (const f of report.failures.slice(0, 20)) console.log(`5xx: ${f.status} ${f.case.method} ${f.case.url} ${f.case.body ?? ''} -> ${f.body}`);
  console.log(`${report.requests} requests in ${report.seconds.toFixed(1)} s; RSS ${before} MB before, ${after} MB after`);
  if (report.failures.length) process.exitCode = 1;
  console.log(`RESULT ${JSON.stringify({ requests: report.requests, '5xx': report.failures.length, operations: ops.length, seconds: Number(report.seconds.toFixed(1)), rss_before_mb: before, rss_after_mb: after, seed: Number(values.seed) })}`);
} finally {
  await v.stop();
}
