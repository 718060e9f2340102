// Issue 13, four-eyes export requests in the store, on SQLite and PostgreSQL: a request survives
// closing and opening the store again; the decision is one conditional write with its audit entry
// (the requester can never decide their own, a decided request cannot be decided again, and of
// several deciders at once exactly one wins, with one audit entry).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExportRequestRow, Store } from '../../src/store/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('export-requests');

const request = (id: string, over: Partial<ExportRequestRow> = {}): ExportRequestRow => ({
  id, state: 'awaiting_approval', cameras: ['cam1', 'cam2'], fromMs: 1_000, toMs: 61_000, reason: 'case 41', purpose: { name: 'Incident investigation', text: 'theft at the gate' },
  requestedBy: 'u-otto', requestedByName: 'otto', requestedIp: '10.0.0.9', requestedAt: 5_000,
  decidedBy: null, decidedByName: null, decidedAt: null, decisionReason: null, redactionLiftReason: null, ...over,
});

const approval = (by: string, at = 9_000) => ({ state: 'approved' as const, decidedBy: by, decidedByName: by, decidedAt: at });
const auditOf = (by: string, id: string) => ({ actor: by, action: 'export.approve' as const, details: { exportId: id } });

for (const engine of engines) {
  describe(`export requests on ${engine.name}`, () => {
    test('a request is kept across a restart, listed by state and requester, newest first', async () => {
      const { store, reopen } = await engine.openReopenable();
      await store.addExportRequest(request('r1'));
      await store.addExportRequest(request('r2', { requestedBy: 'u-sam', requestedByName: 'sam', requestedAt: 6_000, purpose: null }));
      await store.close();
      const again: Store = await reopen();
      assert.deepEqual(await again.getExportRequest('r1'), request('r1'), 'every field read back as written');
      assert.equal((await again.getExportRequest('r2'))?.purpose, null);
      assert.equal(await again.getExportRequest('nope'), null);
      assert.deepEqual((await again.listExportRequests({ state: 'awaiting_approval', limit: 10 })).map((r) => r.id), ['r2', 'r1']);
      assert.deepEqual((await again.listExportRequests({ requestedBy: 'u-otto', limit: 10 })).map((r) => r.id), ['r1']);
      assert.deepEqual((await again.listExportRequests({ state: 'refused', limit: 10 })).map((r) => r.id), []);
    });

    test('the requester cannot decide their own; a refused request cannot be approved later; each decision audited once', async () => {
      const store = await engine.open();
      await store.addExportRequest(request('r3'));
      assert.equal(await store.decideExportRequest('r3', approval('u-otto'), auditOf('u-otto', 'r3')), false, 'the requester is refused by the write itself');
      assert.equal((await store.getExportRequest('r3'))?.state, 'awaiting_approval');
      const refused = { state: 'refused' as const, decidedBy: 'u-sam', decidedByName: 'sam', decidedAt: 8_000, decisionReason: 'no case number' };
      assert.equal(await store.decideExportRequest('r3', refused, { actor: 'u-sam', action: 'export.refuse', details: { exportId: 'r3' } }), true);
      assert.equal(await store.decideExportRequest('r3', approval('u-admin'), auditOf('u-admin', 'r3')), false, 'refused stays refused');
      const row = await store.getExportRequest('r3');
      assert.deepEqual([row?.state, row?.decidedByName, row?.decisionReason, row?.decidedAt], ['refused', 'sam', 'no case number', 8_000]);
      const audit = (await store.listAudit(0, 100)).filter((e) => e.details.exportId === 'r3');
      assert.deepEqual(audit.map((e) => [e.action, e.actor]), [['export.refuse', 'u-sam']], 'no entry for the refused attempts');
    });

    test('several approvers at once: exactly one wins, with one audit entry', async () => {
      const store = await engine.open();
      await store.addExportRequest(request('r4'));
      const deciders = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e'];
      const results = await Promise.all(deciders.map((d) => store.decideExportRequest('r4', { ...approval(d), redactionLiftReason: `lift by ${d}` }, auditOf(d, 'r4'))));
      assert.equal(results.filter(Boolean).length, 1, `one winner: ${results}`);
      const winner = deciders[results.indexOf(true)];
      const row = await store.getExportRequest('r4');
      assert.deepEqual([row?.state, row?.decidedBy, row?.redactionLiftReason], ['approved', winner, `lift by ${winner}`]);
      const audit = (await store.listAudit(0, 100)).filter((e) => e.details.exportId === 'r4');
      assert.deepEqual(audit.map((e) => e.actor), [winner]);
    });

    test('decided requests go by retention; those awaiting approval stay', async () => {
      const store = await engine.open();
      await store.addExportRequest(request('old-decided'));
      await store.decideExportRequest('old-decided', approval('u-sam', 10_000), auditOf('u-sam', 'old-decided'));
      await store.addExportRequest(request('new-decided'));
      await store.decideExportRequest('new-decided', approval('u-sam', 50_000), auditOf('u-sam', 'new-decided'));
      await store.addExportRequest(request('old-waiting', { requestedAt: 1 }));
      assert.equal(await store.deleteDecidedExportRequestsBefore(20_000, { actor: 'system', action: 'export.delete', details: { retentionDays: 30 } }), 1);
      assert.deepEqual((await store.listExportRequests({ limit: 10 })).map((r) => r.id).sort(), ['new-decided', 'old-waiting']);
      const audit = (await store.listAudit(0, 100)).filter((e) => e.action === 'export.delete');
      assert.deepEqual(audit.map((e) => [e.actor, e.details.requests, e.details.before, e.details.retentionDays]), [['system', 1, 20_000, 30]], 'the deletion is audited');
      assert.equal(await store.deleteDecidedExportRequestsBefore(20_000, { actor: 'system', action: 'export.delete' }), 0);
      assert.equal((await store.listAudit(0, 100)).filter((e) => e.action === 'export.delete').length, 1, 'nothing deleted, nothing audited');
    });
  });
}
