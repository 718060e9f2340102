// Issue 13, retention for everything: events (with resolved alarms), snapshots, exports, counts and
// the audit log, on both store engines. The auditor's view: rows past retention are gone from the
// store and their files from the disk, what an evidence lock or an open alarm covers is kept, every
// deletion is in the audit log (summaries), and the audit log cut by policy still verifies with
// `vigil audit verify`'s code while the attacker's cuts (a prefix deleted without a signed prune
// record, a cut further than the record, a forged record, a tampered stretch due for pruning) fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pino } from 'pino';
import { openStore, readAuditLog, readAuditLogFile, type AlarmHit, type Store } from '../../src/store/index.ts';
import {
  AuditCheckpointer, AuditPruner, CheckpointFile, PruneFile, loadOrCreateServerKey, pruneFileFor, signPrune, verifyAuditChain,
  type ServerSigningKey,
} from '../../src/audit/index.ts';
import { DataRetention, DEFAULT_DATA_RETENTION, PrivacyError, validateDataRetention, type DataRetentionPolicy } from '../../src/privacy/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';
import { OPERATOR, signIn, startTestVigilWithOperator, type TestVigil } from '../helpers/vigil-instance.ts';
import { validateConfig } from '../../src/core/index.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 2, 12);
const POLICY: DataRetentionPolicy = { eventsDays: 30, snapshotsDays: 3, exportsDays: 30, countsDays: 30, auditDays: 365 };
const silent = pino({ level: 'silent' });
const tmp = mkdtempSync(join(tmpdir(), 'vigil-data-retention-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;

test('the policy: days per kind, each bad value a 400 naming the field; the audit log at least 31 days or forever', () => {
  const bad = (b: unknown, field: RegExp, code = 'BAD_REQUEST') => assert.throws(() => validateDataRetention(b, DEFAULT_DATA_RETENTION), (e: unknown) => e instanceof PrivacyError && e.code === code && field.test(e.message));
  bad({ eventsDays: -1 }, /body\/eventsDays/);
  bad({ snapshotsDays: null }, /body\/snapshotsDays/);
  bad({ countsDays: 'a year' }, /body\/countsDays/);
  bad({ auditDays: 7 }, /body\/auditDays: .*at least 31/, 'AUDIT_RETENTION_TOO_SHORT');
  bad({ recordingsDays: 3 }, /body\/recordingsDays: not a retention/);
  bad([], /body/);
  assert.deepEqual(validateDataRetention({ eventsDays: 7, auditDays: 0 }, DEFAULT_DATA_RETENTION), { ...DEFAULT_DATA_RETENTION, eventsDays: 7, auditDays: 0 });
  assert.throws(() => validateConfig({ retention: { auditDays: 10 } }), /retention\.auditDays: expected 0 \(keep forever\) or at least 31 days/);
  assert.equal(validateConfig({}).retention.snapshotsDays, 3, 'snapshots (pictures of people) default to 72 h like recordings');
});

/** An audit log: `old` entries 800 days ago, then `recent` entries a day ago, checkpointed every 10. */
async function auditLog(store: Store, dataDir: string, old: number, recent: number): Promise<{ key: ServerSigningKey; checkpoints: CheckpointFile; checkpointer: AuditCheckpointer; prunes: PruneFile }> {
  const key = loadOrCreateServerKey(join(dataDir, 'keys'));
  const checkpoints = new CheckpointFile(join(dataDir, 'audit', 'checkpoints.jsonl'));
  const checkpointer = new AuditCheckpointer({
    key, file: checkpoints, every: 10, intervalMs: 60_000, now: () => NOW,
    head: () => store.auditHead(), entriesAfter: (seq) => readAuditLog(store, 500, seq),
  });
  for (let i = 0; i < old; i++) await store.appendAudit({ actor: `usr_${i % 3}`, action: 'recording.play', cameraId: 'camA', details: { i }, ts: NOW - 800 * DAY + i * 1000 });
  for (let i = 0; i < recent; i++) await store.appendAudit({ actor: 'usr_1', action: 'live.start', cameraId: 'camB', details: { i }, ts: NOW - DAY + i * 1000 });
  await checkpointer.checkpoint({ force: true });
  return { key, checkpoints, checkpointer, prunes: new PruneFile(pruneFileFor(checkpoints.file)) };
}

function pruner(store: Store, a: Awaited<ReturnType<typeof auditLog>>, limit?: number): AuditPruner {
  return new AuditPruner({
    key: a.key, prunes: a.prunes, checkpoints: () => a.checkpoints.read(), checkpointedSeq: () => a.checkpointer.latestSeq, now: () => NOW,
    candidate: (q) => store.auditPruneCandidate(limit ? { ...q, limit } : q),
    entriesAfter: (seq) => readAuditLog(store, 500, seq),
    deleteThrough: (q) => store.pruneAudit(q, { actor: 'system', action: 'audit.prune', details: q.details }),
  });
}

const verify = (store: Store, a: Awaited<ReturnType<typeof auditLog>>) =>
  verifyAuditChain(readAuditLog(store, 500), { checkpoints: a.checkpoints.read(), prunes: a.prunes.read(), publicKey: a.key.publicKey });

function hit(id: string, cameraId: string, eventId: string, at: number, snapshot?: string): AlarmHit {
  return { id, cameraId, ruleKind: 'intrusion', rule: id, priority: 10, eventId, details: snapshot ? { snapshot } : {}, at, foldMs: 0, steps: [], escalateAfterMs: null, autoCloseMs: null };
}

function writeExport(root: string, id: string, m: { createdAt: number; cameras: string[]; fromMs: number; toMs: number }): string {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'camA-1.mp4'), Buffer.alloc(2048, 7));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'vigil-export/1', exportId: id, createdAt: new Date(m.createdAt).toISOString(), cameras: m.cameras, fromMs: m.fromMs, toMs: m.toMs }));
  return dir;
}

