// Audit log speed: appends/s on the embedded store with signed checkpoints running, and
// `vigil audit verify` (chain + checkpoints) over 10 million entries.
//   node bench/audit.ts [--appends 30000] [--concurrency 64] [--entries 10000000] [--fresh]
// The 10 M entries are generated straight into a SQLite file (hashes computed with auditHash,
// details stored as canonical JSON as the store writes them, one transaction per 100,000 rows) with
// checkpoints every 1000 entries, then verified exactly as the CLI does (its own read-only
// connection, streamed, verifyAuditChain with the checkpoints and public key).
// Generating 10 M entries takes minutes on a shared machine, so the database, its checkpoint file
// and its key are kept in <tmpdir>/vigil-bench-audit-cache/<tag> and reused by the next run; the tag
// covers the hash layout (the text of a sample entry) and the sizes, so a change to either
// generates afresh; a reused database is first brought to the current schema (as `vigil audit
// verify` would on an older file), outside the timed part. --fresh always regenerates.
// Last line: RESULT {"appends_per_s":…,"verify_10m_s":…}.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { openStore, readAuditLog, readAuditLogFile, MIGRATIONS } from '../src/store/index.ts';
import {
  AuditCheckpointer, CheckpointFile, GENESIS_HASH, canonicalJson, auditHash, auditHashBody, fingerprintOf, loadOrCreateServerKey, readCheckpointFile, signCheckpoint, verifyAuditChain,
  type AuditHashInput, type Checkpoint, type ServerSigningKey,
} from '../src/audit/index.ts';
import type { KeyObject } from 'node:crypto';
import { machine, round } from './lib/bench-env.ts';

const { values } = parseArgs({
  options: { appends: { type: 'string', default: '30000' }, concurrency: { type: 'string', default: '64' }, entries: { type: 'string', default: '10000000' }, every: { type: 'string', default: '1000' }, fresh: { type: 'boolean', default: false } },
  strict: true,
});
const APPENDS = Number(values.appends);
const CONCURRENCY = Number(values.concurrency);
const ENTRIES = Number(values.entries);
const EVERY = Number(values.every);
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-audit-'));
const key = loadOrCreateServerKey(path.join(dir, 'keys'));

async function appendRate(concurrency: number, n: number): Promise<{ perS: number; checkpoints: number; verified: boolean }> {
  const sub = mkdtempSync(path.join(dir, 'append-'));
  const store = await openStore({ kind: 'sqlite', path: path.join(sub, 'vigil.db') });
  const file = new CheckpointFile(path.join(sub, 'checkpoints.jsonl'));
  const cp = new AuditCheckpointer({
    key, file, every: EVERY, intervalMs: 60_000,
    head: () => store.auditHead(),
    entriesAfter: (seq) => readAuditLog(store, 2000, seq),
  });
  cp.start(1000);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        await store.appendAudit({ actor: `usr_${w % 50}`, action: 'recording.play', cameraId: `cam-${i % 500}`, ip: '198.51.100.7', details: { from: 1_795_000_000_000 + i, to: 1_795_000_060_000 + i, purpose: `case ${i % 97}` } });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await cp.close();
  const checkpoints = file.read();
  const r = await verifyAuditChain(readAuditLog(store, 5000), { checkpoints, publicKey: key.publicKey });
  await store.close();
  return { perS: n / seconds, checkpoints: checkpoints.length, verified: r.ok && r.count === n };
}

