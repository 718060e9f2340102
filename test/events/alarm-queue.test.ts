// Issue 12: the alarm queue over a real store, on both engines (SQLite embedded, a real PostgreSQL
// 15): hits fold into one alarm, parallel takes and acknowledgements have exactly one winner (the
// others are told who), every change is logged, audited and published, escalation and auto-close
// are swept, history pages by keyset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, readAuditLog, type Store, type EventRow } from '../../src/store/index.ts';
import { verifyAuditChain } from '../../src/audit/index.ts';
import { AlarmService, EventBus, EventError, SnapshotStore, alarmPolicy, type AlarmChange, type EventTopics } from '../../src/events/index.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vigil-alarm-queue-'));
let postgres: TestPostgres;
const opened: Store[] = [];
before(async () => {
  postgres = await startPostgres();
});
after(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await postgres?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const engines: [string, () => Promise<Store>][] = [
  ['sqlite', async () => openStore({ kind: 'sqlite', path: join(tmp, `db-${opened.length}.sqlite`) })],
  ['postgres', async () => openStore({ kind: 'postgres', url: await postgres.createDatabase(`q${opened.length}`) })],
];

async function setup(open: () => Promise<Store>) {
  const store = await open();
  opened.push(store);
  const bus = new EventBus<EventTopics>();
  const changes: AlarmChange[] = [];
  bus.subscribe('alarm', (c) => changes.push(c));
  const alarms = new AlarmService(store, bus, new SnapshotStore(tmp));
  let n = 0;
  const hit = async (at: number, over: { rule?: string; cameraId?: string; kind?: string; policy?: Parameters<typeof alarmPolicy>[0] } = {}) => {
    const kind = over.kind ?? 'zone_intrusion';
    const rule = over.rule ?? 'gate';
    const e: EventRow = await store.addEvent({ ts: at, cameraId: over.cameraId ?? 'c1', kind: `analytics.${kind}`, severity: 'warning', details: { rule, ruleKind: kind, cls: 'person', snapshot: `snapshots/c1/${n++}.png` } });
    return alarms.hit(e, kind, rule, alarmPolicy(over.policy ?? [], kind, rule));
  };
  const users = Array.from({ length: 6 }, (_, i) => ({ id: `u${i}`, username: `op${i}`, ip: '10.0.0.' + i }));
  return { store, alarms, changes, hit, users };
}

async function settle<T>(ps: Promise<T>[]): Promise<{ ok: T[]; errors: EventError[] }> {
  const rs = await Promise.allSettled(ps);
  const ok: T[] = [];
  const errors: EventError[] = [];
  for (const r of rs) {
    if (r.status === 'fulfilled') ok.push(r.value);
    else if (r.reason instanceof EventError) errors.push(r.reason);
    else throw r.reason;
  }
  return { ok, errors };
}

for (const [name, open] of engines) {
  describe(name, () => {
    test('hits of one rule on one camera within the window fold into one alarm; 30 parallel hits raise one', async () => {
      const { store, hit, changes } = await setup(open);
      const first = (await hit(1_000_000))!;
      assert.equal(first.hits, 1);
      const folded = (await hit(1_030_000))!;
      assert.equal(folded.id, first.id);
      assert.equal(folded.hits, 2);
      // another rule, another camera: their own alarms
      assert.notEqual((await hit(1_030_000, { rule: 'yard' }))!.id, first.id);
      assert.notEqual((await hit(1_030_000, { cameraId: 'c2' }))!.id, first.id);
      // past the window (60 s after the last hit): a new alarm
      const later = (await hit(1_200_000))!;
      assert.notEqual(later.id, first.id);
      // line crossings are statistics by default: no alarm
      assert.equal(await hit(1_200_000, { kind: 'line_crossing', rule: 'door' }), null);
      assert.deepEqual(changes.map((c) => c.change), ['raised', 'folded', 'raised', 'raised', 'raised']);

      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => hit(5_000_000 + i * 10, { rule: 'burst' })));
      const ids = new Set(burst.map((a) => a!.id));
      assert.equal(ids.size, 1, 'one alarm for the burst');
      assert.equal((await store.getAlarm([...ids][0]))!.hits, 30);
      const activity = await store.listAlarmActivity([...ids][0]);
      assert.deepEqual(activity.map((l) => l.kind), ['raised']);
    });

    test('six operators take one alarm at once: one owns it, five are told who; audit and log say it once', async () => {
      const { store, alarms, hit, users, changes } = await setup(open);
      const a = (await hit(2_000_000))!;
      const auditBefore = (await store.listAudit(0, 100_000)).length;
      const { ok, errors } = await settle(users.map((u) => alarms.act(a.id, { type: 'take' }, u)));
      assert.equal(ok.length, 1, `exactly one take wins (${ok.length})`);
      const owner = ok[0].ownerName!;
      assert.equal(errors.length, 5);
      for (const e of errors) {
        assert.equal(e.code, 'ALARM_CONFLICT');
        assert.equal(e.message, `alarm already taken by ${owner}`);
      }
      const stored = (await store.getAlarm(a.id))!;
      assert.deepEqual([stored.state, stored.ownerName, stored.ackName], ['in_progress', owner, owner]);
      const audit = (await store.listAudit(0, 100_000)).slice(auditBefore);
      assert.deepEqual(audit.map((e) => [e.action, e.details.alarmId]), [['alarm.take', a.id]]);
      assert.deepEqual((await store.listAlarmActivity(a.id)).map((l) => [l.kind, l.actorName]), [['raised', 'system'], ['take', owner]]);
      assert.equal(changes.filter((c) => c.change === 'take').length, 1);
      assert.equal((await verifyAuditChain(readAuditLog(store))).ok, true);
    });

    test('parallel acknowledgements: one wins, the rest see who; the full path to a false alarm', async () => {
      const { store, alarms, hit, users } = await setup(open);
      const a = (await hit(3_000_000))!;
      const { ok, errors } = await settle(users.slice(0, 4).map((u) => alarms.act(a.id, { type: 'ack' }, u)));
      assert.equal(ok.length, 1);
      assert.equal(errors.length, 3);
      for (const e of errors) assert.equal(e.message, `alarm already acknowledged by ${ok[0].ackName}`);
      const winner = users.find((u) => u.username === ok[0].ackName)!;
      await alarms.act(a.id, { type: 'take' }, winner);
      await alarms.act(a.id, { type: 'comment', text: 'looks like a cat' }, winner);
      const bad = await alarms.act(a.id, { type: 'reopen' }, winner).catch((e: EventError) => e);
      assert.ok(bad instanceof EventError && bad.code === 'TRANSITION_NOT_ALLOWED');
      assert.match(bad.message, /allowed: release, hold, resolve, step, priority, comment/);
      const done = await alarms.act(a.id, { type: 'resolve', outcome: 'false_alarm' }, winner);
      assert.deepEqual([done.state, done.outcome], ['resolved', 'false_alarm']);
      const log = await store.listAlarmActivity(a.id);
      assert.deepEqual(log.map((l) => l.kind), ['raised', 'ack', 'take', 'comment', 'resolve']);
      assert.equal(log[3].details.text, 'looks like a cat');
      const actions = (await store.listAudit(0, 100_000)).filter((e) => e.details.alarmId === a.id).map((e) => e.action);
      assert.deepEqual(actions, ['alarm.ack', 'alarm.take', 'alarm.comment', 'alarm.resolve']);
      // a resolved alarm does not take further hits: the next hit raises a new one
      assert.notEqual((await hit(3_010_000))!.id, a.id);
    });

    test('not acknowledged in time: escalated once by the sweep; a quiet alarm closes itself; a snoozed one waits', async () => {
      const { store, alarms, hit, users, changes } = await setup(open);
      const now = Date.now();
      const policy = [{ kind: 'zone_intrusion' as const, raise: true, foldSeconds: 60, instructions: ['Look'], escalateAfterSeconds: 30 }];
      const late = (await hit(now - 60_000, { rule: 'late', policy }))!;
      const snoozed = (await hit(now - 60_000, { rule: 'snoozed', policy }))!;
      await alarms.act(snoozed.id, { type: 'snooze', untilMs: now + 600_000 }, users[0]);
      const acked = (await hit(now - 60_000, { rule: 'acked', policy }))!;
      await alarms.act(acked.id, { type: 'ack' }, users[0]);
      const quiet = (await hit(now - 120_000, { rule: 'quiet', policy: [{ raise: true, foldSeconds: 60, instructions: [], autoCloseSeconds: 60 }] }))!;
      await alarms.sweep(now);
      await alarms.sweep(now + 1000);
      assert.equal((await store.getAlarm(late.id))!.escalatedAt, now);
      assert.equal((await store.getAlarm(snoozed.id))!.escalatedAt, null);
      assert.equal((await store.getAlarm(acked.id))!.escalatedAt, null);
      const closed = (await store.getAlarm(quiet.id))!;
      assert.deepEqual([closed.state, closed.outcome], ['resolved', 'auto_closed']);
      assert.equal(changes.filter((c) => c.change === 'escalate').length, 1);
      const esc = (await store.listAudit(0, 100_000)).filter((e) => e.action === 'alarm.escalate');
      assert.deepEqual(esc.map((e) => [e.actor, e.details.alarmId]), [['system', late.id]]);
      assert.deepEqual((await store.getAlarm(late.id))!.steps, [{ text: 'Look', done: false, by: null, at: null }]);
    });

    test('history: filters and keyset pages over many alarms, no row twice or missed', async () => {
      const { alarms, hit, users } = await setup(open);
      const base = 10_000_000;
      const made: string[] = [];
      for (let i = 0; i < 130; i++) made.push((await hit(base + Math.floor(i / 3) * 1000, { rule: `r${i}`, cameraId: i % 2 ? 'c1' : 'c2' }))!.id);
      const seen: string[] = [];
      let q = { limit: 25, fromMs: base } as Parameters<typeof alarms.history>[0];
      for (let pages = 0; pages < 20; pages++) {
        const page = await alarms.history(q);
        seen.push(...page.alarms.map((a) => a.id));
        for (let i = 1; i < page.alarms.length; i++) assert.ok(page.alarms[i - 1].firstAt >= page.alarms[i].firstAt, 'newest first');
        if (!page.next) break;
        const { decodeCursor } = await import('../../src/events/index.ts');
        q = { ...q, before: decodeCursor(page.next) };
      }
      assert.equal(seen.length, 130);
      assert.deepEqual(new Set(seen), new Set(made));
      const c1 = await alarms.history({ limit: 500, fromMs: base, cameraIds: ['c1'] });
      assert.equal(c1.alarms.length, 65);
      await alarms.act(made[0], { type: 'take' }, users[2]);
      await alarms.act(made[0], { type: 'resolve', outcome: 'incident' }, users[2]);
      assert.deepEqual((await alarms.history({ limit: 10, outcome: 'incident' })).alarms.map((a) => a.id), [made[0]]);
      assert.deepEqual((await alarms.history({ limit: 10, operatorId: 'u2' })).alarms.map((a) => a.id), [made[0]]);
      assert.equal((await alarms.history({ limit: 500, fromMs: base, states: ['new'] })).alarms.length, 129);
      assert.deepEqual((await alarms.history({ limit: 10, rule: 'r7' })).alarms.map((a) => a.id), [made[7]]);
    });
  });
}
