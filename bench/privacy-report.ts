// The transparency report over a large audit log (issue 13): N audit entries (default 10 M) spread
// over 12 months and the report's actions plus others, written straight into an embedded (SQLite)
// store's audit_log (the hash chain is not what is measured: the report only counts), then the
// report built through the store as the server builds it. Prints a table, then RESULT {json}.
// --db FILE: an existing embedded database instead (e.g. bench:audit's cached 10 M-entry log in
// <tmpdir>/vigil-bench-audit-cache/): brought to the current schema first (outside the timed part),
// then the report built over whatever its audit_log holds; --entries is then what the file holds.
// Cold (report_s): the store opened in this process (a new SQLite connection: its own cache empty)
// and then the database file's pages dropped from the kernel's page cache (bench/lib/page-cache.ts;
// fincore confirms none is left), so the report reads what it needs from the disk. Warm
// (report_warm_s): the same report again at once. A freshly generated log is cold only because of
// the eviction: written moments before, it would otherwise be all in memory.
// Usage: npm run bench:privacy-report -- [--entries 10000000] [--db FILE]
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../src/store/index.ts';
import { evictFromPageCache, residentBytes } from './lib/page-cache.ts';
import { REPORT_ACTIONS, buildTransparencyReport } from '../src/privacy/index.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '10000000' }, db: { type: 'string' } } });
let N = Number(values.entries);
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-report-'));
const file = values.db ? path.resolve(values.db) : path.join(dir, 'vigil.db');
if (values.db && !existsSync(file)) throw new Error(`--db: no file ${file}`);
try {
  // Migrations (on a reused file: the report's index on a large log) outside the timed part.
  await (await openStore({ kind: 'sqlite', path: file })).close();
  let loadS = 0;
  if (values.db) {
    const db = new DatabaseSync(file, { readOnly: true });
    N = Number((db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n);
    db.close();
  } else {
    const db = new DatabaseSync(file);
    const insert = db.prepare('INSERT INTO audit_log (seq, ts, actor, action, camera_id, ip, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const actions = ['live.start', 'live.stop', 'recording.play', 'recording.list', 'export.create', 'mask.lift', 'evidence.lock', 'login.success', 'snapshot.view'];
    const details = ['{"via":"stream"}', '{"via":"hls"}', '{"via":"hls-segment"}', '{}'];
    const start = Date.UTC(2026, 0, 1);
    const span = 365 * 86_400_000;
    const t0 = Date.now();
    db.exec('BEGIN');
    for (let i = 1; i <= N; i++) {
      insert.run(i, start + Math.floor((i / N) * span), `user_${i % 500}`, actions[i % actions.length], `cam${i % 1000}`, null, details[i % details.length], 'x', 'y');
      if (i % 1_000_000 === 0) { db.exec('COMMIT'); db.exec('BEGIN'); }
    }
    db.exec('COMMIT');
    db.close();
    loadS = (Date.now() - t0) / 1000;
  }

  const files = [file, `${file}-wal`, `${file}-shm`];
  const sizeMb = Number(statSync(file).size) / 2 ** 20;
  const store = await openStore({ kind: 'sqlite', path: file });
  const cachedBeforeMb = residentBytes(file) / 2 ** 20;
  const leftMb = evictFromPageCache(files) / 2 ** 20;
  const actions = Object.values(REPORT_ACTIONS);
  const t1 = performance.now();
  const daily = await store.auditDailyCounts(actions);
  const report = buildTransparencyReport({ now: Date.now(), cameras: [], daily, checkpoint: null });
  const reportS = (performance.now() - t1) / 1000;
  // What the cold build brought into memory: the pages it read (index and table).
  const readMb = residentBytes(file) / 2 ** 20;
  const t2 = performance.now();
  const again = buildTransparencyReport({ now: Date.now(), cameras: [], daily: await store.auditDailyCounts(actions), checkpoint: null });
  const warmS = (performance.now() - t2) / 1000;
  await store.close();
  const total = report.months.reduce((n, m) => n + m.liveViews + m.playbacks + m.exports + m.exportApprovals + m.exportRefusals + m.maskLifts + m.evidenceLocks, 0);
  if (JSON.stringify(again.months) !== JSON.stringify(report.months)) throw new Error('the warm report differs from the cold one');
  const row = (k: string, v: string) => console.log(k.padEnd(40), v);
  row('audit entries', String(N));
  row(values.db ? 'database (reused)' : 'load (not measured for the report)', values.db ? file : `${loadS.toFixed(1)} s`);
  row('database file', `${sizeMb.toFixed(0)} MiB; ${cachedBeforeMb.toFixed(0)} MiB in the page cache before, ${leftMb.toFixed(1)} MiB after dropping it`);
  row('report build, cold (SQLite)', `${reportS.toFixed(2)} s, ${readMb.toFixed(0)} MiB of the file read in`);
  row('report build, warm (same again)', `${warmS.toFixed(2)} s`);
  row('months / counted entries', `${report.months.length} / ${total}`);
  console.log('RESULT ' + JSON.stringify({
    entries: N, report_s: Number(reportS.toFixed(3)), report_warm_s: Number(warmS.toFixed(3)), cold_read_mib: Math.round(readMb), db_mib: Math.round(sizeMb),
    page_cache_left_mib: Number(leftMb.toFixed(1)), months: report.months.length, counted: total, reused_db: values.db ? file : null,
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
