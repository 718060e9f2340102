// A server process a test runs (nats-server, mosquitto): spawned, waited for until its port takes
// connections, stopped and started again on the same port. Its last stderr goes into the error
// when it does not come up.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

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

export function accepts(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export interface DaemonSpec {
  /** For error messages: "nats-server did not start". */
  name: string;
  command: string;
  args: string[];
  port: number;
  host?: string;
  startTimeoutMs: number;
  /** SIGKILL to test a crash; SIGTERM where the server must save its state on the way out. */
  stopSignal: NodeJS.Signals;
}

export interface Daemon {
  /** Spawns it and resolves once its port accepts a connection. */
  start(): Promise<void>;
  /** Signals it (spec.stopSignal) and waits for it to exit; nothing if it is not running. */
  kill(): Promise<void>;
}

export function daemon(spec: DaemonSpec): Daemon {
  let child: ChildProcess | null = null;
  let log = '';
  return {
    async start() {
      const c = spawn(spec.command, spec.args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr!.on('data', (d: Buffer) => {
        log = (log + d.toString()).slice(-10000);
      });
      const deadline = Date.now() + spec.startTimeoutMs;
      while (!(await accepts(spec.port, spec.host))) {
        if (c.exitCode !== null || Date.now() > deadline) throw new Error(`${spec.name} did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const c = child;
      if (c && c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill(spec.stopSignal);
        await exited;
      }
    },
  };
}
