import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword, verifyPassword, can, authorize, LoginThrottle, RefusalLimiter, SecretBox, AccessError, passwordProblem, typedNameHash, type CameraScopeLookup } from '../../src/access/index.ts';

test('scrypt hashes verify the right password only, and differ per salt', async () => {
  const h1 = await hashPassword('correct horse');
  const h2 = await hashPassword('correct horse');
  assert.notEqual(h1, h2);
  assert.match(h1, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse', h1), true);
  assert.equal(await verifyPassword('correct horsE', h1), false);
  assert.equal(await verifyPassword('x', 'not-a-hash'), false);
});

test('permissions: one function decides, per role', () => {
  const cam = { type: 'camera', id: 'c1' } as const;
  const admin = { id: 'u1', username: 'a', role: 'admin', scopes: null } as const;
  const op = { id: 'u2', username: 'o', role: 'operator', scopes: null } as const;
  const viewer = { id: 'u3', username: 'v', role: 'viewer', scopes: null } as const;
  assert.equal(can(admin, 'camera.delete', cam), true);
  assert.equal(can(op, 'camera.delete', cam), false);
  assert.equal(can(op, 'recording.list', cam), true);
  assert.equal(can(viewer, 'recording.list', cam), false);
  assert.equal(can(viewer, 'camera.live', cam), true);
  assert.throws(() => authorize(null, 'camera.list', { type: 'cameras' }), (e: AccessError) => e.code === 'AUTH_REQUIRED');
  assert.throws(() => authorize(viewer, 'camera.create', { type: 'cameras' }), (e: AccessError) => e.code === 'FORBIDDEN');
});

test('permissions: a scoped grant covers the cameras of its sites and groups only; auditors never see video', () => {
  const cameras: CameraScopeLookup = {
    scopesOf: (id) => (id === 'north-1' ? [{ kind: 'site', id: 'north' }] : id === 'gate' ? [{ kind: 'group', id: 'gates' }, { kind: 'site', id: 'south' }] : []),
  };
  const northOp = { id: 'u4', username: 'n', role: 'operator', scopes: [{ kind: 'site', id: 'north' }] } as const;
  const gatesViewer = { id: 'u5', username: 'g', role: 'viewer', scopes: [{ kind: 'group', id: 'gates' }] } as const;
  const auditor = { id: 'u6', username: 'au', role: 'auditor', scopes: null } as const;
  assert.equal(can(northOp, 'recording.play', { type: 'camera', id: 'north-1' }, cameras), true);
  assert.equal(can(northOp, 'recording.play', { type: 'camera', id: 'gate' }, cameras), false);
  assert.equal(can(northOp, 'camera.list', { type: 'cameras' }, cameras), true, 'lists, filtered per camera');
  assert.equal(can(gatesViewer, 'camera.live', { type: 'camera', id: 'gate' }, cameras), true);
  assert.equal(can(gatesViewer, 'camera.live', { type: 'camera', id: 'unassigned' }, cameras), false);
  const scopedAdmin = { id: 'u7', username: 'sa', role: 'admin', scopes: [{ kind: 'site', id: 'north' }] } as const;
  assert.equal(can(scopedAdmin, 'camera.create', { type: 'cameras' }, cameras), false, 'a scoped admin cannot add cameras outside any scope');
  assert.throws(() => authorize(northOp, 'recording.play', { type: 'camera', id: 'gate' }, cameras), (e: AccessError) => e.code === 'FORBIDDEN' && /outside/.test(e.message));
  for (const a of ['camera.live', 'recording.play', 'recording.list', 'recording.export', 'alarm.see'] as const) {
    assert.equal(can(auditor, a, { type: 'camera', id: 'north-1' }, cameras), false, `auditor may not ${a}`);
  }
  assert.equal(can(auditor, 'audit.read', { type: 'audit' }), true);
  const op = { id: 'u2', username: 'o', role: 'operator', scopes: null } as const;
  assert.equal(can(op, 'audit.read', { type: 'audit' }), false);
  assert.equal(can({ ...op, role: 'supervisor' }, 'evidence.release_any', { type: 'camera', id: 'c1' }), true);
  assert.equal(can(op, 'evidence.release_any', { type: 'camera', id: 'c1' }), false);
});

test('login throttle: a (name, address) pair is throttled, not the name everywhere; the address has its own higher limit', () => {
  const t = new LoginThrottle({ maxFailures: 3, maxFailuresPerAddress: 6, windowMs: 60_000 });
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) assert.equal(t.begin('admin', '1.1.1.1', t0 + i).retryAfter, 0);
  assert.ok(t.begin('admin', '1.1.1.1', t0 + 5).retryAfter > 0, 'the pair is throttled');
  assert.equal(t.retryAfterSeconds('admin', '2.2.2.2', t0 + 10), 0, 'the same user from another address is not locked out');
  assert.equal(t.retryAfterSeconds('Admin', '1.1.1.1', t0 + 10) > 0, true, 'names compare without case');
  for (let i = 0; i < 3; i++) t.begin(`user${i}`, '1.1.1.1', t0 + 20 + i);
  assert.ok(t.retryAfterSeconds('someone-else', '1.1.1.1', t0 + 30) > 0, 'six failures from one address throttle it');
  assert.equal(t.retryAfterSeconds('someone-else', '3.3.3.3', t0 + 30), 0);
  assert.equal(t.retryAfterSeconds('admin', '1.1.1.1', t0 + 60_100), 0, 'window passes');
});

