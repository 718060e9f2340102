// Copies of a node's signed audit checkpoints held by another node, through a real NATS JetStream.
// The attacker owns node A outright: its database access, its checkpoint file and its private key.
// They delete one user's entries, recompute the chain with the project's own hash, and re-sign a
// fresh checkpoint file over the forgery, which then verifies on A. Node B's copy of what A had
// signed before catches it (at the first entry that differs), catches a cut tail, and sees A's
// re-signing as a conflict; checkpoints not signed by the key they came with are not kept.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { startNats, type TestNats } from '../helpers/nats.ts';
import { AuditCopies, copyFileOf } from '../../src/cluster/index.ts';
import {
  AuditCheckpointer, CheckpointFile, GENESIS_HASH, auditHash, loadOrCreateServerKey, readCheckpointFile, readPublicKey, signCheckpoint, verifyAuditChain,
  type AuditEntry, type AuditHashInput, type Checkpoint,
} from '../../src/audit/index.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-audit-copies-'));
let nats: TestNats | null = null;
const running: AuditCopies[] = [];
after(async () => {
  for (const r of running) await r.close();
  await nats?.stop();
  rmSync(tmp, { recursive: true, force: true });
});
const logger = pino({ level: process.env.DEBUG_COPIES ? 'debug' : 'silent' });

