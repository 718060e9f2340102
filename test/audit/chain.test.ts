// The audit hash chain as plain values: no database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GENESIS_HASH, auditHash, canonicalJson, verifyAuditChain, type AuditHashInput } from '../../src/audit/index.ts';
import type { AuditEntry } from '../../src/audit/index.ts';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields: AuditHashInput = { seq, ts: 1_795_000_000_000 + seq, actor: 'u1', action: 'live.start', cameraId: 'cam-1', ip: null, details: { seq } };
    const hash = auditHash(prev, fields);
    out.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

test('auditHash is SHA-256 of prevHash + canonical JSON with sorted keys', () => {
  const e: AuditHashInput = { seq: 1, ts: 5, actor: 'a', action: 'x', cameraId: null, ip: '::1', details: { b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } } };
  const expected = createHash('sha256')
    .update(GENESIS_HASH + '{"action":"x","actor":"a","cameraId":null,"details":{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1},"ip":"::1","seq":1,"ts":5}')
    .digest('hex');
  assert.equal(auditHash(GENESIS_HASH, e), expected);
  // Same entry, keys in another order (as another engine might return them): same hash.
  const reordered = { details: { a: { c: [3, { e: 0, f: 1 }], d: 2 }, b: 1 }, ip: '::1', cameraId: null, action: 'x', actor: 'a', ts: 5, seq: 1 };
  assert.equal(auditHash(GENESIS_HASH, reordered), expected);
  assert.notEqual(auditHash('1'.repeat(64), e), expected, 'the previous hash is part of the input');
  assert.notEqual(auditHash(GENESIS_HASH, { ...e, details: { ...e.details, b: 2 } }), expected);
  assert.equal(GENESIS_HASH, '0'.repeat(64));
});

test('canonicalJson drops undefined members like JSON.stringify', () => {
  assert.equal(canonicalJson({ b: undefined, a: [undefined, 1] }), '{"a":[null,1]}');
});

test('an intact chain verifies, from an array or an async iterable', async () => {
  const entries = chain(50);
  assert.deepEqual(await verifyAuditChain(entries), { ok: true, count: 50 });
  async function* gen() { yield* entries; }
  assert.deepEqual(await verifyAuditChain(gen()), { ok: true, count: 50 });
  assert.deepEqual(await verifyAuditChain([]), { ok: true, count: 0 });
});

test('an edited entry is a hash mismatch at its seq', async () => {
  const entries = chain(20);
  entries[11] = { ...entries[11], actor: 'someone-else' };
  assert.deepEqual(await verifyAuditChain(entries), { ok: false, count: 11, firstBad: 12, reason: 'hash mismatch' });
});

test('an edited entry re-hashed to hide it breaks the next link', async () => {
  const entries = chain(20);
  const e = { ...entries[11], actor: 'someone-else' };
  e.hash = auditHash(e.prevHash, e);
  entries[11] = e;
  assert.deepEqual(await verifyAuditChain(entries), { ok: false, count: 12, firstBad: 13, reason: 'prev hash mismatch' });
});

test('a deleted entry is a seq gap naming the missing seq; so is a missing start', async () => {
  const entries = chain(20);
  assert.deepEqual(await verifyAuditChain([...entries.slice(0, 7), ...entries.slice(8)]), {
    ok: false, count: 7, firstBad: 8, reason: 'missing entry (seq gap)',
  });
  assert.deepEqual(await verifyAuditChain(entries.slice(1)), { ok: false, count: 0, firstBad: 1, reason: 'missing entry (seq gap)' });
});
