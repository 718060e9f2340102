// `vigil audit verify` after the audit log's retention cut its start (issue 13): an installation's
// folder as the server leaves it (database, checkpoints, prune records, key), checked offline by the
// command. The policy's cut verifies and is reported; the attacker's extra cut, and the same log
// without its prune records, fail naming the entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, readAuditLog } from '../../src/store/index.ts';
import { AuditCheckpointer, AuditPruner, CheckpointFile, PruneFile, loadOrCreateServerKey, pruneFileFor } from '../../src/audit/index.ts';

const MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
function vigil(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--no-warnings', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('vigil audit verify: a log cut by the retention policy verifies from the signed cut; a further cut, or the records gone, fails', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-audit-retention-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const now = Date.now();
  const store = await openStore({ kind: 'sqlite', path: path.join(dataDir, 'vigil.db') });
  const key = loadOrCreateServerKey(path.join(dataDir, 'keys'));
  const checkpoints = new CheckpointFile(path.join(dataDir, 'audit', 'checkpoints.jsonl'));
  const checkpointer = new AuditCheckpointer({ key, file: checkpoints, every: 10, intervalMs: 60_000, head: () => store.auditHead(), entriesAfter: (s) => readAuditLog(store, 500, s) });
  try {
    for (let i = 0; i < 30; i++) await store.appendAudit({ actor: 'usr_1', action: 'recording.play', cameraId: 'gate', details: { i }, ts: now - 800 * 86_400_000 + i });
    for (let i = 0; i < 15; i++) await store.appendAudit({ actor: 'usr_2', action: 'live.start', cameraId: 'gate', details: { i } });
    await checkpointer.checkpoint({ force: true });
    const pruner = new AuditPruner({
      key, prunes: new PruneFile(pruneFileFor(checkpoints.file)), checkpoints: () => checkpoints.read(), checkpointedSeq: () => checkpointer.latestSeq,
      candidate: (q) => store.auditPruneCandidate(q), entriesAfter: (s) => readAuditLog(store, 500, s),
      deleteThrough: (q) => store.pruneAudit(q, { actor: 'system', action: 'audit.prune', details: q.details }),
    });
    const step = await pruner.pruneOnce(730, 100_000);
    assert.equal(step?.deleted, 30);
    await checkpointer.close();
  } finally {
    await store.close();
  }
  const env = { VIGIL_DATA_DIR: dataDir };
  const ok = vigil(['audit', 'verify'], env);
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /entries 1\.\.30 were deleted by the audit log's retention policy \(signed prune record of .*\); the chain is checked from entry 31/);
  assert.match(ok.out, /audit chain intact: 16 entries; checked against \d+ signed checkpoints/);

  // The attacker deletes three more entries at the start: they were not the policy's to delete.
  const db = new DatabaseSync(path.join(dataDir, 'vigil.db'));
  db.prepare('DELETE FROM audit_log WHERE seq BETWEEN 31 AND 33').run();
  db.close();
  const cut = vigil(['audit', 'verify'], env);
  assert.equal(cut.code, 1, cut.out);
  assert.match(cut.out, /BROKEN at entry 31: missing entry \(seq gap\)/);
  assert.match(cut.out, /entries 31\.\.33 are gone and no signed prune record of the retention policy vouches for their deletion/);

  // Without the prune records, the log's start is unexplained from entry 1.
  renameSync(pruneFileFor(checkpoints.file), path.join(dataDir, 'elsewhere.jsonl'));
  const none = vigil(['audit', 'verify'], env);
  assert.equal(none.code, 1, none.out);
  assert.match(none.out, /BROKEN at entry 1: missing entry \(seq gap\)/);
  // ... and given back from a copy kept elsewhere (--prunes), the cut is explained again (the attack still shows).
  const copy = vigil(['audit', 'verify', '--prunes', path.join(dataDir, 'elsewhere.jsonl')], env);
  assert.match(copy.out, /BROKEN at entry 31: missing entry \(seq gap\)/);
});
