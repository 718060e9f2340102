// The transparency report over a large audit log (issue 13): N audit entries (default 10 M) spread
// over 12 months and the report's actions plus others, written straight into an embedded (SQLite)
// store's audit_log (the hash chain is not what is measured: the report only counts), then the
// report built through the store as the server builds it. Prints a table, then RESULT {json}.
// Usage: npm run bench:privacy-report -- [--entries 10000000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../src/store/index.ts';
import { REPORT_ACTIONS, buildTransparencyReport } from '../src/privacy/index.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '10000000' } } });
const N = Number(values.entries);
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-report-'));
const file = path.join(dir, 'vigil.db');
try {
  (await openStore({ kind: 'sqlite', path: file })).close();
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
  const loadS = (Date.now() - t0) / 1000;

  const store = await openStore({ kind: 'sqlite', path: file });
  const t1 = Date.now();
  const daily = await store.auditDailyCounts(Object.values(REPORT_ACTIONS));
  const report = buildTransparencyReport({ now: Date.now(), cameras: [], daily, checkpoint: null });
  const reportS = (Date.now() - t1) / 1000;
  await store.close();
  const total = report.months.reduce((n, m) => n + m.liveViews + m.playbacks + m.exports + m.maskLifts + m.evidenceLocks, 0);
  console.log('audit entries'.padEnd(34), N);
  console.log('load (not measured for the report)'.padEnd(34), `${loadS.toFixed(1)} s`);
  console.log('report build (SQLite, one GROUP BY)'.padEnd(34), `${reportS.toFixed(2)} s`);
  console.log('months / counted entries'.padEnd(34), `${report.months.length} / ${total}`);
  console.log('RESULT ' + JSON.stringify({ entries: N, report_s: Number(reportS.toFixed(3)), months: report.months.length, counted: total }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
