// A throwaway NATS server with JetStream for tests: its own store dir and a free port on
// 127.0.0.1, removed by stop(). Debian's nats-server (2.9.10) is the one tested.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemon, freePort } from './daemon.ts';

export { freePort } from './daemon.ts';

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

export async function startNats(opts: { host?: string } = {}): Promise<TestNats> {
  if (!existsSync(NATS_SERVER)) throw new Error(`${NATS_SERVER} not found: NATS is needed for the cluster tests (apt-get install nats-server)`);
  const host = opts.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-'));
  const port = await freePort();
  const server = daemon({
    name: 'nats-server', command: NATS_SERVER, args: ['-js', '-sd', dir, '-p', String(port), '-a', host],
    port, host, startTimeoutMs: 15_000, stopSignal: 'SIGKILL',
  });
  await server.start();
  return {
    url: `nats://${host}:${port}`,
    port,
    kill: server.kill,
    start: server.start,
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
