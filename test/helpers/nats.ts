// A throwaway NATS server with JetStream for tests: its own store dir and a free port on
// 127.0.0.1, removed by stop(). Debian's nats-server (2.9.10) is the one tested.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER = '/usr/sbin/nats-server';

export interface TestNats {
  url: string;
  port: number;
  /** Kill the server (SIGKILL) without removing its store, to restart it with start(). */
  kill(): Promise<void>;
  /** Start it again on the same port and store. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startNats(opts: { host?: string } = {}): Promise<TestNats> {
  if (!existsSync(NATS_SERVER)) throw new Error(`${NATS_SERVER} not found: NATS is needed for the cluster tests (apt-get install nats-server)`);
  const host = opts.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    child = spawn(NATS_SERVER, ['-js', '-sd', dir, '-p', String(port), '-a', host], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-10000);
    });
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port, host))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }
  };
  await start();
  return {
    url: `nats://${host}:${port}`,
    port,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