function chainOf(rows: Omit<AuditHashInput, 'seq'>[]): AuditEntry[] {
  let prev = GENESIS_HASH;
  return rows.map((r, i) => {
    const e = { ...r, seq: i + 1 };
    const hash = auditHash(prev, e);
    const out = { ...e, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A's checkpointer over an in-memory log: what a node's composition root wires, minus the database. */
function checkpointerOver(log: { entries: AuditEntry[] }, key: ReturnType<typeof loadOrCreateServerKey>, file: CheckpointFile, onWritten: (c: Checkpoint[]) => void) {
  return new AuditCheckpointer({
    key, file, every: 25, intervalMs: 60_000, onWritten,
    head: async () => (log.entries.length ? { seq: log.entries.length, hash: log.entries[log.entries.length - 1].hash } : null),
    entriesAfter: async function* (seq) { yield log.entries.slice(seq); },
  });
}

test('node B keeps copies of node A\'s checkpoints; A\'s rewritten and re-signed log verifies on A and fails against B\'s copy', async () => {
  nats = await startNats();
  const keyA = loadOrCreateServerKey(path.join(tmp, 'a', 'keys'));
  const keyB = loadOrCreateServerKey(path.join(tmp, 'b', 'keys'));
  const copiesB = path.join(tmp, 'b', 'audit', 'copies');
  const conflicts: string[] = [];
  const a = new AuditCopies({ nodeId: 'node-a', natsUrl: nats.url, logger, publicKeyBase64: keyA.publicKeyBase64, copiesDir: path.join(tmp, 'a', 'audit', 'copies') });
  const b = new AuditCopies({ nodeId: 'node-b', natsUrl: nats.url, logger, publicKeyBase64: keyB.publicKeyBase64, copiesDir: copiesB, onConflict: (d) => conflicts.push(d) });
  running.push(a, b);

  // A signs checkpoints of 200 entries (every 25) before B even starts: B's durable consumer reads the stream from its start.
  const rows = Array.from({ length: 200 }, (_, i) => ({ ts: 1_795_000_000_000 + i, actor: i % 3 === 0 ? 'usr_bo' : 'usr_ana', action: 'recording.play', cameraId: `cam-${i % 7}`, ip: '198.51.100.7', details: { purpose: `case ${i}` } }));
  const log = { entries: chainOf(rows) };
  const fileA = new CheckpointFile(path.join(tmp, 'a', 'audit', 'checkpoints.jsonl'));
  a.start(fileA.read());
  const cpA = checkpointerOver(log, keyA, fileA, (c) => a.publish(c));
  await cpA.checkpoint({ force: true });
  assert.equal(fileA.read().length, 8);
  b.start();
  const copy = copyFileOf(copiesB, 'node-a', keyA.keyId);
  await until('B\'s copy of A\'s 8 checkpoints', () => existsSync(copy.checkpoints) && readCheckpointFile(copy.checkpoints).length === 8);
  const pubFromCopy = readPublicKey(readFileSync(copy.publicKey, 'utf8'));
  assert.deepEqual((await verifyAuditChain(log.entries, { checkpoints: readCheckpointFile(copy.checkpoints), publicKey: pubFromCopy })), { ok: true, count: 200, checkpoints: 8, lastCheckpointSeq: 200 });
  assert.equal(b.stats.copied, 8);
  await until('A\'s own checkpoints are not copied back to A', () => a.stats.published === 8);
  assert.equal(existsSync(path.join(tmp, 'a', 'audit', 'copies')), false);

  // The attack, on A: 13 of bo's entries deleted, the chain recomputed, A's checkpoint file replaced by fresh ones A's key signs.
  const victims = new Set(log.entries.filter((e) => e.actor === 'usr_bo').slice(5, 18).map((e) => e.seq));
  const firstVictim = Math.min(...victims);
  log.entries = chainOf(log.entries.filter((e) => !victims.has(e.seq)).map(({ seq: _s, prevHash: _p, hash: _h, ...r }) => r));
  rmSync(fileA.file);
  const forgedCps: Checkpoint[] = [];
  let prevSeq = 0;
  for (let seq = 25; seq <= log.entries.length; seq += 25) {
    const e = log.entries[seq - 1];
    forgedCps.push(signCheckpoint(keyA, { seq, hash: e.hash, prevSeq, fingerprints: log.entries.slice(prevSeq, seq).map((x) => x.hash.slice(0, 4)).join(''), signedAt: Date.now() }));
    prevSeq = seq;
  }
  fileA.append(forgedCps);
  const onA = await verifyAuditChain(log.entries, { checkpoints: readCheckpointFile(fileA.file), publicKey: keyA.publicKey });
  assert.equal(onA.ok, true, 'on A alone the forgery verifies: the attacker holds A\'s key');

  const againstB = await verifyAuditChain(log.entries, { checkpoints: readCheckpointFile(copy.checkpoints), publicKey: pubFromCopy });
  assert.equal(againstB.ok, false);
  assert.equal(!againstB.ok && againstB.reason, 'differs from a signed checkpoint');
  assert.equal(!againstB.ok && againstB.firstBad, firstVictim);

  // A cut tail (the last 30 of the original entries gone) against B's copy.
  const cut = chainOf(rows).slice(0, 170);
  const cutR = await verifyAuditChain(cut, { checkpoints: readCheckpointFile(copy.checkpoints), publicKey: pubFromCopy });
  assert.deepEqual(!cutR.ok && [cutR.reason, cutR.firstBad], ['missing entries (cut tail)', 171]);

  // A's relay publishes the re-signed checkpoints: B keeps them too and reports the conflict.
  a.publish(forgedCps);
  await until('B notices A re-signed', () => conflicts.length > 0);
  assert.match(conflicts[0], /node node-a .* signed entry 25 twice with different hashes/);

  // A restarted with its file: what the stream already holds of it is not sent again; what is new is.
  await until('A sent the re-signed ones', () => a.stats.published === 15);
  const a2 = new AuditCopies({ nodeId: 'node-a', natsUrl: nats.url, logger, publicKeyBase64: keyA.publicKeyBase64, copiesDir: path.join(tmp, 'a', 'audit', 'copies') });
  running.push(a2);
  a2.start(fileA.read());
  const next = signCheckpoint(keyA, { seq: 187, hash: log.entries[186].hash, prevSeq: 175, fingerprints: log.entries.slice(175).map((x) => x.hash.slice(0, 4)).join(''), signedAt: Date.now() });
  a2.publish([next]);
  await until('the new one sent', () => a2.stats.published === 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(a2.stats.published, 1, 'the 7 already in the stream were not sent again');
});

test('a checkpoint published with a key that did not sign it, or garbage, is not kept', async () => {
  assert.ok(nats);
  const keyC = loadOrCreateServerKey(path.join(tmp, 'c', 'keys'));
  const keyD = loadOrCreateServerKey(path.join(tmp, 'd', 'keys'));
  const copiesE = path.join(tmp, 'e', 'copies');
  const keyE = loadOrCreateServerKey(path.join(tmp, 'e', 'keys'));
  const e = new AuditCopies({ nodeId: 'node-e', natsUrl: nats.url, logger, publicKeyBase64: keyE.publicKeyBase64, copiesDir: copiesE });
  running.push(e);
  e.start();
  // A's 8 checkpoints and the 7 it re-signed over the 187 forged entries.
  await until('e has read the stream so far', () => e.stats.copied + e.stats.refused >= 15).catch((err) => { throw new Error(`${err.message}: ${JSON.stringify(e.stats)}`); });
  const before = e.stats.refused;
  // Someone with access to NATS publishes as node-c: D's checkpoint sent with C's key, and a line of garbage.
  const nc = await connect({ servers: nats.url });
  const js = jetstream(nc);
  const forged = signCheckpoint(keyD, { seq: 1, hash: 'f'.repeat(64), prevSeq: 0, fingerprints: 'ffff', signedAt: Date.now() });
  await js.publish('vigil.audit.checkpoints.node-c', JSON.stringify({ node: 'node-c', publicKey: keyC.publicKeyBase64, checkpoint: forged }));
  await js.publish('vigil.audit.checkpoints.node-c', JSON.stringify({ node: '../../etc', publicKey: keyD.publicKeyBase64, checkpoint: forged }));
  await js.publish('vigil.audit.checkpoints.node-c', 'not json');
  await nc.drain();
  await until('the three refused', () => e.stats.refused === before + 3);
  assert.equal(existsSync(copyFileOf(copiesE, 'node-c', keyC.keyId).checkpoints), false);
  assert.equal(existsSync(copyFileOf(copiesE, 'node-c', keyD.keyId).checkpoints), false);
});
