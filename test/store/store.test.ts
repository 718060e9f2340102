// Every store behaviour, run against both engines: embedded SQLite (worker thread) and a real
// PostgreSQL 15 started for this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { openStore, StoreError, type Store, type StoreConfig, type NewCamera, readAuditLog } from '../../src/store/index.ts';
import { verifyAuditChain } from '../../src/audit/index.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

interface Engine {
  name: 'sqlite' | 'postgres';
  /** A store on an empty database of its own. */
  fresh(): Promise<{ store: Store; config: StoreConfig; sql: (text: string, params?: (string | number)[]) => Promise<void> }>;
}

const tmp = mkdtempSync(join(tmpdir(), 'vigil-store-test-'));
let postgres: TestPostgres;
let dbCounter = 0;
const opened: Store[] = [];

before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await postgres?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const engines: Engine[] = [
  {
    name: 'sqlite',
    async fresh() {
      const config: StoreConfig = { kind: 'sqlite', path: join(tmp, `db-${++dbCounter}.sqlite`) };
      const store = await openStore(config);
      opened.push(store);
      // A second, independent connection, the way someone with file access would tamper.
      const sql = async (text: string, params: (string | number)[] = []) => {
        const raw = new DatabaseSync(config.path);
        try {
          raw.prepare(text.replace(/\$(\d+)/g, '?$1')).run(...params);
        } finally {
          raw.close();
        }
      };
      return { store, config, sql };
    },
  },
  {
    name: 'postgres',
    async fresh() {
      const url = await postgres.createDatabase(`t${++dbCounter}`);
      const config: StoreConfig = { kind: 'postgres', url };
      const store = await openStore(config);
      opened.push(store);
      const sql = async (text: string, params: (string | number)[] = []) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          await c.query(text, params);
        } finally {
          await c.end();
        }
      };
      return { store, config, sql };
    },
  },
];

const camera = (id: string, over: Partial<NewCamera> = {}): NewCamera => ({
  id,
  name: `Camera ${id}`,
  url: `rtsp://10.0.0.1/${id}`,
  username: 'viewer',
  passwordEnc: 'c2VjcmV0LWNpcGhlcnRleHQ=',
  transport: 'tcp',
  enabled: true,
  record: false,
  ...over,
});

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StoreError, `expected StoreError, got ${err}`);
    assert.equal(err.code, code);
    return true;
  });
}

