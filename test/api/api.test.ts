import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { verifyAuditChain } from '../../src/audit/index.ts';
import { readAuditLog } from '../../src/store/index.ts';

let v: TestVigil;
before(async () => {
  v = await startTestVigil({ cameras: [{ id: 'dead', name: 'Dead camera', url: 'rtsp://127.0.0.1:9/nothing' }] });
});
after(async () => {
  await v?.stop();
});

async function body(res: Response) {
  return (await res.json()) as any;
}

test('health needs no session; everything else does', async () => {
  const h = await fetch(v.url + '/api/health');
  assert.equal(h.status, 200);
  assert.equal((await body(h)).status, 'ok');
  for (const p of ['/api/cameras', '/api/cameras/dead', '/api/session', '/api/openapi.json', '/api/cameras/dead/recordings?from=0&to=1']) {
    const r = await fetch(v.url + p);
    assert.equal(r.status, 401, p);
    assert.equal((await body(r)).error.code, 'AUTH_REQUIRED', p);
  }
});

test('malformed, oversized and wrongly typed bodies get clear 400/413/415 errors', async () => {
  const bad = await fetch(v.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": "admin", ' });
  assert.equal(bad.status, 400);
  assert.match((await body(bad)).error.message, /JSON/);
  const missing = await fetch(v.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"admin"}' });
  assert.equal(missing.status, 400);
  assert.match((await body(missing)).error.message, /password/);
  const huge = await fetch(v.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'a', password: 'x'.repeat(200_000) }) });
  assert.equal(huge.status, 413);
  assert.equal((await body(huge)).error.code, 'BODY_TOO_LARGE');
  // text/plain is what a cross-site form can send without a preflight: only JSON is taken.
  const form = await fetch(v.url + '/api/session', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
  assert.equal(form.status, 415);
  assert.equal((await body(form)).error.code, 'UNSUPPORTED_MEDIA_TYPE');
  const xml = await fetch(v.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
  assert.equal(xml.status, 415);
});

test('sign-in: wrong password 401, right one sets an HttpOnly cookie; both audited', async () => {
  const wrong = await v.login('admin', 'nope');
  assert.equal(wrong.status, 401);
  assert.equal((await body(wrong)).error.code, 'INVALID_CREDENTIALS');
  const ok = await v.login('admin', 'admin-password-1');
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('set-cookie') ?? '', /vigil_session=.*HttpOnly.*SameSite=Strict/i);
  assert.equal((await body(ok)).user.role, 'admin');
  const me = await v.http('/api/session');
  assert.equal((await body(me)).user.username, 'admin');
  const audit = await v.store.listAudit(0, 1000);
  assert.ok(audit.some((e) => e.action === 'login.failure' && e.actor !== 'anonymous' && typeof e.details.nameHash === 'string' && !('username' in e.details)));
  assert.ok(audit.some((e) => e.action === 'login.success'));
});

test('cameras: credentials are taken out of the URL, encrypted, never returned or logged', async () => {
  const res = await v.http('/api/cameras', { method: 'POST', json: { id: 'gate', name: 'North gate', url: 'rtsp://op:Sup3r-Secret@127.0.0.1:9/stream', transport: 'udp' } });
  assert.equal(res.status, 201);
  const cam = (await body(res)).camera;
  assert.equal(cam.url, 'rtsp://127.0.0.1:9/stream');
  assert.equal(cam.username, 'op');
  assert.equal(cam.hasPassword, true);
  assert.ok(!JSON.stringify(cam).includes('Sup3r-Secret'));
  const row = await v.store.getCamera('gate');
  assert.ok(row?.passwordEnc && !row.passwordEnc.includes('Sup3r-Secret'));
  const list = await v.http('/api/cameras');
  assert.ok(!(await list.text()).includes('Sup3r-Secret'));
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!v.logs.join('').includes('Sup3r-Secret'), 'password must not appear in logs');

  const dup = await v.http('/api/cameras', { method: 'POST', json: { id: 'gate', name: 'again', url: 'rtsp://127.0.0.1/x' } });
  assert.equal(dup.status, 409);
  const badUrl = await v.http('/api/cameras', { method: 'POST', json: { name: 'x', url: 'http://127.0.0.1/x' } });
  assert.equal(badUrl.status, 400);
  assert.match((await body(badUrl)).error.message, /url/);
  const badEscape = await v.http('/api/cameras', { method: 'POST', json: { name: 'x', url: 'rtsp://us%E0er:pw@127.0.0.1/x' } });
  assert.equal(badEscape.status, 400, 'a malformed %-escape in the credentials is bad input, not a 500');
  assert.match((await body(badEscape)).error.message, /^url: /);

  const patched = await v.http('/api/cameras/gate', { method: 'PATCH', json: { name: 'North gate (east)', password: null } });
  assert.equal(patched.status, 200);
  const p = (await body(patched)).camera;
  assert.equal(p.name, 'North gate (east)');
  assert.equal(p.hasPassword, false);
  const audit = await v.store.listAudit(0, 1000);
  const upd = audit.find((e) => e.action === 'camera.update' && e.cameraId === 'gate');
  assert.deepEqual(upd?.details.changed, ['name', 'password']);

  assert.equal((await v.http('/api/cameras/nope')).status, 404);
  const del404 = await v.http('/api/cameras/nope', { method: 'DELETE' });
  assert.equal(del404.status, 404);
  assert.equal((await body(del404)).error.code, 'CAMERA_NOT_FOUND');
  assert.equal((await v.http('/api/cameras/gate', { method: 'DELETE' })).status, 204);
  assert.equal((await v.http('/api/cameras/gate')).status, 404);
});

