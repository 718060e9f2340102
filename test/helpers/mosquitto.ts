// A throwaway mosquitto (Debian's) for tests: its own config on a free port of 127.0.0.1, with a
// password file when a user is given. kill()/start() stop and restart it on the same port.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface TestMosquitto {
  url: string;
  port: number;
  /** Stops the broker (SIGTERM: it saves its sessions), to start it again with start(). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startMosquitto(opts: { user?: string; password?: string } = {}): Promise<TestMosquitto> {
  if (!existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} not found: the MQTT tests need Debian's broker (apt-get install mosquitto)`);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mqtt-'));
  // Started as root, mosquitto drops to its own user: it must read the password file and write its sessions here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  // Persistent sessions survive a restart by stop()/start() (SIGTERM saves them), as a real broker's do.
  const conf = [`listener ${port} 127.0.0.1`, 'persistence true', `persistence_location ${dir}/`, 'log_dest stderr'];
  if (opts.user) {
    const pw = join(dir, 'passwd');
    writeFileSync(pw, '');
    execFileSync('/usr/bin/mosquitto_passwd', ['-b', pw, opts.user, opts.password ?? ''], { stdio: 'pipe' });
    chmodSync(pw, 0o644);
    conf.push('allow_anonymous false', `password_file ${pw}`);
  } else conf.push('allow_anonymous true');
  writeFileSync(join(dir, 'mosquitto.conf'), conf.join('\n') + '\n');
  let child: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    child = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-10000);
    });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
