// The alarms part's store methods (line counts per minute, analytics settings, acknowledgements)
// on both engines: embedded SQLite and a real PostgreSQL 15 started for this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store, readAuditLog } from '../../../src/store/index.ts';
import { verifyAuditChain } from '../../../src/audit/index.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vigil-alarm-store-'));
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

const engines: { name: string; open(): Promise<Store> }[] = [
  { name: 'sqlite', open: () => openStore({ kind: 'sqlite', path: join(tmp, `a-${Date.now()}.sqlite`) }) },
  { name: 'postgres', open: async () => openStore({ kind: 'postgres', url: await postgres.createDatabase(`alarms${Date.now()}`) }) },
];

for (const engine of engines) {
  describe(`alarm store on ${engine.name}`, () => {
    test('line counts add up per minute and filter by line and time', async () => {
      const store = await engine.open();
      opened.push(store);
      const m = 1_700_000_040_000;
      await store.addLineCounts([
        { cameraId: 'c1', line: 'door', minuteMs: m, cls: 'person', direction: 'positive', n: 2 },
        { cameraId: 'c1', line: 'door', minuteMs: m, cls: 'person', direction: 'negative', n: 1 },
        { cameraId: 'c1', line: 'road', minuteMs: m, cls: 'car', direction: 'positive', n: 5 },
      ]);
      await store.addLineCounts([{ cameraId: 'c1', line: 'door', minuteMs: m, cls: 'person', direction: 'positive', n: 3 }]);
      await store.addLineCounts([{ cameraId: 'c1', line: 'door', minuteMs: m + 60_000, cls: 'person', direction: 'positive', n: 1 }]);
      const door = await store.listLineCounts({ cameraId: 'c1', line: 'door', fromMs: m, toMs: m + 60_000 });
      assert.deepEqual(
        door.map((r) => [r.cls, r.direction, r.n]),
        [['person', 'negative', 1], ['person', 'positive', 5]],
      );
      const all = await store.listLineCounts({ cameraId: 'c1', fromMs: m, toMs: m + 120_000 });
      assert.equal(all.reduce((s, r) => s + r.n, 0), 12);
      assert.equal((await store.listLineCounts({ cameraId: 'c2', fromMs: 0, toMs: m * 2 })).length, 0);
    });

    test('analytics settings are replaced and audited in one go; acks happen once', async () => {
      const store = await engine.open();
      opened.push(store);
      assert.equal(await store.getCameraAnalytics('c1'), null);
      const ev = await store.addEvent({ ts: 5, cameraId: 'c1', kind: 'analytics.zone_intrusion', severity: 'warning', details: { rule: 'gate' } });
      assert.deepEqual(await store.getEvent(ev.id), ev);
      assert.equal(await store.getEvent('nope'), null);
      await store.putCameraAnalytics({ cameraId: 'c1', settings: { enabled: true, fps: 5 }, updatedAt: 1 }, { actor: 'u1', action: 'analytics.update', cameraId: 'c1' });
      await store.putCameraAnalytics({ cameraId: 'c1', settings: { enabled: false, fps: 2 }, updatedAt: 2 });
      const row = await store.getCameraAnalytics('c1');
      assert.deepEqual(row, { cameraId: 'c1', settings: { enabled: false, fps: 2 }, updatedAt: 2 });
      assert.equal((await store.listCameraAnalytics()).length, 1);

      assert.equal(await store.ackEvent({ eventId: 'e1', ackedBy: 'u1', ackedAt: 10 }, { actor: 'u1', action: 'alarm.ack', details: { eventId: 'e1' } }), true);
      assert.equal(await store.ackEvent({ eventId: 'e1', ackedBy: 'u2', ackedAt: 11 }, { actor: 'u2', action: 'alarm.ack', details: { eventId: 'e1' } }), false);
      const acks = await store.listEventAcks(['e1', 'e2']);
      assert.deepEqual(acks, [{ eventId: 'e1', ackedBy: 'u1', ackedAt: 10 }]);
      const audit = await store.listAudit(0, 100);
      assert.deepEqual(audit.map((a) => a.action), ['analytics.update', 'alarm.ack']);
      assert.equal((await verifyAuditChain(readAuditLog(store))).ok, true);
    });
  });
}
