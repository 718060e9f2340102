// The security review's findings (issue 10), each as the attacker tried it. Every test here failed
// on the code the review ran against.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { AuthService } from '../../src/access/index.ts';
import { MAX_TIME_MS } from '../../src/core/index.ts';

let v: TestVigil;
let adminCookie: string | null;
const AUTH = { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 };

before(async () => {
  v = await startTestVigil({ cameras: [{ id: 'dead', name: 'Dead camera', url: 'rtsp://127.0.0.1:9/nothing' }] });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  adminCookie = v.cookie;
});
after(async () => {
  await v?.stop();
});

async function as<T>(cookie: string | null, fn: () => Promise<T>): Promise<T> {
  const keep = v.cookie;
  v.cookie = cookie;
  try {
    return await fn();
  } finally {
    v.cookie = keep;
  }
}

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const b = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: b.error.code, message: b.error.message };
}

test('H3: a lock ending at 2^53 ms (or in the year 3,000,000) is refused with 400 naming the field', async () => {
  for (const to of [2 ** 53, 2 ** 53 + 2, 94_670_000_000_000_000, MAX_TIME_MS + 1]) {
    const e = await errorOf(await v.http('/api/cameras/dead/locks', { method: 'POST', json: { from: 0, to, reason: 'case 1' } }));
    assert.equal(e.status, 400, String(to));
    assert.match(e.message, /to/);
  }
  const ok = await v.http('/api/cameras/dead/locks', { method: 'POST', json: { from: 1000, to: MAX_TIME_MS, reason: 'until the end of 9999' } });
  assert.equal(ok.status, 201);
});

