// A short run of the OpenAPI fuzzer (the bench runs 20,000+: npm run bench:api-fuzz): every route,
// valid and mutated parameters, queries and bodies, with no session, a viewer's and an admin's.
// No answer may be a 5xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { AuthService } from '../../src/access/index.ts';
import { operationsOf, runApiFuzz } from '../fuzz/api-fuzzer.ts';

let v: TestVigil;
before(async () => {
  v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Fuzz camera', url: 'rtsp://127.0.0.1:9/x' }] });
});
after(async () => {
  await v?.stop();
});

test('fuzzing every route from the OpenAPI description: no 5xx', async () => {
  await new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 }).createUser('fuzz-viewer', 'Quiet-lamp-post-77', 'viewer', 'test');
  assert.equal((await v.login('fuzz-viewer', 'Quiet-lamp-post-77')).status, 200);
  const viewer = v.cookie;
  v.cookie = null;
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  const admin = v.cookie;
  const doc = (await (await v.http('/api/openapi.json')).json()) as Parameters<typeof operationsOf>[0];
  const ops = operationsOf(doc).filter((o) => !(o.method === 'DELETE' && o.path === '/api/session'));
  assert.ok(ops.length >= 40, `operations: ${ops.length}`);
  // Users the fuzz may change at will (not the two whose sessions it uses).
  const victim = await new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 }).createUser('victim', 'Quiet-harbour-target-1', 'operator', 'test');
  const report = await runApiFuzz({
    baseUrl: v.url,
    ops,
    ctx: { known: { id: ['cam1', 'ghost'], userId: [victim.id, 'usr_none'], lockId: ['lck_none'], name: ['x.mp4'], start: ['1000'] }, cookies: { none: null, viewer, admin }, origin: v.url },
    count: Number(process.env.API_FUZZ_CASES ?? 1500),
    seed: Number(process.env.API_FUZZ_SEED ?? 20261202),
  });
  console.log(`# ${report.requests} requests in ${report.seconds.toFixed(1)} s: ${JSON.stringify(report.byStatus)}`);
  assert.deepEqual(report.failures.map((f) => `${f.status} ${f.case.method} ${f.case.url} ${f.case.body ?? ''} -> ${f.body}`), []);
  assert.equal(report.requests, Number(process.env.API_FUZZ_CASES ?? 1500));
});
