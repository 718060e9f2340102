import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword, verifyPassword, can, authorize, LoginThrottle, SecretBox, AccessError } from '../../src/access/index.ts';

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
  const admin = { id: 'u1', username: 'a', role: 'admin' } as const;
  const op = { id: 'u2', username: 'o', role: 'operator' } as const;
  const viewer = { id: 'u3', username: 'v', role: 'viewer' } as const;
  assert.equal(can(admin, 'camera.delete', cam), true);
  assert.equal(can(op, 'camera.delete', cam), false);
  assert.equal(can(op, 'recording.list', cam), true);
  assert.equal(can(viewer, 'recording.list', cam), false);
  assert.equal(can(viewer, 'camera.live', cam), true);
  assert.throws(() => authorize(null, 'camera.list', { type: 'cameras' }), (e: AccessError) => e.code === 'AUTH_REQUIRED');
  assert.throws(() => authorize(viewer, 'camera.create', { type: 'cameras' }), (e: AccessError) => e.code === 'FORBIDDEN');
});

test('login throttle counts per user name and per address within the window', () => {
  const t = new LoginThrottle({ maxFailures: 3, windowMs: 60_000 });
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) t.recordFailure('admin', '1.1.1.1', t0 + i);
  assert.ok(t.retryAfterSeconds('admin', '2.2.2.2', t0 + 10) > 0, 'same user from another address is throttled');
  assert.ok(t.retryAfterSeconds('other', '1.1.1.1', t0 + 10) > 0, 'another user from the same address is throttled');
  assert.equal(t.retryAfterSeconds('other', '3.3.3.3', t0 + 10), 0);
  assert.equal(t.retryAfterSeconds('admin', '2.2.2.2', t0 + 60_001), 0, 'window passes');
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