for (const engine of engines) {
  describe(`store on ${engine.name}`, () => {
    test('users: create, read back, duplicates, booleans', async () => {
      const { store } = await engine.fresh();
      assert.equal(store.kind, engine.name);
      assert.equal(await store.countUsers(), 0);
      const before = Date.now();
      const u = await store.createUser({ id: 'u1', username: 'alice', passwordHash: 'scrypt$abc', role: 'admin', disabled: false });
      assert.ok(u.createdAt >= before && u.createdAt <= Date.now());
      await store.createUser({ id: 'u2', username: 'bob', passwordHash: 'scrypt$def', role: 'viewer', disabled: true });

      assert.deepEqual(await store.getUser('u1'), u);
      const bob = await store.getUserByName('bob');
      assert.equal(bob?.disabled, true);
      assert.equal(bob?.role, 'viewer');
      assert.equal(typeof bob?.createdAt, 'number');
      assert.equal(await store.getUser('nobody'), null);
      assert.equal(await store.getUserByName('nobody'), null);
      assert.deepEqual((await store.listUsers()).map((x) => x.username), ['alice', 'bob']);
      assert.equal(await store.countUsers(), 2);

      await rejectsWith(store.createUser({ id: 'u3', username: 'alice', passwordHash: 'x', role: 'viewer', disabled: false }), 'DUPLICATE');
      await rejectsWith(store.createUser({ id: 'u1', username: 'carol', passwordHash: 'x', role: 'viewer', disabled: false }), 'DUPLICATE');
      assert.equal(await store.countUsers(), 2);
    });

    test('sessions: expiry is exclusive, expired ones are swept, unknown user is refused', async () => {
      const { store } = await engine.fresh();
      await store.createUser({ id: 'u1', username: 'alice', passwordHash: 'h', role: 'operator', disabled: false });
      const t = 1_795_000_000_000;
      await store.createSession({ tokenHash: 'a'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1000, ip: '192.0.2.7' });
      await store.createSession({ tokenHash: 'b'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 5000, ip: null });

      assert.deepEqual(await store.getSession('a'.repeat(64), t + 999), {
        tokenHash: 'a'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1000, ip: '192.0.2.7',
      });
      assert.equal(await store.getSession('a'.repeat(64), t + 1000), null);
      assert.equal((await store.getSession('b'.repeat(64), t))?.ip, null);

      assert.equal(await store.deleteExpiredSessions(t + 1000), 1);
      assert.equal(await store.deleteExpiredSessions(t + 1000), 0);
      await store.deleteSession('b'.repeat(64));
      assert.equal(await store.getSession('b'.repeat(64), t), null);

      await rejectsWith(store.createSession({ tokenHash: 'c'.repeat(64), userId: 'ghost', createdAt: t, expiresAt: t + 1, ip: null }), 'CONSTRAINT');
      await store.createSession({ tokenHash: 'd'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1, ip: null });
      await rejectsWith(store.createSession({ tokenHash: 'd'.repeat(64), userId: 'u1', createdAt: t, expiresAt: t + 1, ip: null }), 'DUPLICATE');
    });

    test('cameras: create, list, patch, delete, duplicate', async () => {
      const { store } = await engine.fresh();
      const c1 = await store.createCamera(camera('cam-1'));
      await store.createCamera(camera('cam-2', { username: null, passwordEnc: null, transport: 'udp', enabled: false, record: true }));
      assert.deepEqual(await store.getCamera('cam-1'), c1);
      const c2 = await store.getCamera('cam-2');
      assert.equal(c2?.username, null);
      assert.equal(c2?.passwordEnc, null);
      assert.equal(c2?.transport, 'udp');
      assert.equal(c2?.enabled, false);
      assert.equal(c2?.record, true);
      assert.deepEqual((await store.listCameras()).map((c) => c.id), ['cam-1', 'cam-2']);

      await rejectsWith(store.createCamera(camera('cam-1')), 'DUPLICATE');

      await new Promise((r) => setTimeout(r, 5));
      const patched = await store.updateCamera('cam-1', { name: 'Gate', enabled: false, record: true, username: null });
      assert.ok(patched);
      assert.equal(patched.name, 'Gate');
      assert.equal(patched.enabled, false);
      assert.equal(patched.record, true);
      assert.equal(patched.username, null);
      assert.equal(patched.url, c1.url, 'fields not in the patch stay');
      assert.equal(patched.createdAt, c1.createdAt);
      assert.ok(patched.updatedAt > c1.updatedAt);
      assert.deepEqual(await store.getCamera('cam-1'), patched);
      assert.equal(await store.updateCamera('nope', { name: 'x' }), null);

      assert.equal(await store.deleteCamera('cam-2'), true);
      assert.equal(await store.deleteCamera('cam-2'), false);
      assert.equal(await store.getCamera('cam-2'), null);
    });

    test('segments: big numbers round-trip; range query overlap at the edges', async () => {
      const { store } = await engine.fresh();
      const t0 = 1_795_443_862_461; // ms timestamps need more than 32 bits
      const big = 5_000_000_000; // bytes beyond 2^32
      // Three consecutive 10 s segments, then a gap, then one more.
      const segs = [
        { cameraId: 'cam-1', startMs: t0, endMs: t0 + 10_000, path: 'cam-1/a.mp4', bytes: big },
        { cameraId: 'cam-1', startMs: t0 + 10_000, endMs: t0 + 20_000, path: 'cam-1/b.mp4', bytes: 2 },
        { cameraId: 'cam-1', startMs: t0 + 20_000, endMs: t0 + 30_000, path: 'cam-1/c.mp4', bytes: 3 },
        { cameraId: 'cam-1', startMs: t0 + 60_000, endMs: t0 + 70_000, path: 'cam-1/d.mp4', bytes: 4 },
        { cameraId: 'cam-2', startMs: t0 + 5_000, endMs: t0 + 15_000, path: 'cam-2/a.mp4', bytes: 5 },
      ];
      for (const s of [...segs].reverse()) await store.addSegment(s);
      await rejectsWith(store.addSegment(segs[0]), 'DUPLICATE');

      const names = async (from: number, to: number, limit?: number) =>
        (await store.listSegments('cam-1', t0 + from, t0 + to, limit)).map((s) => s.path.slice(6, 7)).join('');

      const all = await store.listSegments('cam-1', t0, t0 + 100_000);
      assert.deepEqual(all[0], segs[0], 'values (and the 5 GB byte count) come back exactly');
      assert.equal(await names(0, 100_000), 'abcd');
      assert.equal(await names(5_000, 5_000), 'a', 'a point inside a segment');
      assert.equal(await names(10_000, 10_000), 'b', 'a segment ending at fromMs is not included ([start, end))');
      assert.equal(await names(9_999, 10_000), 'ab', 'a segment starting at toMs is included');
      assert.equal(await names(15_000, 25_000), 'bc', 'the segment running at fromMs is found');
      assert.equal(await names(30_000, 59_999), '', 'the gap');
      assert.equal(await names(35_000, 65_000), 'd');
      assert.equal(await names(-50_000, -1), '', 'before anything');
      assert.equal(await names(0, 100_000, 2), 'ab', 'limit');
      assert.equal(await names(15_000, 100_000, 2), 'bc', 'limit counts the running segment');
      assert.deepEqual((await store.listSegments('cam-2', t0, t0 + 100_000)).map((s) => s.path), ['cam-2/a.mp4']);
      assert.deepEqual(await store.listSegments('cam-3', t0, t0 + 100_000), []);
    });

    test('segments: upsert moves an open segment\'s end; oldest-first listing, total bytes, deletion audited', async () => {
      const { store } = await engine.fresh();
      const t0 = 1_795_443_862_000;
      await store.putSegments([{ cameraId: 'a', startMs: t0, endMs: t0, path: 'a/1.mp4', bytes: 800 }]);
      await store.putSegments([
        { cameraId: 'a', startMs: t0, endMs: t0 + 10_000, path: 'a/1.mp4', bytes: 1000 },
        { cameraId: 'a', startMs: t0 + 10_000, endMs: t0 + 12_000, path: 'a/2.mp4', bytes: 200 },
        { cameraId: 'b', startMs: t0 + 5_000, endMs: t0 + 15_000, path: 'b/1.mp4', bytes: 30 },
      ]);
      assert.deepEqual(await store.listSegments('a', t0, t0 + 1), [{ cameraId: 'a', startMs: t0, endMs: t0 + 10_000, path: 'a/1.mp4', bytes: 1000 }]);
      assert.equal((await store.lastSegment('a'))?.path, 'a/2.mp4');
      assert.equal(await store.lastSegment('none'), null);
      assert.equal(await store.totalSegmentBytes(), 1230);
      assert.deepEqual((await store.listOldestSegments({ limit: 10 })).map((s) => s.path), ['a/1.mp4', 'b/1.mp4', 'a/2.mp4']);
      assert.deepEqual((await store.listOldestSegments({ limit: 2 })).map((s) => s.path), ['a/1.mp4', 'b/1.mp4']);
      assert.deepEqual((await store.listOldestSegments({ cameraId: 'a', endBeforeMs: t0 + 11_000, limit: 10 })).map((s) => s.path), ['a/1.mp4']);
      assert.deepEqual((await store.listOldestSegments({ after: { cameraId: 'a', startMs: t0 }, limit: 10 })).map((s) => s.path), ['b/1.mp4', 'a/2.mp4'], 'cursor');
      await store.putSegments([{ cameraId: 'c', startMs: t0 + 5_000, endMs: t0 + 6_000, path: 'c/1.mp4', bytes: 0 }]);
      assert.deepEqual((await store.listOldestSegments({ after: { cameraId: 'b', startMs: t0 + 5_000 }, limit: 10 })).map((s) => s.path), ['c/1.mp4', 'a/2.mp4'], 'cursor breaks start ties by camera');
      assert.deepEqual(await store.listSegmentCameras(), ['a', 'b', 'c']);
      await store.deleteSegments([{ cameraId: 'c', startMs: t0 + 5_000 }]);
      const audit = { actor: 'system', action: 'recording.delete' as const, cameraId: 'a', details: { ranges: [[t0, t0 + 10_000]] } };
      assert.equal(await store.deleteSegments([{ cameraId: 'a', startMs: t0 }, { cameraId: 'a', startMs: 42 }], audit), 1);
      assert.equal(await store.deleteSegments([{ cameraId: 'a', startMs: t0 }], audit), 0);
      assert.deepEqual((await store.listAudit(0, 10)).map((e) => e.action), ['recording.delete'], 'a deletion that removed nothing is not audited');
      assert.equal(await store.totalSegmentBytes(), 230);
    });

    test('gaps: overlap query like segments, repeated start keeps the later end', async () => {
      const { store } = await engine.fresh();
      const t0 = 1_795_443_862_000;
      await store.addGap({ cameraId: 'a', startMs: t0, endMs: t0 + 2000, reason: 'STREAM_ENDED' });
      await store.addGap({ cameraId: 'a', startMs: t0 + 10_000, endMs: t0 + 11_000, reason: 'CAMERA_UNREACHABLE' });
      await store.addGap({ cameraId: 'a', startMs: t0 + 10_000, endMs: t0 + 12_500, reason: 'RECORDER_DOWN' });
      await store.addGap({ cameraId: 'b', startMs: t0, endMs: t0 + 99_000, reason: 'DISK_FULL' });
      assert.deepEqual(await store.listGaps('a', t0 + 1000, t0 + 10_000), [
        { cameraId: 'a', startMs: t0, endMs: t0 + 2000, reason: 'STREAM_ENDED' },
        { cameraId: 'a', startMs: t0 + 10_000, endMs: t0 + 12_500, reason: 'RECORDER_DOWN' },
      ]);
      assert.deepEqual(await store.listGaps('a', t0 + 2000, t0 + 9999), [], 'a gap ending at fromMs is not included');
      assert.equal((await store.listGaps('a', t0 + 12_000, t0 + 20_000)).length, 1);
      assert.equal((await store.listGaps('b', 0, t0 + 1e9)).length, 1);
    });

    test('events: filter by time, camera and kind, newest first; details round-trip', async () => {
      const { store } = await engine.fresh();
      const t0 = 1_795_443_862_000;
      for (let i = 0; i < 20; i++) {
        await store.addEvent({ ts: t0 + i * 1000, cameraId: i % 2 ? 'a' : null, kind: i % 3 ? 'camera.offline' : 'disk.full', severity: i % 3 ? 'warning' : 'critical', details: { i, box: [0.1, 0.2, 0.3, 0.4] } });
      }
      const all = await store.listEvents({ fromMs: t0, toMs: t0 + 19_000 });
      assert.equal(all.length, 20);
      assert.equal(all[0].ts, t0 + 19_000, 'newest first');
      assert.deepEqual(all[0].details, { i: 19, box: [0.1, 0.2, 0.3, 0.4] });
      assert.match(all[0].id, /^evt_/);
      const camA = await store.listEvents({ fromMs: t0 + 5000, toMs: t0 + 10_000, cameraId: 'a' });
      assert.deepEqual(camA.map((e) => e.details.i), [9, 7, 5]);
      const full = await store.listEvents({ fromMs: t0, toMs: t0 + 1e6, kind: 'disk.full', limit: 3 });
      assert.deepEqual(full.map((e) => e.details.i), [18, 15, 12]);
      assert.equal(full[0].cameraId, null);
    });

    test('evidence locks: add and delete audited in the same transaction; unknown id changes nothing', async () => {
      const { store } = await engine.fresh();
      const lock = { id: 'lck_1', cameraId: 'a', fromMs: 1000, toMs: 5000, reason: 'case 2026/113', createdBy: 'u1', createdAt: 1_795_000_000_000 };
      await store.addEvidenceLock(lock, { actor: 'u1', action: 'evidence.lock', cameraId: 'a', details: { from: 1000, to: 5000, reason: 'case 2026/113' } });
      await store.addEvidenceLock({ ...lock, id: 'lck_2', cameraId: 'b' });
      await rejectsWith(store.addEvidenceLock(lock, { actor: 'u1', action: 'evidence.lock' }), 'DUPLICATE');
      assert.deepEqual(await store.listEvidenceLocks('a'), [lock]);
      assert.equal((await store.listEvidenceLocks()).length, 2);
      assert.deepEqual(await store.getEvidenceLock('lck_1'), lock);
      assert.equal(await store.deleteEvidenceLock('nope', { actor: 'u1', action: 'evidence.unlock' }), false);
      assert.equal(await store.deleteEvidenceLock('lck_1', { actor: 'u2', action: 'evidence.unlock', cameraId: 'a' }), true);
      assert.equal(await store.getEvidenceLock('lck_1'), null);
      assert.deepEqual((await store.listAudit(0, 10)).map((e) => `${e.actor}:${e.action}`), ['u1:evidence.lock', 'u2:evidence.unlock']);
    });

    test('audit chain of 100 entries verifies; an edited row and a deleted row are named', async () => {
      const { store, sql } = await engine.fresh();
      const entries = [];
      for (let i = 1; i <= 100; i++) {
        entries.push(await store.appendAudit({
          actor: i % 2 ? 'u1' : 'system',
          action: i % 3 ? 'live.start' : 'recording.list',
          cameraId: i % 4 ? `cam-${i % 7}` : null,
          ip: i % 5 ? '198.51.100.4' : null,
          details: { i, nested: { z: 1, a: [i, 'x'] }, purpose: 'case 2026/113' },
          ts: 1_795_000_000_000 + i,
        }));
      }
      assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i + 1));
      assert.equal(entries[0].prevHash, '0'.repeat(64));
      assert.equal(entries[1].prevHash, entries[0].hash);
      const read = await store.listAudit(0, 1000);
      assert.deepEqual(read, entries, 'entries read back equal the ones returned by appendAudit');
      assert.deepEqual((await store.listAudit(98, 10)).map((e) => e.seq), [99, 100]);
      assert.deepEqual(await verifyAuditChain(readAuditLog(store, 7)), { ok: true, count: 100 });

      // Tamper: change one word in one row's details, as someone with database access could.
      await sql(`UPDATE audit_log SET details = $1 WHERE seq = 37`, [JSON.stringify({ ...entries[36].details, purpose: 'none' })]);
      assert.deepEqual(await verifyAuditChain(readAuditLog(store, 10)), { ok: false, count: 36, firstBad: 37, reason: 'hash mismatch' });
      // Put it back; then remove a row in the middle.
      await sql(`UPDATE audit_log SET details = $1 WHERE seq = 37`, [JSON.stringify(entries[36].details)]);
      assert.deepEqual(await verifyAuditChain(readAuditLog(store)), { ok: true, count: 100 });
      await sql('DELETE FROM audit_log WHERE seq = 50');
      assert.deepEqual(await verifyAuditChain(readAuditLog(store, 10)), { ok: false, count: 49, firstBad: 50, reason: 'missing entry (seq gap)' });
    });

    test('a change and its audit entry commit together or not at all', async () => {
      const { store } = await engine.fresh();
      const audit = { actor: 'u1', action: 'camera.create' as const, cameraId: 'cam-1', ip: '203.0.113.9', details: { name: 'Gate' } };
      await store.createCamera(camera('cam-1'), audit);
      let log = await store.listAudit(0, 10);
      assert.equal(log.length, 1);
      assert.equal(log[0].action, 'camera.create');
      assert.equal(log[0].cameraId, 'cam-1');
      assert.deepEqual(log[0].details, { name: 'Gate' });

      await rejectsWith(store.createCamera(camera('cam-1'), audit), 'DUPLICATE');
      await rejectsWith(store.createUser({ id: 'u1', username: 'a', passwordHash: 'h', role: 'admin', disabled: false }, { actor: 'system', action: 'user.create' })
        .then(() => store.createUser({ id: 'u1', username: 'b', passwordHash: 'h', role: 'admin', disabled: false }, { actor: 'system', action: 'user.create' })), 'DUPLICATE');
      log = await store.listAudit(0, 10);
      assert.deepEqual(log.map((e) => e.action), ['camera.create', 'user.create'], 'failed inserts left no audit entry');

      assert.equal(await store.updateCamera('ghost', { name: 'x' }, { actor: 'u1', action: 'camera.update' }), null);
      assert.equal(await store.deleteCamera('ghost', { actor: 'u1', action: 'camera.delete' }), false);
      assert.equal((await store.listAudit(0, 10)).length, 2, 'no entry for a change that did not happen');

      await store.updateCamera('cam-1', { record: true }, { actor: 'u1', action: 'camera.update', cameraId: 'cam-1' });
      assert.equal(await store.deleteCamera('cam-1', { actor: 'u1', action: 'camera.delete', cameraId: 'cam-1' }), true);
      assert.deepEqual((await store.listAudit(0, 10)).map((e) => e.action), ['camera.create', 'user.create', 'camera.update', 'camera.delete']);
      assert.deepEqual(await verifyAuditChain(readAuditLog(store)), { ok: true, count: 4 });
    });

    test('1000 concurrent appendAudit calls make one unbroken chain 1..1000', async () => {
      const { store } = await engine.fresh();
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => store.appendAudit({ actor: `u${i % 13}`, action: 'live.start', details: { i } })),
      );
      assert.deepEqual(results.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i + 1));
      assert.deepEqual(await verifyAuditChain(readAuditLog(store, 333)), { ok: true, count: 1000 });
    });

    test('reopening applies no migration twice and keeps the data', async () => {
      const { store, config } = await engine.fresh();
      await store.createCamera(camera('cam-1'));
      await store.appendAudit({ actor: 'system', action: 'camera.update' });
      await store.close();
      const again = await openStore(config);
      opened.push(again);
      assert.equal((await again.getCamera('cam-1'))?.name, 'Camera cam-1');
      assert.equal((await again.appendAudit({ actor: 'system', action: 'camera.update' })).seq, 2);
      assert.deepEqual(await verifyAuditChain(readAuditLog(again)), { ok: true, count: 2 });
      await rejectsWith(store.countUsers(), 'STORE_UNAVAILABLE');
    });
  });
}

