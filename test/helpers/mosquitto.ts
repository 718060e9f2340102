// A throwaway mosquitto (Debian's) for tests: its own config on a free port of 127.0.0.1, with a
// password file when a user is given. kill()/start() stop and restart it on the same port.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemon, freePort } from './daemon.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export interface TestMosquitto {
  url: string;
  port: number;
  /** Stops the broker (SIGTERM: it saves its sessions), to start it again with start(). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
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
  const broker = daemon({
    name: 'mosquitto', command: MOSQUITTO, args: ['-c', join(dir, 'mosquitto.conf')],
    port, startTimeoutMs: 10_000, stopSignal: 'SIGTERM',
  });
  await broker.start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kill: broker.kill,
    start: broker.start,
    async stop() {
      await broker.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