for (const engine of bothStoreEngines('dataret')) {
  describe(`retention of everything else on ${engine.name}`, () => {
    let store: Store;
    let dataDir: string;
    before(async () => {
      store = await engine.open();
      dataDir = join(tmp, `d${++dirs}`);
      mkdirSync(dataDir, { recursive: true });
    });

    test('rows past retention are gone, files too; locked and open-case ones kept; every deletion audited; the cut audit log verifies', async () => {
      const old = NOW - 40 * DAY;
      // An evidence lock on camA around `old`.
      await store.addEvidenceLock({ id: 'lock_1', cameraId: 'camA', fromMs: old - 3_600_000, toMs: old + 3_600_000, reason: 'case 12', createdBy: 'sup', createdAt: NOW - 41 * DAY });
      const ev = async (id: string, cameraId: string | null, ts: number) => store.addEvent({ id, ts, cameraId, kind: 'analytics.intrusion', severity: 'warning', details: {} });
      await ev('e_locked', 'camA', old);
      await ev('e_old_a', 'camA', NOW - 45 * DAY);
      await ev('e_old_b', 'camB', old);
      await ev('e_system', null, old);
      await ev('e_new', 'camB', NOW - DAY);
      await ev('e_open', 'camB', NOW - 50 * DAY);
      await ev('e_resolved', 'camC', NOW - 60 * DAY);
      // An alarm still open keeps its event and snapshot; a resolved old one goes with its event.
      const openAlarm = (await store.raiseAlarm(hit('al_open', 'camB', 'e_open', NOW - 50 * DAY, 'snapshots/camB/' + (NOW - 50 * DAY) + '-open.png'))).alarm;
      const resolved = (await store.raiseAlarm(hit('al_done', 'camC', 'e_resolved', NOW - 60 * DAY))).alarm;
      await store.updateAlarm(resolved.version, { ...resolved, state: 'resolved', outcome: 'false_alarm', resolvedAt: NOW - 59 * DAY, updatedAt: NOW - 59 * DAY }, [{ ts: NOW - 59 * DAY, actor: 'u', actorName: 'u', kind: 'resolve', details: {} }]);
      await store.addMaskLift({ id: 'lift_old', cameraId: 'camA', userId: 'sup', reason: 'incident 4', startedAt: NOW - 40 * DAY, expiresAt: NOW - 40 * DAY + 900_000, endedAt: null });
      await store.addMaskLift({ id: 'lift_new', cameraId: 'camA', userId: 'sup', reason: 'incident 5', startedAt: NOW - DAY, expiresAt: NOW - DAY + 900_000, endedAt: null });
      await store.addLineCounts([
        { cameraId: 'camA', line: 'gate', minuteMs: old, cls: 'person', direction: 'positive', n: 4 },
        { cameraId: 'camB', line: 'gate', minuteMs: old, cls: 'person', direction: 'positive', n: 3 },
        { cameraId: 'camB', line: 'gate', minuteMs: NOW - 400 * DAY, cls: 'car', direction: 'negative', n: 9 },
        { cameraId: 'camB', line: 'gate', minuteMs: NOW - DAY, cls: 'person', direction: 'positive', n: 1 },
      ]);
      // Snapshots: old inside the lock, old outside it, the open alarm's, a new one.
      const snap = (cam: string, at: number, tag: string) => {
        mkdirSync(join(dataDir, 'snapshots', cam), { recursive: true });
        const p = join(dataDir, 'snapshots', cam, `${at}-${tag}.png`);
        writeFileSync(p, Buffer.alloc(100, 1));
        return p;
      };
      const sLocked = snap('camA', old, 'lock');
      const sOld = snap('camA', NOW - 5 * DAY, 'old');
      const sOpen = snap('camB', NOW - 50 * DAY, 'open');
      const sNew = snap('camB', NOW - DAY, 'new');
      // Exports: one overlapping the lock, one not, a new one; a violation package of the open alarm's event.
      const xLocked = writeExport(join(dataDir, 'exports'), 'x_locked', { createdAt: NOW - 35 * DAY, cameras: ['camA'], fromMs: old - 60_000, toMs: old + 60_000 });
      const xOld = writeExport(join(dataDir, 'exports'), 'x_old', { createdAt: NOW - 35 * DAY, cameras: ['camB'], fromMs: old, toMs: old + 60_000 });
      const xNew = writeExport(join(dataDir, 'exports'), 'x_new', { createdAt: NOW - DAY, cameras: ['camB'], fromMs: NOW - 2 * DAY, toMs: NOW - 2 * DAY + 60_000 });
      const xCase = writeExport(join(dataDir, 'evidence'), 'e_open', { createdAt: NOW - 49 * DAY, cameras: ['camB'], fromMs: NOW - 50 * DAY, toMs: NOW - 50 * DAY + 60_000 });
      const a = await auditLog(store, dataDir, 35, 8);
      const headBefore = (await store.auditHead())!;

      // issue 15: camera health samples, one past the events' retention, one within it
      const sample = (at: number) => ({ cameraId: 'camA', at, nodeId: 'n', state: 'online' as const, fps: 10, bitrateKbps: 800, reconnects: 0, lostFrames: 0, error: null });
      await store.addCameraHealthSamples([sample(NOW - 45 * DAY), sample(NOW - DAY)]);
      const raised: { kind: string }[] = [];
      const retention = new DataRetention({
        store, configured: POLICY, dataDir, exportDirs: [join(dataDir, 'exports'), join(dataDir, 'evidence')],
        auditPruner: pruner(store, a), logger: silent, now: () => NOW, raise: (e) => void raised.push(e),
      });
      const r = await retention.sweep();

      // Events: the old ones gone, the locked one, the open alarm's and the new one kept.
      const left = (await store.listEvents({ fromMs: 0, toMs: NOW, limit: 100 })).map((e) => e.id).sort();
      assert.deepEqual(left, ['e_locked', 'e_new', 'e_open']);
      assert.equal(r.events, 4);
      assert.deepEqual((await store.listCameraHealthSamples({ cameraId: 'camA', fromMs: 0, toMs: NOW, limit: 10 })).map((x) => x.at), [NOW - DAY], 'health history kept as long as events');
      assert.equal(r.alarms, 1, 'the resolved alarm went with its event');
      assert.equal(await store.getAlarm('al_done'), null);
      assert.deepEqual(await store.listAlarmActivity('al_done'), [], 'its activity too');
      assert.equal((await store.getAlarm('al_open'))?.id, openAlarm.id, 'the open alarm stays');
      assert.equal(await store.activeMaskLift('camA', 'sup', NOW - 40 * DAY + 1000), null, 'the old lift (who, why) is gone');
      assert.equal((await store.activeMaskLift('camA', 'sup', NOW - DAY + 1000))?.id, 'lift_new');
      // Counts: the one outside the lock and the 400-day-old one gone.
      const counts = [...await store.listLineCounts({ cameraId: 'camA', fromMs: 0, toMs: NOW }), ...await store.listLineCounts({ cameraId: 'camB', fromMs: 0, toMs: NOW })];
      assert.deepEqual(counts.map((c) => [c.cameraId, c.minuteMs]).sort(), [['camA', old], ['camB', NOW - DAY]]);
      assert.equal(r.counts, 2);
      // Files on disk.
      assert.ok(existsSync(sLocked), 'locked snapshot kept');
      assert.ok(!existsSync(sOld), 'old snapshot deleted');
      assert.ok(existsSync(sOpen), 'the open alarm\'s snapshot kept');
      assert.ok(existsSync(sNew));
      assert.ok(existsSync(xLocked) && existsSync(xNew) && existsSync(xCase), 'locked, new and open-case exports kept');
      assert.ok(!existsSync(xOld), 'old export deleted');
      assert.deepEqual([r.snapshots, r.exports], [1, 1]);
      assert.ok(r.kept.byLock >= 4 && r.kept.byOpenCase >= 3, JSON.stringify(r.kept));

      // Every deletion in the audit log: one summary per kind and batch, one per export.
      const entries = await store.listAudit(0, 10_000);
      const of = (action: string) => entries.filter((e) => e.action === action);
      assert.equal(of('event.delete').length, 1);
      assert.equal(of('event.delete')[0].details.events, 4);
      assert.deepEqual(of('event.delete')[0].details.cameras, { camA: 1, camB: 1, '': 1, camC: 1 });
      assert.equal(of('event.delete')[0].details.maskLifts, 1);
      assert.equal(of('count.delete').reduce((n, e) => n + Number(e.details.rows), 0), 2);
      assert.equal(of('snapshot.delete').length, 1);
      assert.equal(of('snapshot.delete')[0].details.files, 1);
      assert.deepEqual(of('export.delete').map((e) => [e.details.exportId, e.cameraId]), [['x_old', 'camB']]);
      // The audit log: the 35 old entries were due; the cut stops at the last checkpointed one before the young.
      const prune = of('audit.prune');
      assert.equal(prune.length, 1);
      assert.equal(prune[0].details.throughSeq, 35);
      assert.equal(prune[0].details.entries, 35);
      assert.deepEqual(prune[0].details.actions, { 'recording.play': 35 });
      assert.equal(r.auditEntries, 35);
      assert.equal((await store.listAudit(0, 1))[0].seq, 36, 'the log now starts after the cut');
      assert.deepEqual(raised.map((e) => e.kind), ['retention.data_deleted']);

      // The remaining chain verifies against the checkpoints, from the signed cut, and says so.
      await a.checkpointer.checkpoint({ force: true });
      const v = await verify(store, a);
      assert.ok(v.ok, JSON.stringify(v));
      assert.equal(v.prunedThrough, 35);
      assert.equal(v.count, (await store.auditHead())!.seq - 35);
      assert.ok((await store.auditHead())!.seq > headBefore.seq);
      // The checkpointer carries on over the cut log, without crying tamper.
      await store.appendAudit({ actor: 'usr_1', action: 'live.stop', cameraId: 'camB' });
      assert.equal((await a.checkpointer.checkpoint({ force: true })).length, 1);
      assert.ok((await verify(store, a)).ok);

      // A second sweep finds nothing more to do and writes no entry.
      const n = (await store.listAudit(0, 10_000)).length;
      const again = await retention.sweep();
      assert.equal(again.events + again.counts + again.snapshots + again.exports + again.auditEntries, 0);
      assert.equal((await store.listAudit(0, 10_000)).length, n);
    });

    test('traffic counts (issue 14) are under the counts\' retention: old minutes go, a lock keeps its own, the deletion audited naming the table', async () => {
      const old = NOW - 40 * DAY;
      await store.addEvidenceLock({ id: 'lock_t', cameraId: 'camT1', fromMs: old - 3_600_000, toMs: old + 3_600_000, reason: 'crash at the junction', createdBy: 'sup', createdAt: NOW - 41 * DAY });
      const row = (cameraId: string, minuteMs: number, n: number) => ({ cameraId, lane: 'northbound', minuteMs, cls: 'car', speedBin: 4, n });
      await store.addTrafficCounts([
        row('camT1', old, 7), row('camT2', old, 5), row('camT2', NOW - 400 * DAY, 3), row('camT2', NOW - DAY, 2),
      ]);
      const retention = new DataRetention({
        store, configured: { eventsDays: 0, snapshotsDays: 0, exportsDays: 0, countsDays: 30, auditDays: 0 }, dataDir, exportDirs: [], logger: silent, now: () => NOW,
      });
      const before = (await store.listAudit(0, 100_000)).length;
      const r = await retention.sweep();
      const left = [
        ...await store.listTrafficCounts({ cameraId: 'camT1', fromMs: 0, toMs: NOW }), ...await store.listTrafficCounts({ cameraId: 'camT2', fromMs: 0, toMs: NOW }),
      ].map((c) => [c.cameraId, c.minuteMs, c.n]).sort();
      assert.deepEqual(left, [['camT1', old, 7], ['camT2', NOW - DAY, 2]], 'the locked minute and the recent one stay');
      assert.equal(r.counts, 2);
      const entries = (await store.listAudit(0, 100_000)).slice(before).filter((e) => e.action === 'count.delete');
      assert.ok(entries.length >= 1, 'the deletion is audited');
      assert.ok(entries.every((e) => e.actor === 'system' && e.details.table === 'traffic_counts' && e.details.retentionDays === 30));
      assert.equal(entries.reduce((n, e) => n + Number(e.details.rows), 0), 2);
      assert.deepEqual(entries.reduce((m: Record<string, number>, e) => {
        for (const [c, k] of Object.entries(e.details.cameras as Record<string, number>)) m[c] = (m[c] ?? 0) + k;
        return m;
      }, {}), { camT2: 2 });
      assert.ok(entries.some((e) => Number(e.details.keptByLock) >= 1), 'the lock\'s minute is reported kept');
      // Nothing more is due: a second sweep deletes and audits nothing.
      const n = (await store.listAudit(0, 100_000)).length;
      assert.equal((await retention.sweep()).counts, 0);
      assert.equal((await store.listAudit(0, 100_000)).length, n);
    });
  });
}