test('postgres: two pools appending at once still make one chain', async () => {
  const url = await postgres.createDatabase('two_pools');
  const [a, b] = await Promise.all([openStore({ kind: 'postgres', url }), openStore({ kind: 'postgres', url })]);
  opened.push(a, b);
  await Promise.all(
    Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).appendAudit({ actor: i % 2 ? 'node-a' : 'node-b', action: 'live.start', details: { i } })),
  );
  const log = await a.listAudit(0, 1000);
  assert.equal(log.length, 300);
  assert.equal(new Set(log.map((e) => e.actor)).size, 2);
  assert.deepEqual(await verifyAuditChain(readAuditLog(b)), { ok: true, count: 300 });
});

test('postgres: an unreachable server is STORE_UNAVAILABLE', async () => {
  await rejectsWith(openStore({ kind: 'postgres', url: 'postgresql://postgres@127.0.0.1:1/none' }), 'STORE_UNAVAILABLE');
});

test('sqlite: a file that is not a database is STORE_CORRUPT', async () => {
  const path = join(tmp, 'not-a-db.sqlite');
  writeFileSync(path, Buffer.alloc(8192, 0x5a));
  await rejectsWith(openStore({ kind: 'sqlite', path }), 'STORE_CORRUPT');
});

test('sqlite: a directory that does not exist is STORE_UNAVAILABLE', async () => {
  await rejectsWith(openStore({ kind: 'sqlite', path: join(tmp, 'no', 'such', 'dir', 'x.sqlite') }), 'STORE_UNAVAILABLE');
});
