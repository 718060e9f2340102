// A throwaway PostgreSQL 15 for tests: its own data dir, unix socket dir and random TCP port, all
// under one temp dir removed by stop(). Runs as the `postgres` OS user when we are root, because
// postgres refuses to run as root.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, chmodSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './daemon.ts';

const BIN = '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  url: string;
  /** Same server, another database name (for tests needing a fresh schema). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * alsoListen: another local address to listen on (an edge namespace's link to the centre), trusted like 127.0.0.1.
 * keepDir: a folder kept after stop() and used again by the next start (a benchmark's seeded
 * database survives between runs); `fresh` is then false when its database already existed.
 * sharedBuffers: PostgreSQL's shared_buffers (default 32MB, a throwaway server's).
 * port: listen here (with keepDir: the same server started again after stop(), as after an outage).
 */
export async function startPostgres(opts: { alsoListen?: string; keepDir?: string; sharedBuffers?: string; port?: number } = {}): Promise<TestPostgres & { fresh: boolean }> {
  for (const b of ['initdb', 'postgres']) {
    if (!existsSync(join(BIN, b))) {
      throw new Error(`${BIN}/${b} not found: PostgreSQL 15 is needed for the store tests (apt-get install postgresql-15)`);
    }
  }
  const asRoot = process.getuid?.() === 0;
  // Spawned directly under the postgres uid (not through runuser/su, which would sit between us
  // and postgres and swallow the shutdown signal).
  const ids = asRoot
    ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
    : {};
  const dir = opts.keepDir ?? mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  const fresh = !existsSync(join(data, 'PG_VERSION'));

  if (fresh) try {
    execFileSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], {
      stdio: 'pipe',
      cwd: dir,
      ...ids,
    });
  } catch (err) {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`);
  }

  if (fresh && opts.alsoListen) appendFileSync(join(data, 'pg_hba.conf'), `host all all ${opts.alsoListen.replace(/\.\d+$/, '.0')}/24 trust\n`);
  const port = opts.port ?? (await freePort());
  const pgArgs = [
    '-D', data, '-p', String(port), '-k', dir, '-c', `listen_addresses=127.0.0.1${opts.alsoListen ? `,${opts.alsoListen}` : ''}`,
    // Tests need no crash safety from this throwaway server; durability is tested on SQLite.
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=50', '-c', `shared_buffers=${opts.sharedBuffers ?? '32MB'}`,
  ];
  const child: ChildProcess = spawn(join(BIN, 'postgres'), pgArgs, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...ids });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString();
    if (log.length > 20000) log = log.slice(-10000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const base = `postgresql://postgres@127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    const c = new pg.Client({ connectionString: `${base}/postgres` });
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      await c.end().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`PostgreSQL did not start:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const createDatabase = async (name: string) => {
    const c = new pg.Client({ connectionString: `${base}/postgres` });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await c.end();
    }
    return `${base}/${name}`;
  };
  const url = fresh ? await createDatabase('vigil_test') : `${base}/vigil_test`;
  writeFileSync(join(dir, 'url'), url);
  return { url, createDatabase, stop, fresh };
}
