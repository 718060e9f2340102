// Embedded database choice: SQLite (node:sqlite, WAL, synchronous FULL or NORMAL) against PGlite.
//   node bench/store-choice.ts [--rows 1000000] [--rounds 20]
// Per engine, in a child process of its own (so memory figures are its own): open time, single-row
// transactions/s, batched rows/s while loading --rows segment rows, reopen time of the loaded
// database, the store's segment range query over those rows, RSS and size on disk. Then kill -9
// durability rounds per engine. Last line: RESULT {json}.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killRounds, type KillMode, type KillRoundsResult } from './store-kill.ts';
import type { SqlDatabase, SqlParam, SqlRow, SqlSession } from '../src/store/sql-dialect.ts';

type Engine = 'sqlite-full' | 'sqlite-normal' | 'pglite';
const ENGINES: Engine[] = ['sqlite-full', 'sqlite-normal', 'pglite'];

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  }
  return total;
}

/** PGlite behind the store's SqlDatabase, so the benchmark runs the store's own SQL on it. */
async function openPglite(dir: string): Promise<SqlDatabase & { closeNow(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir);
  type Q = { query: (s: string, p?: unknown[]) => Promise<{ rows: unknown[]; affectedRows?: number }>; exec: (s: string) => Promise<unknown> };
  const session = (q: Q): SqlSession & { exec(sql: string): Promise<unknown> } => ({
    exec: (sql: string) => q.exec(sql),
    async query(sql: string, params: SqlParam[] = []) {
      return (await q.query(sql, params)).rows as SqlRow[];
    },
    async execute(sql: string, params: SqlParam[] = []) {
      return (await q.query(sql, params)).affectedRows ?? 0;
    },
  });
  const base = session(db as unknown as Q);
  return {
    dialect: 'postgres',
    query: base.query,
    execute: base.execute,
    async execScript(s, sql) {
      // Several statements need PGlite's simple-protocol exec, not query.
      await (s as SqlSession & { exec(sql: string): Promise<unknown> }).exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(session(tx as unknown as Q))),
    async close() {
      await db.close();
    },
    async closeNow() {
      await db.close();
    },
  };
}

async function openEngine(engine: Engine, dir: string): Promise<SqlDatabase> {
  if (engine === 'pglite') return openPglite(join(dir, 'pgdata'));
  const { openSqliteDatabase } = await import('../src/store/sqlite-database.ts');
  return openSqliteDatabase({ path: join(dir, 'vigil.sqlite'), synchronous: engine === 'sqlite-full' ? 'FULL' : 'NORMAL' });
}

const CAMERAS = 1000;
const SEGMENT_MS = 60_000;
const T0 = 1_795_000_000_000;