describe('the attacker against the audit log\'s retention (embedded database, read as `vigil audit verify` reads it)', () => {
  let store: Store;
  let file: string;
  let a: Awaited<ReturnType<typeof auditLog>>;
  before(async () => {
    const dataDir = join(tmp, 'attack');
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'vigil.db');
    store = await openStore({ kind: 'sqlite', path: file });
    a = await auditLog(store, dataDir, 40, 20);
  });
  after(async () => { await store?.close(); });
  const verifyFile = () => verifyAuditChain(readAuditLogFile(file), { checkpoints: a.checkpoints.read(), prunes: a.prunes.read(), publicKey: a.key.publicKey });
  const raw = (sql: string, ...params: (string | number)[]) => {
    const db = new DatabaseSync(file);
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      return db.prepare(sql).run(...params).changes;
    } finally {
      db.close();
    }
  };

  test('deleting the oldest entries without a signed prune record is caught, though they were old enough', async () => {
    const db = new DatabaseSync(file);
    const saved = db.prepare('SELECT * FROM audit_log WHERE seq <= 5 ORDER BY seq').all();
    db.close();
    assert.equal(raw('DELETE FROM audit_log WHERE seq <= 5'), 5);
    const v = await verifyFile();
    assert.equal(v.ok, false);
    assert.ok(!v.ok && v.firstBad === 1 && v.reason === 'missing entry (seq gap)' && /no signed prune record/.test(v.detail ?? ''), JSON.stringify(v));
    // Put them back for the next tests.
    const back = new DatabaseSync(file);
    const ins = back.prepare('INSERT INTO audit_log (seq, ts, actor, action, camera_id, ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of saved as Record<string, never>[]) ins.run(r.seq, r.ts, r.actor, r.action, r.camera_id, r.ip, r.details, r.prev_hash, r.hash);
    back.close();
    assert.ok((await verifyFile()).ok);
  });

  test('a stretch due for pruning that was tampered with is not pruned: reported, kept for inspection', async () => {
    const original = (new DatabaseSync(file).prepare('SELECT details FROM audit_log WHERE seq = 7').get() as { details: string }).details;
    raw('UPDATE audit_log SET details = ? WHERE seq = 7', '{"i":999}');
    const raised: { kind: string; details: Record<string, unknown> }[] = [];
    const retention = new DataRetention({ store, configured: { ...POLICY, auditDays: 365 }, dataDir: join(tmp, 'attack'), exportDirs: [], auditPruner: pruner(store, a), logger: silent, now: () => NOW, raise: (e) => void raised.push(e) });
    const r = await retention.sweep();
    assert.equal(r.auditEntries, 0);
    assert.match(r.auditProblem ?? '', /entries 1\.\.40 are due for deletion but do not verify \(entry 7: hash mismatch\)/);
    assert.deepEqual(raised.map((e) => e.kind), ['audit.tampered']);
    assert.equal((await store.listAudit(0, 1))[0].seq, 1, 'nothing deleted');
    assert.deepEqual(a.prunes.read(), [], 'nothing signed');
    const tampered = await retention.notices(await retention.policy());
    assert.match(tampered.map((n) => n.text).join('\n'), /the audit log was not cut/);
    assert.ok(tampered.some((n) => n.code === 'AUDIT_TAMPERED' && typeof n.reason === 'string' && n.reason.length > 0));
    raw('UPDATE audit_log SET details = ? WHERE seq = 7', original);
  });

  test('after a policy prune the log verifies from the signed cut; cutting further, or forging a record, is caught', async () => {
    const step = await pruner(store, a, 25).pruneOnce(365, 25);
    assert.equal(step?.deleted, 25);
    assert.equal(step?.record.throughSeq, 25);
    const ok = await verifyFile();
    assert.ok(ok.ok && ok.prunedThrough === 25, JSON.stringify(ok));
    const second = await pruner(store, a).pruneOnce(365, 1000);
    assert.equal(second?.record.fromSeq, 26);
    assert.equal(second?.record.throughSeq, 40, 'the young entries stay');
    const ok2 = await verifyFile();
    assert.ok(ok2.ok && ok2.prunedThrough === 40, JSON.stringify(ok2));

    // The attacker deletes three more entries, young ones, at the new start: caught at the first.
    const db = new DatabaseSync(file);
    const saved = db.prepare('SELECT * FROM audit_log WHERE seq BETWEEN 41 AND 43 ORDER BY seq').all() as Record<string, never>[];
    db.close();
    raw('DELETE FROM audit_log WHERE seq BETWEEN 41 AND 43');
    const cut = await verifyFile();
    assert.ok(!cut.ok && cut.firstBad === 41 && cut.reason === 'missing entry (seq gap)', JSON.stringify(cut));

    // ... and signs its own prune record for the cut, with another key: not this server's.
    const forged = signPrune(loadOrCreateServerKey(join(tmp, 'attacker-keys')), {
      fromSeq: 41, throughSeq: 43, hash: String(saved[2].hash), fromTs: NOW, throughTs: NOW, beforeMs: NOW, retentionDays: 365, prunedAt: NOW,
    });
    const withForged = await verifyAuditChain(readAuditLogFile(file), { checkpoints: a.checkpoints.read(), prunes: [...a.prunes.read(), forged], publicKey: a.key.publicKey });
    assert.ok(!withForged.ok && withForged.reason === 'checkpoint invalid' && /prune record: signed by key/.test(withForged.detail ?? ''), JSON.stringify(withForged));
    // ... or edits this server's last record to reach further: the signature fails.
    const edited = { ...a.prunes.read().at(-1)!, throughSeq: 43, hash: String(saved[2].hash) };
    const withEdited = await verifyAuditChain(readAuditLogFile(file), { checkpoints: a.checkpoints.read(), prunes: [edited], publicKey: a.key.publicKey });
    assert.ok(!withEdited.ok && /signature does not verify/.test(withEdited.detail ?? ''), JSON.stringify(withEdited));
    // ... or throws the prune file away: the log's start is then unexplained.
    const noRecords = await verifyAuditChain(readAuditLogFile(file), { checkpoints: a.checkpoints.read(), publicKey: a.key.publicKey });
    assert.ok(!noRecords.ok && noRecords.firstBad === 1, JSON.stringify(noRecords));

    const back = new DatabaseSync(file);
    const ins = back.prepare('INSERT INTO audit_log (seq, ts, actor, action, camera_id, ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of saved) ins.run(r.seq, r.ts, r.actor, r.action, r.camera_id, r.ip, r.details, r.prev_hash, r.hash);
    back.close();
    assert.ok((await verifyFile()).ok, 'restored, it verifies again');
    // The records are in the file beside the checkpoints, one JSON line each.
    assert.equal(readFileSync(a.prunes.file, 'utf8').trim().split('\n').length, 2);
  });
});