/** 10 M entries written straight into the file, as fast as SQLite takes them, with their checkpoints. */
async function generate(n: number, sub: string, key: ServerSigningKey): Promise<number> {
  const dbPath = path.join(sub, 'vigil.db');
  // The schema as the store makes it (migrations), then a raw connection for the bulk load.
  await (await openStore({ kind: 'sqlite', path: dbPath })).close();
  const db = new DatabaseSync(dbPath);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF');
  const ins = db.prepare('INSERT INTO audit_log (seq, ts, actor, action, camera_id, ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const checkpoints: Checkpoint[] = [];
  const actions = ['live.start', 'live.stop', 'recording.list', 'recording.play', 'export.create', 'snapshot.view', 'alarm.ack'];
  const t0 = performance.now();
  let prev = GENESIS_HASH;
  let fps: string[] = [];
  let prevSeq = 0;
  db.exec('BEGIN');
  for (let seq = 1; seq <= n; seq++) {
    const details = { purpose: `case 2026/${seq % 997}`, from: 1_795_000_000_000 + seq };
    const e: AuditHashInput = { seq, ts: 1_795_000_000_000 + seq * 10, actor: `usr_${seq % 200}`, action: actions[seq % actions.length], cameraId: `cam-${seq % 5000}`, ip: '198.51.100.7', details };
    const hash = auditHash(prev, e);
    ins.run(seq, e.ts, e.actor, e.action, e.cameraId, e.ip, canonicalJson(details), prev, hash);
    fps.push(fingerprintOf(hash));
    if (seq % EVERY === 0 || seq === n) {
      checkpoints.push(signCheckpoint(key, { seq, hash, prevSeq, fingerprints: fps.join(''), signedAt: Date.now() }));
      fps = [];
      prevSeq = seq;
    }
    prev = hash;
    if (seq % 100_000 === 0) {
      db.exec('COMMIT');
      db.exec('BEGIN');
      if (seq % 1_000_000 === 0) process.stderr.write(`generated ${seq / 1e6} M\n`);
    }
  }
  db.exec('COMMIT');
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  const file = new CheckpointFile(path.join(sub, 'checkpoints.jsonl'));
  file.append(checkpoints);
  return (performance.now() - t0) / 1000;
}

/** The big database: reused from the cache when one of the same tag is complete, else generated there. */
async function bigDatabase(n: number): Promise<{ dbPath: string; checkpoints: Checkpoint[]; key: ServerSigningKey; seconds: number | null; bytes: number; cacheDir: string }> {
  const sample: AuditHashInput = { seq: 1, ts: 2, actor: 'a', action: 'b', cameraId: null, ip: null, details: { x: 1 } };
  const tag = createHash('sha256')
    .update(JSON.stringify([auditHashBody(sample), n, EVERY]))
    .digest('hex').slice(0, 12);
  const cacheDir = path.join(tmpdir(), 'vigil-bench-audit-cache', `${n}-${tag}`);
  const done = path.join(cacheDir, 'complete.json');
  let seconds: number | null = null;
  if (values.fresh || !existsSync(done)) {
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    seconds = await generate(n, cacheDir, loadOrCreateServerKey(path.join(cacheDir, 'keys')));
    writeFileSync(done, JSON.stringify({ entries: n, every: EVERY, generatedAt: new Date().toISOString(), seconds }));
  } else {
    process.stderr.write(`reusing ${cacheDir} (${readFileSync(done, 'utf8')})\n`);
    // Migrations that landed since it was generated, applied once here rather than in the timed verify.
    await (await openStore({ kind: 'sqlite', path: path.join(cacheDir, 'vigil.db') })).close();
  }
  const dbPath = path.join(cacheDir, 'vigil.db');
  return {
    dbPath, checkpoints: readCheckpointFile(path.join(cacheDir, 'checkpoints.jsonl')), key: loadOrCreateServerKey(path.join(cacheDir, 'keys')),
    seconds, bytes: statSync(dbPath).size, cacheDir,
  };
}


async function verifyBig(dbPath: string, checkpoints: Checkpoint[], publicKey: KeyObject): Promise<{ seconds: number; cpuSeconds: number; ok: boolean; count: number; rssMb: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const store = await openStore({ kind: 'sqlite', path: dbPath });
  // As `vigil audit verify` reads an embedded database: its own read-only connection, streamed.
  const r = await verifyAuditChain(readAuditLogFile(dbPath), { checkpoints, publicKey });
  await store.close();
  const cpu = process.cpuUsage(cpu0);
  // The process's peak (the run streams: it stays flat whatever the number of entries).
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, ok: r.ok, count: r.count, rssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

try {
  const env = machine();
  console.log(`machine: ${env.nproc} cores, ${env.cpu}, load ${env.loadavg}, ${env.node}; migrations ${MIGRATIONS.length}`);
  const one = await appendRate(1, Math.min(APPENDS, 5000));
  const many = await appendRate(CONCURRENCY, APPENDS);
  const big = await bigDatabase(ENTRIES);
  const v = await verifyBig(big.dbPath, big.checkpoints, big.key.publicKey);
  const loadAfter = loadavg().map((l) => l.toFixed(2)).join(' / ');
  console.log('');
  console.log('| figure | value |');
  console.log('|---|---|');
  console.log(`| appends/s, 1 writer (SQLite FULL, checkpoints every ${EVERY}) | ${Math.round(one.perS)} (${one.checkpoints} checkpoints, verified: ${one.verified}) |`);
  console.log(`| appends/s, ${CONCURRENCY} concurrent writers | ${Math.round(many.perS)} (${APPENDS} entries, ${many.checkpoints} checkpoints, verified: ${many.verified}) |`);
  console.log(`| ${big.seconds === null ? 'reused' : 'generated'} ${ENTRIES.toLocaleString('en')} entries + ${big.checkpoints.length} checkpoints | ${big.seconds === null ? 'from the cache' : `${round(big.seconds, 1)} s`}, ${Math.round(big.bytes / 2 ** 20)} MB (${big.cacheDir}) |`);
  console.log(`| verify ${ENTRIES.toLocaleString('en')} entries against the checkpoints | ${round(v.seconds, 1)} s wall, ${round(v.cpuSeconds, 1)} s CPU (ok: ${v.ok}, ${v.count} entries, peak RSS ${v.rssMb} MB; load after ${loadAfter}) |`);
  if (!v.ok || !many.verified) process.exitCode = 1;
  const verify10m = ENTRIES === 10_000_000 ? round(v.seconds, 1) : round((v.seconds * 10_000_000) / ENTRIES, 1);
  console.log(`RESULT ${JSON.stringify({ appends_per_s: Math.round(many.perS), appends_per_s_single: Math.round(one.perS), verify_10m_s: verify10m, verify_entries: ENTRIES, verify_s: round(v.seconds, 1), verify_cpu_s: round(v.cpuSeconds, 1), generate_s: big.seconds === null ? null : round(big.seconds, 1) })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
