// The fast read of an embedded database's audit log (`vigil audit verify`): SQLite lays each row
// out as the text its hash covers. That text must be byte for byte what the writer hashed, rows
// whose text SQLite quotes differently must still verify (from their full entry), and an attacker
// who edits the table, or stores values of the wrong type or beyond 2^53, gets a named broken
// entry — never "intact", never a crash.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, readAuditLogFile } from '../../src/store/index.ts';
import { auditHashBody, verifyAuditChain, type AuditTextPage } from '../../src/audit/index.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-audit-reader-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A database written by the store itself, with awkward values; the page size is small so pages turn. */
async function written(): Promise<string> {
  const dbPath = path.join(tmp, `a${++n}.db`);
  const store = await openStore({ kind: 'sqlite', path: dbPath });
  const awkward = [
    { actor: 'usr_1', action: 'recording.play' as const, cameraId: 'cam-1', ip: '198.51.100.7', details: { purpose: 'case 12', from: 1, to: 2 } },
    { actor: 'system', action: 'camera.update' as const, cameraId: null, ip: null, details: {} },
    { actor: 'ناظر', action: 'export.create' as const, cameraId: 'دروازه "شمال" \\ 1', ip: '::1', details: { purpose: 'پرونده ۱۲', nested: { z: [1, { b: 2, a: 'x' }], a: null } } },
    // Control characters, a line separator and an emoji: JSON.stringify and SQLite's json_quote may differ here.
    { actor: 'tab\there', action: 'login.failure' as const, cameraId: 'c\u0001\u001f\u007f', ip: 'x\u2028y', details: { note: 'line\nbreak \u0000 😀' } },
  ];
  for (let i = 0; i < 23; i++) await store.appendAudit({ ...awkward[i % awkward.length], ts: 1_795_000_000_000 + i });
  await store.close();
  return dbPath;
}

async function verifyFile(dbPath: string, pageSize = 5) {
  return verifyAuditChain(readAuditLogFile(dbPath, pageSize));
}

function edit(dbPath: string, sql: string, ...params: (string | number | bigint | null | Uint8Array)[]): void {
  const db = new DatabaseSync(dbPath);
  db.prepare(sql).run(...params);
  db.close();
}

test('the text SQLite lays out is the text the writer hashed (ordinary values), and every row verifies', async () => {
  const dbPath = await written();
  assert.deepEqual(await verifyFile(dbPath), { ok: true, count: 23 });
  let same = 0;
  let rebuilt = 0;
  for await (const page of readAuditLogFile(dbPath, 7) as AsyncIterable<AuditTextPage>) {
    assert.ok(page.rows.length <= 7);
    for (const [seq, , , text] of page.rows) {
      const e = page.entry(seq as number)!;
      rebuilt++;
      if (text === auditHashBody(e)) same++;
      // The first three kinds of value (ASCII, Dari, quotes and backslashes) must come out identical.
      if ((e.seq - 1) % 4 !== 3) assert.equal(text, auditHashBody(e), `entry ${e.seq}`);
    }
  }
  assert.equal(rebuilt, 23);
  assert.ok(same >= 17, `${same} of 23 rows identical`);
});

test('details re-formatted (same JSON, other spacing and key order) still verify, through the full entry', async () => {
  const dbPath = await written();
  edit(dbPath, `UPDATE audit_log SET details = '{ "to": 2, "from": 1,  "purpose": "case 12" }' WHERE seq = 5`);
  assert.deepEqual(await verifyFile(dbPath), { ok: true, count: 23 });
});

test('a row edited in the table fails at that entry; deleted rows show as a gap', async () => {
  const dbPath = await written();
  edit(dbPath, `UPDATE audit_log SET details = '{"purpose":"case 13","from":1,"to":2}' WHERE seq = 9`);
  assert.deepEqual(await verifyFile(dbPath), { ok: false, count: 8, firstBad: 9, reason: 'hash mismatch' });

  const other = await written();
  edit(other, 'DELETE FROM audit_log WHERE seq IN (11, 12)');
  assert.deepEqual(await verifyFile(other), { ok: false, count: 10, firstBad: 11, reason: 'missing entry (seq gap)' });

  const edited = await written();
  edit(edited, `UPDATE audit_log SET actor = 'someone else' WHERE seq = 4`); // a row with control characters (the careful path)
  assert.deepEqual(await verifyFile(edited), { ok: false, count: 3, firstBad: 4, reason: 'hash mismatch' });
});

test('values of the wrong type or beyond 2^53 are a broken entry, not a crash', async () => {
  const cases: [string, ...(string | number | bigint | null | Uint8Array)[]][] = [
    ['UPDATE audit_log SET ts = ? WHERE seq = 6', 2n ** 60n],
    ['UPDATE audit_log SET ts = ? WHERE seq = 6', 1_795_000_000_005.5],
    ['UPDATE audit_log SET camera_id = ? WHERE seq = 6', new Uint8Array([1, 2, 3])],
    ['UPDATE audit_log SET details = ? WHERE seq = 6', 'not json at all'],
    ['UPDATE audit_log SET hash = ? WHERE seq = 6', 12345],
  ];
  for (const [sql, ...params] of cases) {
    const dbPath = await written();
    edit(dbPath, sql, ...params);
    const r = await verifyFile(dbPath);
    assert.equal(r.ok, false, sql);
    assert.equal(!r.ok && r.firstBad, 6, sql);
  }
  const big = await written();
  edit(big, 'UPDATE audit_log SET seq = ? WHERE seq = 23', 2n ** 60n);
  assert.deepEqual(await verifyFile(big), { ok: false, count: 22, firstBad: 23, reason: 'missing entry (seq gap)' });
  const text = await written();
  edit(text, "UPDATE audit_log SET seq = 'seven' WHERE seq = 7");
  assert.deepEqual(await verifyFile(text), { ok: false, count: 6, firstBad: 7, reason: 'missing entry (seq gap)' });
});
