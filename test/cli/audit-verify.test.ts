// `vigil audit verify` against the review's attacks on a real installation's database file: the
// tail deleted, and one user's entries deleted with the chain recomputed (project's own hash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startTestVigil } from '../helpers/vigil-instance.ts';
import { AuthService } from '../../src/access/index.ts';
import { auditHash, GENESIS_HASH } from '../../src/audit/index.ts';

const MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.ts');
function vigil(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--no-warnings', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Row = { seq: number; ts: number; actor: string; action: string; camera_id: string | null; ip: string | null; details: string };

/** Rewrites audit_log from `rows` with fresh seqs and hashes, as an attacker with the source would. */
function rechainTable(db: DatabaseSync, rows: Row[]): void {
  db.exec('BEGIN');
  db.exec('DELETE FROM audit_log');
  let prev = GENESIS_HASH;
  const ins = db.prepare('INSERT INTO audit_log (seq, ts, actor, action, camera_id, ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  rows.forEach((r, i) => {
    const e = { seq: i + 1, ts: r.ts, actor: r.actor, action: r.action, cameraId: r.camera_id, ip: r.ip, details: JSON.parse(r.details) as Record<string, unknown> };
    const hash = auditHash(prev, e);
    ins.run(e.seq, e.ts, e.actor, e.action, e.cameraId, e.ip, r.details, prev, hash);
    prev = hash;
  });
  db.exec('COMMIT');
}

test('vigil audit verify: a cut tail and a recomputed chain both fail against the signed checkpoints, offline', async () => {
  const v = await startTestVigil({ audit: { checkpointEvery: 25 }, cameras: [{ id: 'gate', name: 'Gate', url: 'rtsp://127.0.0.1:9/x' }] });
  try {
  const auth = new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 50, loginWindowSeconds: 60 });
  await auth.createUser('ana', 'quiet-harbour-4142', 'operator', 'test');
  await auth.createUser('bo', 'silver-lantern-7788', 'operator', 'test');
  for (let i = 0; i < 40; i++) {
    for (const [name, pw] of [['ana', 'quiet-harbour-4142'], ['bo', 'silver-lantern-7788']]) {
      v.cookie = null;
      assert.equal((await v.login(name, pw)).status, 200);
      assert.equal((await v.http(`/api/cameras/gate/recordings?from=0&to=${1000 + i}`)).status, 200);
    }
  }
  } finally {
    await v.close(); // the last checkpoint is written at shutdown
  }
  const dataDir = v.dataDir;
  const env = { VIGIL_DATA_DIR: dataDir };
  const intact = vigil(['audit', 'verify'], env);
  assert.equal(intact.code, 0, intact.out + intact.err);
  assert.match(intact.out, /intact: \d+ entries; checked against \d+ signed checkpoints/);

  const dbPath = path.join(dataDir, 'vigil.db');
  const pristine = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-db-')), 'copy.db');
  copyFileSync(dbPath, pristine);

  // Attack 1: delete the last 50 entries.
  let db = new DatabaseSync(dbPath);
  const total = Number((db.prepare('SELECT MAX(seq) AS n FROM audit_log').get() as { n: number }).n);
  db.prepare('DELETE FROM audit_log WHERE seq > ?').run(total - 50);
  db.close();
  const cut = vigil(['audit', 'verify'], env);
  assert.equal(cut.code, 1, cut.out);
  assert.match(cut.out, new RegExp(`BROKEN at entry ${total - 49}: missing entries \\(cut tail\\)`));

  // Attack 2: delete 13 of bo's entries and recompute the chain with the project's own hash.
  copyFileSync(pristine, dbPath);
  db = new DatabaseSync(dbPath);
  const bo = (db.prepare("SELECT id FROM users WHERE username = 'bo'").get() as { id: string }).id;
  const rows = db.prepare('SELECT seq, ts, actor, action, camera_id, ip, details FROM audit_log ORDER BY seq').all() as Row[];
  const victims = rows.filter((r) => r.actor === bo).slice(5, 18).map((r) => r.seq);
  rechainTable(db, rows.filter((r) => !victims.includes(r.seq)));
  db.close();
  const forged = vigil(['audit', 'verify'], env);
  assert.equal(forged.code, 1, forged.out);
  assert.match(forged.out, new RegExp(`BROKEN at entry ${victims[0]}: differs from a signed checkpoint`));

  // Offline, elsewhere: a copy of the database, the checkpoint file and the public key only.
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'vigil-offline-'));
  copyFileSync(pristine, path.join(elsewhere, 'vigil.db'));
  copyFileSync(path.join(dataDir, 'audit', 'checkpoints.jsonl'), path.join(elsewhere, 'copy-of-checkpoints.jsonl'));
  writeFileSync(path.join(elsewhere, 'server.pub'), readFileSync(path.join(dataDir, 'keys', 'export-ed25519.pub')));
  const offline = vigil(['audit', 'verify', '--checkpoints', path.join(elsewhere, 'copy-of-checkpoints.jsonl'), '--public-key', path.join(elsewhere, 'server.pub')], { VIGIL_DATA_DIR: elsewhere });
  assert.equal(offline.code, 0, offline.out + offline.err);
  assert.match(offline.out, /checked against \d+ signed checkpoints/);

  // The attacker of attack 2 also deletes this node's checkpoint file. A copy another node kept
  // (in a cluster: <dataDir>/audit/copies, docs/cluster.md) still catches the rewrite.
  const copies = mkdtempSync(path.join(tmpdir(), 'vigil-copies-'));
  copyFileSync(path.join(dataDir, 'audit', 'checkpoints.jsonl'), path.join(copies, 'node-x-0123456789abcdef.jsonl'));
  copyFileSync(path.join(dataDir, 'keys', 'export-ed25519.pub'), path.join(copies, 'node-x-0123456789abcdef.pub'));
  rmSync(path.join(dataDir, 'audit', 'checkpoints.jsonl'));
  const alone = vigil(['audit', 'verify'], env);
  assert.equal(alone.code, 0, 'without checkpoints the recomputed chain looks intact');
  assert.match(alone.out, /warning: no signed checkpoints found/);
  const withCopies = vigil(['audit', 'verify', '--copies', copies], env);
  assert.equal(withCopies.code, 1, withCopies.out + withCopies.err);
  assert.match(withCopies.out, new RegExp(`copy node-x-0123456789abcdef: BROKEN at entry ${victims[0]}: differs from a signed checkpoint`));
});