test('cameras: a sub-stream URL is stored without credentials, changed, cleared and validated', async () => {
  const res = await v.http('/api/cameras', { method: 'POST', json: { id: 'subcam', name: 'Sub', url: 'rtsp://127.0.0.1:9/main', subUrl: 'rtsp://op:Hidden-Pw@127.0.0.1:9/sub' } });
  assert.equal(res.status, 201);
  const cam = (await body(res)).camera;
  assert.equal(cam.subUrl, 'rtsp://127.0.0.1:9/sub', 'credentials never kept in the sub-stream URL');
  assert.equal(cam.hasPassword, false, 'the main stream\'s credentials are used');
  assert.equal((await v.store.getCamera('subcam'))?.subUrl, 'rtsp://127.0.0.1:9/sub');
  const bad = await v.http('/api/cameras/subcam', { method: 'PATCH', json: { subUrl: 'http://127.0.0.1/x' } });
  assert.equal(bad.status, 400);
  assert.match((await body(bad)).error.message, /subUrl/);
  const changed = await v.http('/api/cameras/subcam', { method: 'PATCH', json: { subUrl: 'rtsp://127.0.0.1:9/sub2' } });
  assert.equal((await body(changed)).camera.subUrl, 'rtsp://127.0.0.1:9/sub2');
  const cleared = await v.http('/api/cameras/subcam', { method: 'PATCH', json: { subUrl: null } });
  assert.equal((await body(cleared)).camera.subUrl, null);
  assert.equal((await v.store.getCamera('subcam'))?.subUrl, null);
  const plain = await body(await v.http('/api/cameras/dead'));
  assert.equal(plain.camera.subUrl, null);
  assert.equal((await v.http('/api/cameras/subcam', { method: 'DELETE' })).status, 204);
});

test('an unreachable camera shows as offline with a reason; nothing crashes', async () => {
  let cam: any;
  for (let i = 0; i < 50; i++) {
    cam = (await body(await v.http('/api/cameras/dead'))).camera;
    if (cam.status.state === 'offline') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(cam.status.state, 'offline');
  assert.match(cam.status.error, /CAMERA_UNREACHABLE/);
});

test('recordings: range validated, listing audited', async () => {
  const bad = await v.http('/api/cameras/dead/recordings?from=10&to=5');
  assert.equal(bad.status, 400);
  const nan = await v.http('/api/cameras/dead/recordings?from=abc&to=5');
  assert.equal(nan.status, 400);
  const ok = await v.http(`/api/cameras/dead/recordings?from=0&to=${Date.now()}`);
  assert.equal(ok.status, 200);
  assert.deepEqual((await body(ok)).segments, []);
  const audit = await v.store.listAudit(0, 1000);
  assert.ok(audit.some((e) => e.action === 'recording.list' && e.cameraId === 'dead'));
  assert.equal((await v.http('/api/cameras/ghost/recordings?from=0&to=5')).status, 404);
});

test('OpenAPI describes the routes', async () => {
  const doc = await body(await v.http('/api/openapi.json'));
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/api/health', '/api/session', '/api/cameras', '/api/cameras/{id}', '/api/cameras/{id}/recordings']) assert.ok(doc.paths[p], p);
});

test('a viewer may watch but not change cameras', async () => {
  const { AuthService } = await import('../../src/access/index.ts');
  await new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 }).createUser('vera', 'viewer-pass-1', 'viewer', 'test');
  const admin = v.cookie;
  assert.equal((await v.login('vera', 'viewer-pass-1')).status, 200);
  assert.equal((await v.http('/api/cameras')).status, 200);
  const res = await v.http('/api/cameras', { method: 'POST', json: { name: 'x', url: 'rtsp://127.0.0.1/x' } });
  assert.equal(res.status, 403);
  assert.equal((await body(res)).error.code, 'FORBIDDEN');
  assert.equal((await v.http('/api/cameras/dead/recordings?from=0&to=5')).status, 403);
  assert.equal((await v.http('/api/session', { method: 'DELETE' })).status, 204);
  assert.equal((await v.http('/api/cameras')).status, 401, 'signed out');
  v.cookie = admin;
});

test('sign-in throttling answers 429 with Retry-After', async () => {
  let last: Response | null = null;
  for (let i = 0; i < 7; i++) last = await v.login('mallory', 'guess' + i);
  assert.equal(last!.status, 429);
  assert.ok(Number(last!.headers.get('retry-after')) > 0);
  assert.equal((await body(last!)).error.code, 'LOGIN_THROTTLED');
});

test('every action above left an unbroken audit chain', async () => {
  const r = await verifyAuditChain(readAuditLog(v.store));
  assert.equal(r.ok, true);
  assert.ok(r.count > 10);
});

test('demo contract: a restart with another VIGIL_ADMIN_PASSWORD makes that the admin password (audited)', async () => {
  const { startVigil } = await import('../../src/app/vigil.ts');
  const { validateConfig } = await import('../../src/core/index.ts');
  const { pino } = await import('pino');
  await v.close();
  const cfg = validateConfig({ dataDir: v.dataDir, server: { port: 0 } });
  const again = await startVigil(cfg, pino({ level: 'silent' }), { adminPassword: 'second-password-2', resetAdminPassword: true });
  try {
    const ok = await fetch(again.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'second-password-2' }) });
    assert.equal(ok.status, 200);
    const audit = await again.store.listAudit(0, 10_000);
    assert.ok(audit.some((e) => e.action === 'user.password_set' && e.actor === 'system'));
    assert.equal((await verifyAuditChain(readAuditLog(again.store))).ok, true);
  } finally {
    await again.close();
  }
});