describe('through the API', () => {
  let v: TestVigil;
  before(async () => {
    v = await startTestVigilWithOperator();
  });
  after(async () => { await v?.stop(); });

  test('admins see and change the policy (audited; 400 naming the field; 403 for an operator); a lock older than it is named; a sweep on demand', async () => {
    const got = (await (await v.http('/api/privacy/retention')).json()) as any;
    assert.deepEqual(got.policy, { eventsDays: 30, snapshotsDays: 3, exportsDays: 30, countsDays: 365, auditDays: 730 });
    assert.deepEqual(got.auditCut, { enabled: true, reason: null });
    for (const [body, field] of [[{ eventsDays: -3 }, 'eventsDays'], [{ auditDays: 5 }, 'auditDays'], [{ snapshotsDays: null }, 'snapshotsDays'], [{ colour: 1 }, 'colour']] as const) {
      const res = await v.http('/api/privacy/retention', { method: 'PUT', json: body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(((await res.json()) as any).error.message, new RegExp(field));
    }
    assert.equal(((await (await v.http('/api/privacy/retention')).json()) as any).policy.eventsDays, 30, 'nothing half-done');
    const cookie = await signIn(v.url, OPERATOR.username, OPERATOR.password);
    assert.equal((await fetch(v.url + '/api/privacy/retention', { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ eventsDays: 1 }) })).status, 403);
    assert.equal((await fetch(v.url + '/api/privacy/retention', { headers: { cookie } })).status, 403);

    const lockRes = await v.http('/api/cameras/cam1/locks', { method: 'POST', json: { from: Date.now() - 20 * DAY, to: Date.now() - 19 * DAY, reason: 'case 9' } });
    assert.equal(lockRes.status, 201, await lockRes.clone().text());
    const put = await v.http('/api/privacy/retention', { method: 'PUT', json: { eventsDays: 7, snapshotsDays: 1 } });
    assert.equal(put.status, 200);
    const body = (await put.json()) as any;
    assert.equal(body.policy.eventsDays, 7);
    assert.equal(body.policy.countsDays, 365);
    assert.match(body.notices.map((n: { text: string }) => n.text).join('\n'), /evidence lock .* of camera cam1 .* keeps events, snapshots older than the policy: the lock wins/);
    const lockNotice = body.notices.find((n: { code: string }) => n.code === 'LOCK_KEEPS_DATA');
    assert.deepEqual([lockNotice?.cameraId, lockNotice?.kinds, lockNotice?.reason], ['cam1', ['events', 'snapshots'], 'case 9'], 'the facts as fields, for the screen to word');
    const audit = (await v.store.listAudit(0, 10_000)).filter((e) => e.action === 'retention.policy');
    assert.equal(audit.length, 1);
    assert.equal((audit[0].details.after as any).eventsDays, 7);

    // An event past the new retention: the sweep deletes it, and the latest deletions show it (from the audit log).
    await v.store.addEvent({ id: 'ev_old', ts: Date.now() - 10 * DAY, cameraId: 'cam1', kind: 'analytics.intrusion', severity: 'warning', details: {} });
    const sweep = await v.http('/api/privacy/retention/sweep', { method: 'POST' });
    assert.equal(sweep.status, 200);
    assert.equal(((await sweep.json()) as any).sweep.events, 1);
    const after = (await (await v.http('/api/privacy/retention')).json()) as any;
    assert.notEqual(after.lastSweep, null);
    const deleted = after.deletions.find((d: { action: string }) => d.action === 'event.delete');
    assert.deepEqual([deleted?.count, deleted?.unit, deleted?.retentionDays], [1, 'events', 7]);
    assert.ok(Math.abs(deleted.from - (Date.now() - 10 * DAY)) < 60_000, 'the span of the deleted events');
    // Each camera's recording retention beside the other kinds: no stated purpose, at most 72 h.
    const rec = (await (await v.http('/api/privacy/recording-retention')).json()) as any;
    assert.deepEqual(rec, { defaultRetentionHours: 72, cameras: [{ cameraId: 'cam1', name: 'Gate', purpose: null, legalBasis: null, retentionHours: 72, retentionReason: null }] });
    assert.equal((await fetch(v.url + '/api/privacy/recording-retention', { headers: { cookie } })).status, 403, 'not for operators');
    // The auditor's verification reads the prune records too (none cut here: the log is young).
    const verified = (await (await v.http('/api/audit/verify')).json()) as any;
    assert.equal(verified.ok, true, JSON.stringify(verified));
    assert.equal(verified.prunedThrough, null);
  });
});
