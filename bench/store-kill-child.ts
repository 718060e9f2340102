// Child for the kill -9 durability test: commits transactions in a loop and prints each id on
// stdout only after its commit returned. The parent SIGKILLs it at a random moment.
//   node bench/store-kill-child.ts <sqlite-full|sqlite-normal|pglite|store> <path>
// stdout carries only "<kind> <id>" lines ("ready" first); node's warnings go to stderr.
import { writeSync } from 'node:fs';

const [mode, path] = process.argv.slice(2);
const say = (line: string) => writeSync(1, line + '\n');
const CAMERAS = 50;

async function sqliteLoop(synchronous: 'FULL' | 'NORMAL'): Promise<never> {
  const { openSqliteDatabase } = await import('../src/store/sqlite-database.ts');
  const { migrate } = await import('../src/store/migrations.ts');
  const db = openSqliteDatabase({ path, synchronous });
  await migrate(db);
  const raw = db.raw;
  const max = raw.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM audit_log').get() as { m: number };
  const seg = raw.prepare('INSERT INTO segments (camera_id, start_ms, end_ms, path, bytes) VALUES (?, ?, ?, ?, ?)');
  const aud = raw.prepare(
    "INSERT INTO audit_log (seq, ts, actor, action, camera_id, ip, details, prev_hash, hash) VALUES (?, ?, 'system', 'segment.add', ?, NULL, '{}', 'x', 'y')",
  );
  say('ready');
  for (let id = Number(max.m) + 1; ; id++) {
    raw.exec('BEGIN IMMEDIATE');
    seg.run(`cam-${id % CAMERAS}`, id, id + 1, `cam/${id}.mp4`, id * 1000);
    aud.run(id, Date.now(), `cam-${id % CAMERAS}`);
    raw.exec('COMMIT');
    say(`c ${id}`);
  }
}

async function pgliteLoop(): Promise<never> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(path);
  await db.exec(`CREATE TABLE IF NOT EXISTS segments (camera_id TEXT NOT NULL, start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL,
    path TEXT NOT NULL, bytes BIGINT NOT NULL, PRIMARY KEY (camera_id, start_ms));
    CREATE TABLE IF NOT EXISTS audit_log (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, camera_id TEXT);`);
  const max = await db.query<{ m: number }>('SELECT COALESCE(MAX(seq), 0)::int AS m FROM audit_log');
  say('ready');
  for (let id = max.rows[0].m + 1; ; id++) {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO segments VALUES ($1, $2, $3, $4, $5)', [`cam-${id % CAMERAS}`, id, id + 1, `cam/${id}.mp4`, id * 1000]);
      await tx.query('INSERT INTO audit_log VALUES ($1, $2, $3)', [id, Date.now(), `cam-${id % CAMERAS}`]);
    });
    say(`c ${id}`);
  }
}

/** The real store (worker thread, hash chain): alternates audit appends and segment inserts. */
async function storeLoop(): Promise<never> {
  const { openStore } = await import('../src/store/index.ts');
  const store = await openStore({ kind: 'sqlite', path });
  say('ready');
  for (let i = 0; ; i++) {
    const e = await store.appendAudit({ actor: 'system', action: 'camera.update', details: { i } });
    say(`a ${e.seq}`);
    await store.addSegment({ cameraId: `cam-${e.seq % CAMERAS}`, startMs: e.seq, endMs: e.seq + 1, path: `x/${e.seq}.mp4`, bytes: 1 });
    say(`s ${e.seq}`);
  }
}

if (mode === 'sqlite-full') await sqliteLoop('FULL');
else if (mode === 'sqlite-normal') await sqliteLoop('NORMAL');
else if (mode === 'pglite') await pgliteLoop();
else if (mode === 'store') await storeLoop();
else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
