// Issue 10's store methods on both engines: users changed and removed with their sessions and
// scopes, camera scopes, the audit log as the auditor's screen queries it, the chain head, a lock
// stored out of range read back clamped, and batched appends keeping one chain.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readAuditLog } from '../../src/store/index.ts';
import { verifyAuditChain } from '../../src/audit/index.ts';
import { MAX_TIME_MS } from '../../src/core/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

for (const engine of bothStoreEngines('access')) {
  describe(`issue 10 store on ${engine.name}`, () => {
    test('users: update, scopes, sessions ended, removal takes sessions and scopes along', async () => {
      const store = await engine.open();
      await store.createUser({ id: 'u1', username: 'ana', passwordHash: 'h', role: 'operator', disabled: false });
      assert.equal((await store.getUser('u1'))?.allCameras, true);
      const t = 1_795_000_000_000;
      await store.createSession({ tokenHash: 'a'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1e9, ip: null });
      await store.createSession({ tokenHash: 'b'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1e9, ip: null });
      const u = await store.updateUser('u1', { role: 'supervisor', allCameras: false }, { actor: 'admin', action: 'user.update', details: { changes: { role: { before: 'operator', after: 'supervisor' } } } });
      assert.deepEqual([u?.role, u?.allCameras], ['supervisor', false]);
      assert.equal(await store.updateUser('nobody', { role: 'viewer' }, { actor: 'admin', action: 'user.update' }), null);
      await store.setUserScopes('u1', [{ kind: 'site', id: 'north' }, { kind: 'group', id: 'gates' }, { kind: 'site', id: 'north' }]);
      assert.deepEqual(await store.listUserScopes('u1'), [{ kind: 'group', id: 'gates' }, { kind: 'site', id: 'north' }]);
      assert.equal(await store.deleteUserSessions('u1', { actor: 'admin', action: 'session.end_all' }), 2);
      assert.equal(await store.getSession('a'.repeat(64), t), null);
      await store.createSession({ tokenHash: 'c'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1e9, ip: null });
      assert.equal(await store.deleteUser('u1', { actor: 'admin', action: 'user.delete' }), true);
      assert.equal(await store.getUser('u1'), null);
      assert.deepEqual(await store.listUserScopes('u1'), []);
      assert.equal(await store.getSession('c'.repeat(64), t), null);
      assert.deepEqual((await store.listAudit(0, 10)).map((e) => e.action), ['user.update', 'session.end_all', 'user.delete'], 'no entry for the update that found nobody');
    });

    test('camera scopes and the audit query (actor, camera, action prefix, purpose, time, paging)', async () => {
      const store = await engine.open();
      await store.setCameraScopes('cam-1', [{ kind: 'site', id: 'north' }]);
      await store.setCameraScopes('cam-2', [{ kind: 'group', id: 'gates' }]);
      await store.setCameraScopes('cam-1', [{ kind: 'site', id: 'south' }]);
      assert.deepEqual(await store.listCameraScopes(), [{ cameraId: 'cam-1', kind: 'site', id: 'south' }, { cameraId: 'cam-2', kind: 'group', id: 'gates' }]);
      for (let i = 1; i <= 30; i++) {
        await store.appendAudit({ actor: i % 2 ? 'ana' : 'bo', action: i % 3 ? 'recording.play' : 'export.create', cameraId: `cam-${i % 2 + 1}`, details: { purpose: i === 7 ? 'Case 100%_done' : `case ${i}` }, ts: 1000 + i });
      }
      const ana = await store.queryAudit({ actor: 'ana' });
      assert.equal(ana.length, 15);
      assert.ok(ana[0].seq > ana[1].seq, 'newest first');
      assert.equal((await store.queryAudit({ action: 'export.' })).length, 10);
      assert.equal((await store.queryAudit({ action: 'export.create', cameraId: 'cam-1' })).length, 5);
      assert.deepEqual((await store.queryAudit({ purpose: '100%_' })).map((e) => e.seq), [7], 'wildcards in the text match themselves, case aside');
      assert.deepEqual((await store.queryAudit({ purpose: 'CASE 100' })).map((e) => e.seq), [7]);
      assert.deepEqual((await store.queryAudit({ fromMs: 1010, toMs: 1012 })).map((e) => e.seq), [12, 11, 10]);
      assert.deepEqual((await store.queryAudit({ beforeSeq: 5, limit: 2 })).map((e) => e.seq), [4, 3]);
      assert.deepEqual(await store.auditHead(), { seq: 30, hash: (await store.listAudit(29, 1))[0].hash, ts: 1030 });
    });

    test('a lock stored beyond the year 9999 reads back clamped', async () => {
      const store = await engine.open();
      await store.addEvidenceLock({ id: 'l1', cameraId: 'c', fromMs: -5, toMs: 2 ** 62, reason: 'r', createdBy: 'u', createdAt: 1 });
      const [l] = await store.listEvidenceLocks('c');
      assert.deepEqual([l.fromMs, l.toMs], [0, MAX_TIME_MS]);
      assert.equal((await store.getEvidenceLock('l1'))?.toMs, MAX_TIME_MS);
    });

    test('500 concurrent appends (batched on the embedded store) make one chain; bad details fail alone', async () => {
      const store = await engine.open();
      const results = await Promise.allSettled([
        ...Array.from({ length: 250 }, (_, i) => store.appendAudit({ actor: 'a', action: 'live.start', details: { i } })),
        store.appendAudit({ actor: 'a', action: 'live.start', details: [1, 2] as unknown as Record<string, unknown> }),
        ...Array.from({ length: 250 }, (_, i) => store.appendAudit({ actor: 'b', action: 'live.stop', details: { i } })),
      ]);
      assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
      assert.deepEqual(await verifyAuditChain(readAuditLog(store, 97)), { ok: true, count: 500 });
    });
  });
}
