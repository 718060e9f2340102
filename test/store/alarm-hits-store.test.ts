// Issue 15: a rule hit is stored once however often it is delivered (a node's hits come through
// its outbox and JetStream, which may deliver one again), on both engines; the record of a hit
// goes with its event when retention deletes it.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlarmHit, Store } from '../../src/store/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('alarmhits');
const DAY = 86_400_000;

const hit = (id: string, eventId: string, at: number, cameraId = 'cam1'): AlarmHit => ({
  id, cameraId, ruleKind: 'zone_intrusion', rule: 'fence', priority: 50, eventId, details: { cls: 'person' }, at, foldMs: 60_000, steps: [], escalateAfterMs: null, autoCloseMs: null,
});

for (const engine of engines) {
  describe(`alarm hits on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });

    test('a raised hit delivered again changes nothing; a folded one delivered again is not counted twice', async () => {
      const t = Date.now();
      const first = await store.raiseAlarm(hit('a1', 'e1', t));
      assert.equal(first.folded, false);
      assert.equal(first.duplicate, undefined);
      // the same hit again, even under another alarm id (decided again on a node after a restart)
      const again = await store.raiseAlarm(hit('a1-other', 'e1', t));
      assert.equal(again.duplicate, true);
      assert.equal(again.alarm.id, 'a1');
      assert.equal(again.alarm.hits, 1);
      const second = await store.raiseAlarm(hit('a2', 'e2', t + 1000));
      assert.equal(second.folded, true);
      assert.equal(second.alarm.hits, 2);
      const secondAgain = await store.raiseAlarm(hit('a2', 'e2', t + 1000));
      assert.equal(secondAgain.duplicate, true);
      assert.equal(secondAgain.alarm.id, 'a1');
      assert.equal(secondAgain.alarm.hits, 2);
      const all = await store.listAlarms({ limit: 10 });
      assert.deepEqual(all.map((a) => [a.id, a.hits]), [['a1', 2]]);
      assert.equal((await store.listAlarmActivity('a1')).filter((l) => l.kind === 'raised').length, 1);
    });

    test('the same hit delivered twice at once raises one alarm', async () => {
      const t = Date.now();
      const both = await Promise.all([store.raiseAlarm(hit('b1', 'eb', t, 'cam2')), store.raiseAlarm(hit('b1', 'eb', t, 'cam2'))]);
      assert.deepEqual(both.map((r) => r.duplicate === true).sort(), [false, true]);
      const rows = (await store.listAlarms({ limit: 10 })).filter((a) => a.cameraId === 'cam2');
      assert.deepEqual(rows.map((a) => [a.id, a.hits]), [['b1', 1]]);
    });

    test('retention deletes the record of a hit with its event, so the table stays bounded', async () => {
      const old = Date.now() - 40 * DAY;
      await store.addEvent({ id: 'e_old', ts: old, cameraId: 'cam3', kind: 'analytics.zone_intrusion', severity: 'warning', details: {} });
      const r = await store.raiseAlarm(hit('c1', 'e_old', old, 'cam3'));
      // resolved long ago: the alarm, its event and its hit record may all go
      await store.updateAlarm(r.alarm.version, { ...r.alarm, state: 'resolved', outcome: 'false_alarm', resolvedAt: old + 1000, updatedAt: old + 1000 }, []);
      const d = await store.deleteEventsBefore({ beforeMs: Date.now() - 30 * DAY, limit: 100 }, { actor: 'system', action: 'event.delete', details: {} });
      assert.equal(d.deleted, 1);
      assert.equal(d.alarms, 1);
      // the record went with it: the same hit arriving now is a new alarm, not a duplicate of a deleted one
      const later = await store.raiseAlarm(hit('c2', 'e_old', old, 'cam3'));
      assert.equal(later.duplicate, undefined);
      assert.equal(later.alarm.id, 'c2');
    });
  });
}
