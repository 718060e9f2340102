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

test('H2: credentials in the query string are split out and sealed like user:pass@ — never returned, logged or audited', async () => {
  const secret = 'Qu3ry-S3cret!';
  const res = await v.http('/api/cameras', { method: 'POST', json: { id: 'qcam', name: 'Query creds', url: `rtsp://127.0.0.1:9/live?channel=1&user=admin&password=${encodeURIComponent(secret)}&pwd=other-${secret}`, enabled: true } });
  assert.equal(res.status, 201);
  const cam = ((await res.json()) as { camera: { url: string; username: string; hasPassword: boolean } }).camera;
  assert.equal(cam.url, 'rtsp://127.0.0.1:9/live?channel=1&user={user}&password={password}&pwd={password}');
  assert.equal(cam.username, 'admin');
  assert.equal(cam.hasPassword, true);
  const patched = await v.http('/api/cameras/qcam', { method: 'PATCH', json: { url: `rtsp://127.0.0.1:9/live?Pass=${secret}&UserName=root` } });
  assert.equal(patched.status, 200);
  await new Promise((r) => setTimeout(r, 500)); // the recorder logs its 'connecting' line
  const everything = [JSON.stringify(await v.store.listAudit(0, 100_000)), v.logs.join(''), await (await v.http('/api/cameras/qcam')).text(), await (await v.http('/api/cameras')).text()].join('\n');
  assert.ok(!everything.includes(secret), 'the secret appears nowhere');
  const row = await v.store.getCamera('qcam');
  assert.equal(row?.username, 'root');
  assert.ok(row?.passwordEnc && !row.passwordEnc.includes(secret));
  // The camera is connected with the credentials put back where it wants them.
  const { fillCameraUrl } = await import('../../src/cameras/index.ts');
  assert.equal(fillCameraUrl(row!.url, 'root', secret), `rtsp://127.0.0.1:9/live?Pass=${encodeURIComponent(secret)}&UserName=root`);
});

test('M7 and Low: rtsps:// and an rtsp:// URL without a host are refused, naming the field', async () => {
  for (const [url, why] of [['rtsps://127.0.0.1/x', /rtsps/], ['rtsp:///stream', /host/], ['rtsp://', /url/]] as const) {
    const e = await errorOf(await v.http('/api/cameras', { method: 'POST', json: { name: 'x', url } }));
    assert.equal(e.status, 400, url);
    assert.match(e.message, /url/);
    assert.match(e.message, why);
  }
  const sub = await errorOf(await v.http('/api/cameras', { method: 'POST', json: { name: 'x', url: 'rtsp://127.0.0.1/a', subUrl: 'rtsps://127.0.0.1/b' } }));
  assert.equal(sub.status, 400);
  assert.match(sub.message, /subUrl/);
});

test('M5: camera.update records each change from what to what, the password masked', async () => {
  assert.equal((await v.http('/api/cameras/qcam', { method: 'PATCH', json: { name: 'Renamed', password: 'new-camera-secret', record: false } })).status, 200);
  const e = (await v.store.listAudit(0, 100_000)).filter((x) => x.action === 'camera.update' && x.cameraId === 'qcam').pop()!;
  const changes = e.details.changes as Record<string, { before: unknown; after: unknown }>;
  assert.deepEqual(changes.name, { before: 'Query creds', after: 'Renamed' });
  assert.deepEqual(changes.record, { before: true, after: false });
  assert.deepEqual(changes.password, { before: '[set]', after: '[changed]' });
  assert.ok(!JSON.stringify(e).includes('new-camera-secret'));
});

test('M5: refused requests (401, 403) are audited, at most 10 a minute per source', async () => {
  const before = (await v.store.listAudit(0, 100_000)).filter((e) => e.action === 'access.denied').length;
  await as(null, async () => {
    for (let i = 0; i < 30; i++) await v.http('/api/cameras/dead/recordings?from=0&to=5');
  });
  const denied = (await v.store.listAudit(0, 100_000)).filter((e) => e.action === 'access.denied');
  assert.ok(denied.length - before >= 1 && denied.length - before <= 10, `entries added: ${denied.length - before}`);
  const last = denied[denied.length - 1];
  assert.equal(last.details.status, 401);
  assert.equal(last.details.route, '/api/cameras/:id/recordings');
});

test('Low: alarm ids cannot be probed without a session (401 for unknown and real alike)', async () => {
  await as(null, async () => {
    for (const p of ['/api/alarms/evt_nope/snapshot', '/api/alarms/evt_nope/ack', '/api/no/such/route']) {
      const r = await v.http(p, { method: p.endsWith('ack') ? 'POST' : 'GET' });
      assert.equal(r.status, 401, p);
    }
  });
});

