// Issue 13, retention: each camera's purpose, legal basis and recording retention on both store
// engines; 72 h unless the purpose says why more; every deletion audited; and the attacker's test:
// an admin who shortens retention to destroy recordings under an evidence lock is told the lock
// wins, and the sweep leaves the locked recordings on disk.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Store } from '../../src/store/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';
import { CameraPurposes, PrivacyError, validateCameraPurpose } from '../../src/privacy/index.ts';
import { RetentionSweeper, retentionPolicyFromConfig } from '../../src/recorder/index.ts';
import { validateConfig } from '../../src/core/index.ts';
import { OPERATOR, signIn, startTestVigilWithOperator, type TestVigil } from '../helpers/vigil-instance.ts';

const engines = bothStoreEngines('retention');
const tmp = mkdtempSync(join(tmpdir(), 'vigil-retention-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 2, 12);

test('a purpose: more than 72 h needs a reason; the legal basis is from the list; each a 400 naming the field', () => {
  const bad = (b: Record<string, unknown>, field: RegExp, code = 'BAD_REQUEST') => assert.throws(() => validateCameraPurpose(b), (e: unknown) => e instanceof PrivacyError && e.code === code && field.test(e.message));
  bad({ purpose: '', legalBasis: 'public_task' }, /body\/purpose/);
  bad({ purpose: 'Gate safety', legalBasis: 'because' }, /body\/legalBasis/);
  // its own code, so that the screen words it in the admin's language (a 400 still)
  bad({ purpose: 'Gate safety', legalBasis: 'public_task', retentionHours: 200 }, /body\/retentionReason.*72 h/, 'RETENTION_REASON_REQUIRED');
  bad({ purpose: 'Gate safety', legalBasis: 'public_task', retentionHours: -1 }, /body\/retentionHours/);
  assert.deepEqual(validateCameraPurpose({ purpose: ' Gate safety ', legalBasis: 'public_task' }), { purpose: 'Gate safety', legalBasis: 'public_task', retentionHours: 72, retentionReason: null });
  assert.equal(validateCameraPurpose({ purpose: 'Tolls', legalBasis: 'legal_obligation', retentionHours: 720, retentionReason: 'disputed tolls are settled within 30 days' }).retentionHours, 720);
});

for (const engine of engines) {
  describe(`retention on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });

    test('stated retention wins; without a purpose at most 72 h; the change is audited', async () => {
      const purposes = new CameraPurposes({ store, now: () => NOW });
      await purposes.load();
      const base = retentionPolicyFromConfig(validateConfig({ recording: { retention: { maxAgeHours: 720 } }, cameras: [{ id: 'short', name: 's', url: 'rtsp://x/1', retentionHours: 24 }] }));
      const policy = purposes.policy(base);
      assert.equal(policy.maxAgeMs('cam1'), 72 * HOUR, 'no purpose: 720 h configured is capped at 72 h');
      assert.equal(policy.maxAgeMs('short'), 24 * HOUR, 'less than 72 h configured stays');
      await purposes.set('cam1', { purpose: 'Toll booth disputes', legalBasis: 'legal_obligation', retentionHours: 720, retentionReason: 'disputes are settled within 30 days' }, { id: 'admin1' });
      assert.equal(policy.maxAgeMs('cam1'), 720 * HOUR);
      const again = new CameraPurposes({ store, now: () => NOW });
      await again.load();
      assert.equal(again.retentionHours('cam1', null), 720, 'read back from the store');
      const rows = await store.listCameraPurposes();
      assert.deepEqual(rows.map((r) => [r.cameraId, r.purpose, r.legalBasis, r.retentionHours, r.retentionReason]), [['cam1', 'Toll booth disputes', 'legal_obligation', 720, 'disputes are settled within 30 days']]);
      const audit = await store.listAudit(0, 1000);
      const e = audit.find((a) => a.action === 'camera.purpose');
      assert.equal(e?.cameraId, 'cam1');
      assert.equal(e?.details.retentionReason, 'disputes are settled within 30 days');
    });
  });
}

test('the attacker: retention cut to 1 h to destroy locked evidence — told the lock wins; the sweep deletes the rest (audited) and keeps the locked recordings', async () => {
  const store = await engines[0].open(); // SQLite
  const root = join(tmp, 'recordings');
  mkdirSync(join(root, 'cam1'), { recursive: true });
  // Ten segments of 10 minutes, one an hour from 11 h to 2 h ago; the lock covers hours 6..4 ago.
  const segs = [];
  for (let i = 0; i < 10; i++) {
    const startMs = NOW - (11 - i) * HOUR;
    const seg = { cameraId: 'cam1', startMs, endMs: startMs + 10 * 60_000, path: `cam1/${startMs}.mp4`, bytes: 1000 };
    writeFileSync(join(root, seg.path), Buffer.alloc(1000, i));
    await store.addSegment(seg);
    segs.push(seg);
  }
  const lock = await store.addEvidenceLock({ id: 'lock_1', cameraId: 'cam1', fromMs: NOW - 6 * HOUR, toMs: NOW - 4 * HOUR, reason: 'case 77: assault at the gate', createdBy: 'sup1', createdAt: NOW - HOUR });
  const purposes = new CameraPurposes({ store, now: () => NOW });
  await purposes.load();
  const { notices } = await purposes.set('cam1', { purpose: 'Gate safety', legalBasis: 'public_task', retentionHours: 1 }, { id: 'admin1' });
  assert.equal(notices.length, 1, 'the admin is told');
  assert.match(notices[0].text, /evidence lock lock_1 .*case 77.* keeps recordings older than 1 h: the lock wins/);
  // The facts as fields, so that the web app words the notice in the admin's language.
  assert.deepEqual(notices[0], { ...notices[0], code: 'LOCK_KEEPS_RECORDINGS', lockId: 'lock_1', cameraId: 'cam1', from: NOW - 6 * HOUR, to: NOW - 4 * HOUR, reason: 'case 77: assault at the gate', hours: 1 });

  const sweeper = new RetentionSweeper({
    store, root, openSegments: () => [], logger: pino({ level: 'silent' }), now: () => NOW,
    policy: purposes.policy(retentionPolicyFromConfig(validateConfig({}))),
    volume: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }),
  });
  const report = await sweeper.sweep('manual');
  const locked = segs.filter((s) => s.startMs <= lock.toMs && s.endMs > lock.fromMs);
  const unlocked = segs.filter((s) => !locked.includes(s));
  assert.equal(locked.length, 3);
  assert.equal(report.deleted.length, unlocked.length, 'every unlocked old segment goes');
  assert.equal(report.keptByLock, locked.length);
  for (const s of locked) assert.ok(existsSync(join(root, s.path)), `locked ${s.path} is still on disk`);
  for (const s of unlocked) assert.ok(!existsSync(join(root, s.path)), `${s.path} deleted`);
  assert.deepEqual((await store.listSegments('cam1', 0, NOW)).map((s) => s.startMs), locked.map((s) => s.startMs));
  // Every deletion is in the audit log, with its rule and time ranges.
  const deletions = (await store.listAudit(0, 1000)).filter((a) => a.action === 'recording.delete');
  assert.ok(deletions.length >= 1);
  assert.equal(deletions.reduce((k, d) => k + Number(d.details.segments), 0), unlocked.length);
  assert.ok(deletions.every((d) => d.details.rule === 'max_age' && Array.isArray(d.details.ranges)));
});

describe('through the API', () => {
  let v: TestVigil;
  before(async () => {
    v = await startTestVigilWithOperator();
  });
  after(async () => { await v?.stop(); });

  test('GET shows 72 h without a purpose; PUT refuses more without a reason (400 naming it), an operator (403); then answers with the retention', async () => {
    const before = await (await v.http('/api/cameras/cam1/purpose')).json() as any;
    assert.deepEqual(before.purpose, { cameraId: 'cam1', purpose: null, legalBasis: null, retentionHours: 72, retentionReason: null, updatedAt: null });
    const noReason = await v.http('/api/cameras/cam1/purpose', { method: 'PUT', json: { purpose: 'Gate safety', legalBasis: 'public_task', retentionHours: 168 } });
    assert.equal(noReason.status, 400);
    assert.match(((await noReason.json()) as any).error.message, /body\/retentionReason/);
    const cookie = await signIn(v.url, OPERATOR.username, OPERATOR.password);
    const op = await fetch(v.url + '/api/cameras/cam1/purpose', { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ purpose: 'x', legalBasis: 'consent' }) });
    assert.equal(op.status, 403);
    const ok = await v.http('/api/cameras/cam1/purpose', { method: 'PUT', json: { purpose: 'Gate safety', legalBasis: 'public_task', retentionHours: 168, retentionReason: 'weekend incidents are reported on Monday' } });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as any;
    assert.equal(body.purpose.retentionHours, 168);
    assert.deepEqual(body.notices, []);
    assert.equal(((await (await v.http('/api/cameras/cam1/purpose')).json()) as any).purpose.retentionHours, 168);
  });
});