test('H3: a lock stored out of range by an older version is read clamped; its camera, its deletion and retention keep working', async () => {
  // As the old code stored it (it accepted 2^53), or a hand edit: straight into the database.
  const db = new DatabaseSync(path.join(v.dataDir, 'vigil.db'));
  db.exec('PRAGMA busy_timeout = 5000');
  db.prepare('INSERT INTO evidence_locks (id, camera_id, from_ms, to_ms, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run('lck_huge', 'dead', -5, 2n ** 62n, 'old bad lock', 'someone', 1000);
  db.prepare('INSERT INTO evidence_locks (id, camera_id, from_ms, to_ms, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run('lck_real', 'dead', 0, 1e300, 'stored as a real', 'someone', 1000);
  db.close();
  const list = await v.http('/api/cameras/dead/locks');
  assert.equal(list.status, 200);
  const locks = ((await list.json()) as { locks: { id: string; fromMs: number; toMs: number }[] }).locks;
  const huge = locks.find((l) => l.id === 'lck_huge')!;
  assert.deepEqual([huge.fromMs, huge.toMs], [0, MAX_TIME_MS]);
  assert.equal(locks.find((l) => l.id === 'lck_real')!.toMs, MAX_TIME_MS);
  const report = await v.retention.sweep('manual');
  assert.ok(report.keptByLock >= 0, 'the sweep ran to its end');
  assert.equal((await v.http('/api/cameras/dead/locks/lck_huge', { method: 'DELETE' })).status, 204);
  assert.equal((await v.http('/api/cameras/dead/locks/lck_real', { method: 'DELETE' })).status, 204);
});

test('M3: an operator cannot release a lock someone else placed; a supervisor and the placer can', async () => {
  const auth = new AuthService(v.store, AUTH);
  await auth.createUser('otto', 'operator-pass-word-1', 'operator', 'test');
  await auth.createUser('sue', 'supervisor-pass-word-1', 'supervisor', 'test');
  const adminLock = (await (await v.http('/api/cameras/dead/locks', { method: 'POST', json: { from: 0, to: 5000, reason: 'admin case' } })).json()) as { lock: { id: string } };
  const otto = await as(null, async () => ((await v.login('otto', 'operator-pass-word-1')).status === 200 ? v.cookie : null));
  const sue = await as(null, async () => ((await v.login('sue', 'supervisor-pass-word-1')).status === 200 ? v.cookie : null));
  assert.ok(otto && sue);
  const refused = await as(otto, () => v.http(`/api/cameras/dead/locks/${adminLock.lock.id}`, { method: 'DELETE' }));
  assert.equal(refused.status, 403);
  const own = (await as(otto, async () => (await v.http('/api/cameras/dead/locks', { method: 'POST', json: { from: 0, to: 5000, reason: 'my own case' } })).json())) as { lock: { id: string } };
  assert.equal((await as(otto, () => v.http(`/api/cameras/dead/locks/${own.lock.id}`, { method: 'DELETE' }))).status, 204, 'the placer may lift it');
  assert.equal((await as(sue, () => v.http(`/api/cameras/dead/locks/${adminLock.lock.id}`, { method: 'DELETE' }))).status, 204, 'a supervisor may');
});

test('M3: a lock on a camera that neither exists nor was ever recorded is 404', async () => {
  const e = await errorOf(await v.http('/api/cameras/no-such-camera/locks', { method: 'POST', json: { from: 0, to: 5000, reason: 'case 2' } }));
  assert.equal(e.status, 404);
  assert.match(e.message, /no-such-camera/);
});

test('M8: Infinity, 1e309, 1E400 and -Infinity as limits and times are 400 naming the field, never 500', async () => {
  const now = Date.now();
  const cases: [string, RegExp][] = [];
  for (const bad of ['1e309', '1E400', 'Infinity', '-Infinity', '9007199254740993']) {
    cases.push([`/api/alarms?limit=${bad}`, /limit/]);
    cases.push([`/api/events?from=0&to=${now}&limit=${bad}`, /limit/]);
    cases.push([`/api/cameras/dead/recordings?from=0&to=${now}&limit=${bad}`, /limit/]);
    cases.push([`/api/events?from=${bad}&to=${now}`, /from/]);
    cases.push([`/api/cameras/dead/recordings?from=${bad}&to=${now}`, /from/]);
    cases.push([`/api/cameras/dead/counts?from=${bad}`, /from/]);
    cases.push([`/api/cameras/dead/timeline?from=${bad}&to=${now}`, /from/]);
  }
  cases.push([`/api/cameras/dead/timeline?from=-271821-04-20T00:00:00Z&to=${now}`, /from/]);
  for (const [url, field] of cases) {
    const res = await v.http(url);
    const e = await errorOf(res);
    assert.equal(e.status, 400, `${url}: ${e.status} ${e.message}`);
    assert.match(e.message, field, url);
  }
  for (const from of ['-Infinity', -1, 1e309]) {
    const res = await v.http('/api/cameras/dead/locks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"from":${typeof from === 'string' ? JSON.stringify(from) : from === 1e309 ? '1e309' : from},"to":5000,"reason":"case 3"}` });
    const e = await errorOf(res);
    assert.equal(e.status, 400, `from ${from}: ${e.message}`);
    assert.match(e.message, /from/);
  }
});

test('Low: a failed sign-in keeps a hash of the typed name, never the text (people type passwords there)', async () => {
  await as(null, () => v.login('MyS3cretPassw0rd!', 'whatever'));
  await as(null, () => v.login('admin', 'wrong-password'));
  const entries = (await v.store.listAudit(0, 100_000)).filter((e) => e.action === 'login.failure');
  assert.ok(entries.length >= 2);
  assert.ok(!JSON.stringify(entries).includes('MyS3cretPassw0rd!'));
  for (const e of entries) assert.match(String(e.details.nameHash), /^[0-9a-f]{16}$/);
});

test('M1: 20 parallel wrong passwords for one user: most answer 429, not 401', async () => {
  const results = await as(null, () => Promise.all(Array.from({ length: 20 }, (_, i) => v.login('parallel-target', `wrong-${i}`))));
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(' '));
  assert.equal(statuses.filter((s) => s === 429).length, 15, statuses.join(' '));
});

test('M4: a password change ends the user\'s existing sessions', async () => {
  const auth = new AuthService(v.store, AUTH);
  await auth.createUser('petra', 'first-pass-word-9', 'viewer', 'test');
  const cookie = await as(null, async () => ((await v.login('petra', 'first-pass-word-9')).status === 200 ? v.cookie : null));
  assert.equal((await as(cookie, () => v.http('/api/session'))).status, 200);
  await auth.setPassword('petra', 'second-pass-word-9', 'test');
  assert.equal((await as(cookie, () => v.http('/api/session'))).status, 401, 'the old session is gone');
});

test('password rules hold for users made through Vigil', async () => {
  const auth = new AuthService(v.store, AUTH);
  await assert.rejects(auth.createUser('bob', 'password1234', 'viewer', 'test'), /common/);
  await assert.rejects(auth.createUser('bob', 'bob-is-my-name-2', 'viewer', 'test'), /user name/);
  await assert.rejects(auth.createUser('bob', 'short', 'viewer', 'test'), /at least 12/);
});