test('login throttle: an attempt counts from its start; a right password takes it back', () => {
  const t = new LoginThrottle({ maxFailures: 2, maxFailuresPerAddress: 100, windowMs: 60_000 });
  // Parallel attempts: nothing is awaited between them, as in 20 requests whose hashes run at once.
  const started = Array.from({ length: 20 }, () => t.begin('admin', '9.9.9.9', 5000));
  assert.equal(started.filter((a) => a.retryAfter === 0).length, 2, 'only maxFailures attempts run before the outcome of any is known');
  const t2 = new LoginThrottle({ maxFailures: 2, maxFailuresPerAddress: 100, windowMs: 60_000 });
  for (let i = 0; i < 5; i++) t2.begin('admin', '9.9.9.9', 5000 + i).succeeded();
  assert.equal(t2.retryAfterSeconds('admin', '9.9.9.9', 5010), 0, 'successful sign-ins do not count');
});

test('login throttle: memory is bounded whatever names are tried', () => {
  const t = new LoginThrottle({ maxFailures: 5, maxFailuresPerAddress: 50, windowMs: 60_000, maxKeys: 1000 });
  for (let i = 0; i < 20_000; i++) t.begin(`name-${i}`, `10.0.${i >> 8}.${i & 255}`, 1000 + i);
  assert.ok(t.size <= 1000, `keys kept: ${t.size}`);
});

test('refusals: at most N audit entries per source per window; the next one says how many were left out', () => {
  const r = new RefusalLimiter({ perWindow: 3, windowMs: 60_000 });
  const got = Array.from({ length: 10 }, (_, i) => r.admit('1.2.3.4', 1000 + i));
  assert.equal(got.filter(Boolean).length, 3);
  assert.deepEqual(r.admit('5.6.7.8', 1100), { suppressed: 0 }, 'another source has its own budget');
  assert.deepEqual(r.admit('1.2.3.4', 61_000), { suppressed: 7 });
});

test('password rules: length, the common-password list, no user name', () => {
  assert.match(passwordProblem('short-1', 'alice') ?? '', /at least 12/);
  assert.match(passwordProblem('password1234', 'alice') ?? '', /common/);
  assert.match(passwordProblem('qwertyuiop123', 'alice') ?? '', /common/);
  assert.match(passwordProblem('Trustno1Trustno1', 'alice') ?? '', /common|repeat/);
  assert.match(passwordProblem('alice-in-the-garden', 'Alice') ?? '', /user name/);
  assert.equal(passwordProblem('correct horse battery', 'alice'), null);
  assert.equal(passwordProblem('Kabul-night-shift-7', 'ops1'), null);
});

test('a typed user name is kept as a short hash, the same for the same name', () => {
  assert.match(typedNameHash('my-secret-password'), /^[0-9a-f]{16}$/);
  assert.equal(typedNameHash('Admin'), typedNameHash('admin'));
  assert.notEqual(typedNameHash('admin'), typedNameHash('admin2'));
});

test('secret box: sealed camera passwords open with the installation key only', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-keys-'));
  const box = SecretBox.loadOrCreate(dir);
  assert.equal(statSync(path.join(dir, 'secret.key')).mode & 0o777, 0o600);
  const sealed = box.seal('s3cret!');
  assert.ok(!sealed.includes('s3cret'));
  assert.equal(box.open(sealed), 's3cret!');
  assert.equal(SecretBox.loadOrCreate(dir).open(sealed), 's3cret!', 'same key after reload');
  const other = SecretBox.loadOrCreate(mkdtempSync(path.join(tmpdir(), 'vigil-keys-')));
  assert.throws(() => other.open(sealed), (e: AccessError) => e.code === 'SECRET_KEY_INVALID');
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => box.open(tampered), (e: AccessError) => e.code === 'SECRET_KEY_INVALID');
});
