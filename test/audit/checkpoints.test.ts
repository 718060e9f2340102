// Signed checkpoints against the attacks the security review made (H1): a deleted tail and one
// user's entries rewritten with the chain recomputed by the project's own hash function. Both
// passed `vigil audit verify` before checkpoints; both must fail now, naming the first entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AuditCheckpointer, CheckpointFile, GENESIS_HASH, auditHash, keyIdOf, loadOrCreateServerKey, readCheckpointFile, signCheckpoint, verifyAuditChain,
  type AuditEntry, type AuditHashInput, type Checkpoint, type ServerSigningKey,
} from '../../src/audit/index.ts';

const USERS = ['u-ana', 'u-bo', 'u-cy'];
const ACTIONS = ['export.create', 'export.download', 'recording.play', 'evidence.unlock', 'live.start'];

function makeLog(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const fields: AuditHashInput = { seq, ts: 1_795_000_000_000 + seq * 1000, actor: USERS[seq % 3], action: ACTIONS[seq % 5], cameraId: `cam-${seq % 4}`, ip: '192.0.2.1', details: { reason: `case ${seq % 7}` } };
    const hash = auditHash(prev, fields);
    out.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

/** What an attacker with the database and the source code does: drop rows, re-chain the rest. */
function rechain(entries: AuditEntry[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  entries.forEach((e, i) => {
    const fields: AuditHashInput = { seq: i + 1, ts: e.ts, actor: e.actor, action: e.action, cameraId: e.cameraId, ip: e.ip, details: e.details };
    const hash = auditHash(prev, fields);
    out.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  });
  return out;
}

function tempKey(): ServerSigningKey {
  return loadOrCreateServerKey(mkdtempSync(path.join(tmpdir(), 'vigil-key-')));
}

async function checkpointed(entries: AuditEntry[], every: number, key: ServerSigningKey): Promise<Checkpoint[]> {
  const file = new CheckpointFile(path.join(mkdtempSync(path.join(tmpdir(), 'vigil-cp-')), 'checkpoints.jsonl'));
  let upTo = 0;
  const cp = new AuditCheckpointer({
    key, file, every, intervalMs: 60_000,
    head: async () => (upTo ? { seq: upTo, hash: entries[upTo - 1].hash } : null),
    entriesAfter: async function* (seq) {
      yield entries.slice(seq, upTo);
    },
  });
  // Entries arrive over time; the checkpointer runs now and then.
  for (upTo = 37; upTo < entries.length; upTo += 53) await cp.checkpoint({ force: true });
  upTo = entries.length;
  await cp.close();
  return file.read();
}

test('an intact log verifies against its checkpoints', async () => {
  const key = tempKey();
  const log = makeLog(1000);
  const cps = await checkpointed(log, 100, key);
  assert.ok(cps.length >= 10);
  assert.equal(Math.max(...cps.map((c) => c.seq)), 1000);
  const r = await verifyAuditChain(log, { checkpoints: cps, publicKey: key.publicKey });
  assert.deepEqual(r, { ok: true, count: 1000, checkpoints: cps.length, lastCheckpointSeq: 1000 });
});

test('H1 attack 1: the last 50 entries deleted — the chain alone says intact, the checkpoints do not', async () => {
  const key = tempKey();
  const log = makeLog(1000);
  const cps = await checkpointed(log, 100, key);
  const cut = log.slice(0, 950);
  assert.deepEqual(await verifyAuditChain(cut), { ok: true, count: 950 }, 'what the review saw');
  const r = await verifyAuditChain(cut, { checkpoints: cps, publicKey: key.publicKey });
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.reason === 'missing entries (cut tail)' && r.firstBad === 951, JSON.stringify(r));
});

test('H1 attack 2: 13 entries of one user deleted and the chain recomputed with auditHash — fails at the first entry that differs', async () => {
  const key = tempKey();
  const log = makeLog(1000);
  const cps = await checkpointed(log, 100, key);
  const victims = log.filter((e) => e.actor === 'u-bo' && e.seq > 400).slice(0, 13);
  const gone = new Set(victims.map((e) => e.seq));
  const forged = rechain(log.filter((e) => !gone.has(e.seq)));
  assert.deepEqual(await verifyAuditChain(forged), { ok: true, count: 987 }, 'what the review saw');
  const r = await verifyAuditChain(forged, { checkpoints: cps, publicKey: key.publicKey });
  assert.equal(r.ok, false);
  // The first removed entry's seq now holds the entry after it: that is the first entry that differs.
  assert.ok(!r.ok && r.reason === 'differs from a signed checkpoint' && r.firstBad === victims[0].seq, JSON.stringify(r));
});

test('H1 attack 3: a rewritten stretch padded to the same length still differs (one entry\'s reason changed, all hashes recomputed)', async () => {
  const key = tempKey();
  const log = makeLog(500);
  const cps = await checkpointed(log, 64, key);
  const edited = log.map((e) => (e.seq === 321 ? { ...e, details: { reason: 'routine check' } } : e));
  const forged = rechain(edited);
  const r = await verifyAuditChain(forged, { checkpoints: cps, publicKey: key.publicKey });
  assert.ok(!r.ok && r.firstBad === 321 && r.reason === 'differs from a signed checkpoint', JSON.stringify(r));
});

test('checkpoints the attacker signs with their own key, or edits, are refused', async () => {
  const key = tempKey();
  const log = makeLog(200);
  const cps = await checkpointed(log, 50, key);
  const forged = rechain(log.slice(0, 150));
  const own = tempKey();
  const theirs = signCheckpoint(own, { seq: 150, hash: forged[149].hash, prevSeq: 0, fingerprints: forged.map((e) => e.hash.slice(0, 4)).join(''), signedAt: Date.now() });
  const r1 = await verifyAuditChain(forged, { checkpoints: [theirs], publicKey: key.publicKey });
  assert.ok(!r1.ok && r1.reason === 'checkpoint invalid' && /signed by key/.test(r1.detail ?? ''), JSON.stringify(r1));
  const edited = { ...cps[cps.length - 1], seq: 150, keyId: keyIdOf(key.publicKey) };
  const r2 = await verifyAuditChain(forged, { checkpoints: [...cps.slice(0, -1), edited], publicKey: key.publicKey });
  assert.ok(!r2.ok && r2.reason === 'checkpoint invalid', JSON.stringify(r2));
});

test('verification needs only the public key (PEM from the .pub file)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-key-'));
  const key = loadOrCreateServerKey(dir);
  const log = makeLog(120);
  const cps = await checkpointed(log, 50, key);
  const pub = createPublicKey(readFileSync(path.join(dir, 'export-ed25519.pub'), 'utf8'));
  assert.equal((await verifyAuditChain(log, { checkpoints: cps, publicKey: pub })).ok, true);
  const { publicKey: other } = generateKeyPairSync('ed25519');
  assert.equal((await verifyAuditChain(log, { checkpoints: cps, publicKey: other })).ok, false);
});

