// Issue 13: the retention screen's latest deletions are read back from the audit log; each kind of
// deletion entry the sweeps write is summed up as what went, how many and which span of time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletionOf, latestDeletions } from '../../src/privacy/index.ts';
import type { AuditEntry } from '../../src/store/index.ts';

const entry = (seq: number, action: string, details: Record<string, unknown>, cameraId: string | null = null): AuditEntry =>
  ({ seq, ts: 1_000 + seq, actor: 'system', action, cameraId, ip: null, details, prevHash: 'p', hash: `h${seq}` }) as AuditEntry;

test('each deletion entry: what went, how many, the span it covered', () => {
  const pick = (e: AuditEntry) => {
    const d = deletionOf(e);
    return [d.action, d.count, d.unit, d.from, d.to, d.retentionDays, d.detail];
  };
  assert.deepEqual(pick(entry(1, 'recording.delete', { rule: 'age', segments: 6, bytes: 10, ranges: [[500, 900], [100, 300]] }, 'cam4')), ['recording.delete', 6, 'segments', 100, 900, null, 'age']);
  assert.deepEqual(pick(entry(2, 'event.delete', { retentionDays: 30, events: 12, alarms: 2, from: 10, to: 20 })), ['event.delete', 12, 'events', 10, 20, 30, null]);
  assert.deepEqual(pick(entry(3, 'snapshot.delete', { retentionDays: 3, files: 4, from: 11, to: 21 })), ['snapshot.delete', 4, 'files', 11, 21, 3, null]);
  assert.deepEqual(pick(entry(4, 'export.delete', { retentionDays: 30, exportId: 'x1', from: 5, to: 6 }, 'cam1')), ['export.delete', 1, 'exports', 5, 6, 30, null]);
  assert.deepEqual(pick(entry(5, 'export.delete', { retentionDays: 30, before: 99, requests: 3 })), ['export.delete', 3, 'requests', null, null, 30, null]);
  assert.deepEqual(pick(entry(6, 'count.delete', { retentionDays: 365, table: 'traffic_counts', rows: 40, from: 1, to: 2 })), ['count.delete', 40, 'rows', 1, 2, 365, 'traffic_counts']);
  assert.deepEqual(pick(entry(7, 'count.delete', { retentionDays: 365, rows: 5, from: 1, to: 2 })), ['count.delete', 5, 'rows', 1, 2, 365, 'line_counts'], 'entries from before the table was named are line counts');
  assert.deepEqual(pick(entry(8, 'audit.prune', { retentionDays: 730, entries: 1000, from: 3, to: 4 })), ['audit.prune', 1000, 'entries', 3, 4, 730, null]);
});

test('the newest deletions of every kind, newest first, at most the limit', async () => {
  const byAction: Record<string, AuditEntry[]> = {
    'recording.delete': [entry(9, 'recording.delete', { segments: 1 }), entry(2, 'recording.delete', { segments: 1 })],
    'event.delete': [entry(7, 'event.delete', { events: 1 })],
    'audit.prune': [entry(5, 'audit.prune', { entries: 1 })],
  };
  const asked: string[] = [];
  const got = await latestDeletions(async (q) => {
    asked.push(q.action);
    return (byAction[q.action] ?? []).slice(0, q.limit);
  }, 3);
  assert.deepEqual(got.map((d) => d.seq), [9, 7, 5]);
  assert.deepEqual(asked.sort(), ['audit.prune', 'count.delete', 'event.delete', 'export.delete', 'recording.delete', 'snapshot.delete']);
});