/** One engine's figures; runs in its own process. */
async function measure(engine: Engine, rows: number): Promise<Record<string, number>> {
  const { migrate } = await import('../src/store/migrations.ts');
  const { SqlStore } = await import('../src/store/sql-store.ts');
  const dir = mkdtempSync(join(tmpdir(), `vigil-bench-${engine}-`));
  try {
    let t = performance.now();
    let db = await openEngine(engine, dir);
    await migrate(db);
    const openEmptyMs = performance.now() - t;

    // Single-row transactions: one segment per commit, as a recorder closing segments does.
    const single = 'INSERT INTO segments (camera_id, start_ms, end_ms, path, bytes) VALUES ($1, $2, $3, $4, $5)';
    let n = 0;
    t = performance.now();
    while (n < 5000 && performance.now() - t < 4000) {
      await db.transaction((tx) => tx.execute(single, ['single', n, n + 1, 'single/x.mp4', 1]));
      n++;
    }
    const singleTxPerS = n / ((performance.now() - t) / 1000);

    // Batched: the bulk of the rows, 1000 per transaction, cameras interleaved in time order.
    const BATCH = 1000;
    const perCamera = Math.ceil(rows / CAMERAS);
    t = performance.now();
    let inserted = 0;
    if (engine === 'pglite') {
      const values = Array.from({ length: BATCH }, (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
      const multi = `INSERT INTO segments (camera_id, start_ms, end_ms, path, bytes) VALUES ${values}`;
      while (inserted < rows) {
        const params: SqlParam[] = [];
        for (let i = 0; i < BATCH; i++, inserted++) {
          const k = Math.floor(inserted / CAMERAS);
          const cam = `cam-${inserted % CAMERAS}`;
          params.push(cam, T0 + k * SEGMENT_MS, T0 + (k + 1) * SEGMENT_MS, `${cam}/${k}.mp4`, 4_000_000);
        }
        await db.transaction((tx) => tx.execute(multi, params));
      }
    } else {
      const raw = (db as unknown as { raw: import('node:sqlite').DatabaseSync }).raw;
      const st = raw.prepare('INSERT INTO segments (camera_id, start_ms, end_ms, path, bytes) VALUES (?, ?, ?, ?, ?)');
      while (inserted < rows) {
        raw.exec('BEGIN');
        for (let i = 0; i < BATCH; i++, inserted++) {
          const k = Math.floor(inserted / CAMERAS);
          const cam = `cam-${inserted % CAMERAS}`;
          st.run(cam, T0 + k * SEGMENT_MS, T0 + (k + 1) * SEGMENT_MS, `${cam}/${k}.mp4`, 4_000_000);
        }
        raw.exec('COMMIT');
      }
    }
    const batchedRowsPerS = inserted / ((performance.now() - t) / 1000);
    const rssAfterLoad = process.memoryUsage().rss;
    await db.close();

    t = performance.now();
    db = await openEngine(engine, dir);
    await migrate(db);
    const reopenLoadedMs = performance.now() - t;

    // The store's own range query: a camera, a random one-hour window.
    const store = new SqlStore(db);
    const lat: number[] = [];
    let returned = 0;
    const spanMs = perCamera * SEGMENT_MS;
    for (let q = 0; q < 2000; q++) {
      const cam = `cam-${Math.floor(Math.random() * CAMERAS)}`;
      const from = T0 + Math.floor(Math.random() * (spanMs - 3_600_000));
      const q0 = performance.now();
      returned += (await store.listSegments(cam, from, from + 3_600_000)).length;
      lat.push(performance.now() - q0);
    }
    lat.sort((a, b) => a - b);
    const rssAfterQueries = process.memoryUsage().rss;
    await db.close();
    return {
      rows: inserted,
      openEmptyMs: round(openEmptyMs),
      singleTxPerS: Math.round(singleTxPerS),
      batchedRowsPerS: Math.round(batchedRowsPerS),
      reopenLoadedMs: round(reopenLoadedMs),
      queryP50Ms: round(lat[lat.length >> 1], 3),
      queryP99Ms: round(lat[Math.floor(lat.length * 0.99)], 3),
      queryRowsAvg: round(returned / lat.length),
      rssAfterLoadMB: mb(rssAfterLoad),
      rssAfterQueriesMB: mb(rssAfterQueries),
      maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
      diskMB: mb(dirBytes(dir)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reopens a database after a kill: which ids survived, and does it open (and check) clean. */
async function killCheck(engine: Engine, path: string) {
  if (engine === 'pglite') {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(path);
    try {
      const seq = (await db.query<{ seq: number }>('SELECT seq::int AS seq FROM audit_log')).rows.map((r) => r.seq);
      const seg = (await db.query<{ s: number }>('SELECT start_ms::int AS s FROM segments')).rows.map((r) => r.s);
      // PGlite has no integrity_check; a clean reopen (WAL replay) and matching tables is the test.
      const integrity = seq.length === seg.length ? 'ok' : `audit_log ${seq.length} rows vs segments ${seg.length}`;
      return { ids: new Map([['c', new Set(seq)]]), integrity };
    } finally {
      await db.close();
    }
  }
  const { DatabaseSync } = await import('node:sqlite');
  const raw = new DatabaseSync(path);
  try {
    const integrity = (raw.prepare('PRAGMA integrity_check').all() as Record<string, unknown>[]).map((r) => String(Object.values(r)[0])).join('; ');
    const seq = (raw.prepare('SELECT seq FROM audit_log').all() as { seq: number }[]).map((r) => r.seq);
    const seg = new Set((raw.prepare('SELECT start_ms FROM segments').all() as { start_ms: number }[]).map((r) => r.start_ms));
    const both = new Set(seq.filter((s) => seg.has(s)));
    return { ids: new Map([['c', both]]), integrity: seq.length === seg.size ? integrity : `${integrity}; tables disagree` };
  } finally {
    raw.close();
  }
}

async function main(): Promise<void> {
  const engineArg = process.argv.indexOf('--engine');
  const rows = flag('rows', 1_000_000);
  if (engineArg >= 0) {
    const figures = await measure(process.argv[engineArg + 1] as Engine, rows);
    console.log(`RESULT ${JSON.stringify(figures)}`);
    return;
  }
  const rounds = flag('rounds', 20);
  const perf: Record<string, Record<string, number>> = {};
  for (const engine of ENGINES) {
    process.stderr.write(`measuring ${engine} with ${rows} rows...\n`);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--engine', engine, '--rows', String(rows)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const line = child.stdout.trim().split('\n').filter((l) => l.startsWith('RESULT ')).pop();
    if (!line) throw new Error(`${engine} benchmark failed:\n${child.stderr}`);
    perf[engine] = JSON.parse(line.slice(7));
  }
  const kill: Record<string, KillRoundsResult> = {};
  for (const engine of ENGINES) {
    process.stderr.write(`kill -9 rounds on ${engine}...\n`);
    const dir = mkdtempSync(join(tmpdir(), `vigil-kill-${engine}-`));
    try {
      const path = join(dir, engine === 'pglite' ? 'pgdata' : 'vigil.sqlite');
      kill[engine] = await killRounds({
        mode: engine as KillMode,
        path,
        rounds,
        minMs: 200,
        maxMs: 1500,
        check: (p) => killCheck(engine, p),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const keys = Object.keys(perf[ENGINES[0]]);
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad('figure', 22)}${ENGINES.map((e) => pad(e, 16)).join('')}`);
  for (const k of keys) console.log(`${pad(k, 22)}${ENGINES.map((e) => pad(String(perf[e][k]), 16)).join('')}`);
  for (const k of ['rounds', 'reportedCommits', 'lost', 'integrityFailures'] as const) {
    console.log(`${pad(`kill.${k}`, 22)}${ENGINES.map((e) => pad(String(kill[e][k]), 16)).join('')}`);
  }
  for (const e of ENGINES) for (const f of kill[e].failures) console.log(`${e}: ${f}`);
  console.log(`RESULT ${JSON.stringify({ rows, rounds, perf, kill })}`);
}

await main();