test('Low: a state change from another origin is refused, whatever its content type', async () => {
  const r = await v.http('/api/cameras/dead/locks', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: JSON.stringify({ from: 0, to: 5, reason: 'csrf' }) });
  assert.equal(r.status, 403);
  const plain = await v.http('/api/cameras/dead/locks', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"from":0,"to":5,"reason":"csrf"}' });
  assert.equal(plain.status, 415);
});

test('Low: a Content-Security-Policy is sent', async () => {
  const r = await v.http('/api/health');
  assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
});

test('Low: viewers do not see camera URLs or their user names', async () => {
  const auth = new AuthService(v.store, AUTH);
  await auth.createUser('vicky', 'viewer-pass-word-1', 'viewer', 'test');
  const cookie = await as(null, async () => ((await v.login('vicky', 'viewer-pass-word-1')).status === 200 ? v.cookie : null));
  const cams = ((await (await as(cookie, () => v.http('/api/cameras'))).json()) as { cameras: { url: string | null; username: string | null }[] }).cameras;
  assert.ok(cams.length > 0);
  for (const c of cams) assert.deepEqual([c.url, c.username], [null, null]);
});

test('Low: OpenAPI describes both WebSocket routes', async () => {
  const doc = (await (await v.http('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
  assert.ok(doc.paths['/api/cameras/{id}/live'], 'live');
  assert.ok(doc.paths['/api/events/live'], 'events');
});

test('M2: behind a trusted proxy each client has its own address; failures lock the (name, address) pair, not the account everywhere', async () => {
  const p = await startTestVigil({ server: { port: 0, trustProxy: true } });
  try {
    const from = (ip: string, password: string) =>
      fetch(p.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username: 'admin', password }) });
    for (let i = 0; i < 5; i++) assert.equal((await from('203.0.113.7', `wrong-${i}`)).status, 401);
    assert.equal((await from('203.0.113.7', 'admin-password-1')).status, 429, 'the attacker\'s address is throttled for admin');
    assert.equal((await from('198.51.100.20', 'admin-password-1')).status, 200, 'the real admin, elsewhere, still signs in');
    const ips = (await p.store.listAudit(0, 1000)).filter((e) => e.action === 'login.failure').map((e) => e.ip);
    assert.ok(ips.every((ip) => ip === '203.0.113.7'), 'the audit log has the client address, not the proxy\'s');
  } finally {
    await p.stop();
  }
});

test('a live WebSocket closes within seconds when the user\'s sessions are ended', async () => {
  const { WebSocket } = await import('ws');
  const auth = new AuthService(v.store, AUTH);
  const user = await auth.createUser('wendy', 'watcher-pass-word-1', 'operator', 'test');
  const cookie = await as(null, async () => ((await v.login('wendy', 'watcher-pass-word-1')).status === 200 ? v.cookie : null));
  const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie: cookie! } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
  const ended = await v.http(`/api/users/${user.id}/sessions`, { method: 'DELETE' });
  assert.equal(ended.status, 200);
  const t0 = Date.now();
  const c = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 6000))]);
  assert.ok(c, 'closed');
  assert.equal(c.code, 4401);
  assert.ok(c.at - t0 < 5000, `closed after ${c.at - t0} ms`);
});

test('M6: the database, recordings and keys are readable by Vigil\'s account only', async () => {
  const { statSync, readdirSync, chmodSync } = await import('node:fs');
  const mode = (p: string) => statSync(p).mode & 0o777;
  assert.equal(mode(v.dataDir) & 0o077, 0, `data folder ${mode(v.dataDir).toString(8)}`);
  for (const name of ['vigil.db', 'recordings', 'keys', 'audit']) {
    const p = path.join(v.dataDir, name);
    assert.equal(mode(p) & 0o077, 0, `${name} ${mode(p).toString(8)}`);
  }
  for (const f of readdirSync(path.join(v.dataDir, 'keys')).filter((n) => !n.endsWith('.pub'))) assert.equal(mode(path.join(v.dataDir, 'keys', f)) & 0o077, 0, f);
  // An installation an older version left open is closed at start.
  const { startTestVigil: again } = await import('../helpers/vigil-instance.ts');
  const old = await again();
  try {
    chmodSync(old.dataDir, 0o755);
  } finally {
    await old.close();
  }
  const { startVigil } = await import('../../src/app/vigil.ts');
  const { validateConfig } = await import('../../src/core/index.ts');
  const { pino } = await import('pino');
  const reopened = await startVigil(validateConfig({ dataDir: old.dataDir, server: { port: 0 } }), pino({ level: 'silent' }), { adminPassword: 'admin-password-1' });
  try {
    assert.equal(mode(old.dataDir) & 0o077, 0);
  } finally {
    await reopened.close();
  }
});