test('the checkpointer refuses to sign a history that changed under it', async () => {
  const key = tempKey();
  let log = makeLog(100);
  const file = new CheckpointFile(path.join(mkdtempSync(path.join(tmpdir(), 'vigil-cp-')), 'checkpoints.jsonl'));
  let tampered: Error | null = null;
  const cp = new AuditCheckpointer({
    key, file, every: 10, intervalMs: 60_000,
    head: async () => ({ seq: log.length, hash: log[log.length - 1].hash }),
    entriesAfter: async function* (seq) {
      yield log.slice(seq);
    },
    onTamper: (err) => (tampered = err),
  });
  await cp.checkpoint({ force: true });
  const before = file.read().length;
  assert.equal(before, 10);
  // Rewrite entry 90 and re-chain, then add entries: the next checkpoint would vouch for the forgery.
  log = rechain([...log.slice(0, 89), { ...log[89], details: { reason: 'nothing to see' } }, ...log.slice(90), ...makeLog(120).slice(100)]);
  await cp.checkpoint({ force: true });
  assert.ok(tampered, 'tamper reported');
  assert.equal(file.read().length, before, 'nothing signed');
});

test('a torn last line of the checkpoint file is skipped, not trusted', async () => {
  const key = tempKey();
  const log = makeLog(60);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cp-'));
  const f = path.join(dir, 'checkpoints.jsonl');
  const file = new CheckpointFile(f);
  const c = signCheckpoint(key, { seq: 60, hash: log[59].hash, prevSeq: 0, fingerprints: log.map((e) => e.hash.slice(0, 4)).join(''), signedAt: 1 });
  file.append([c]);
  const { appendFileSync } = await import('node:fs');
  appendFileSync(f, JSON.stringify(c).slice(0, 40));
  assert.equal(readCheckpointFile(f).length, 1);
  file.append([c]);
  assert.equal(readCheckpointFile(f).length, 2, 'the next append starts on a fresh line');
});
