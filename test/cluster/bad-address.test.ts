// A node given a wrong PostgreSQL or NATS address (or wrong credentials) says which and keeps
// retrying; it neither crashes nor starts half way. It comes up once the address answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startNats, freePort } from '../helpers/nats.ts';

let pgs: TestPostgres;
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-badaddr-'));
before(async () => {
  pgs = await startPostgres();
});
after(async () => {
  await pgs?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function runNode(name: string, databaseUrl: string, natsUrl: string, untilText: RegExp, ms: number) {
  const keyFile = path.join(dir, 'secret.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64'));
  const cfgFile = path.join(dir, `${name}.json`);
  writeFileSync(cfgFile, JSON.stringify({ dataDir: path.join(dir, name), server: { port: await freePort() }, database: { kind: 'postgres', url: databaseUrl }, cluster: { nodeId: name, natsUrl, secretKeyFile: keyFile } }));
  const proc = spawn(process.execPath, ['src/cli/main.ts', 'node', '--config', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIGIL_ADMIN_PASSWORD: 'bad-address-pw-1' } });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const t0 = Date.now();
  while (!untilText.test(out) && Date.now() - t0 < ms && proc.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  return { proc, out: () => out };
}

test('a wrong PostgreSQL address: named, retried, no crash; the password in the URL is not logged', async () => {
  const closed = await freePort();
  const { proc, out } = await runNode('n-pg', `postgresql://vigil:hunter2secret@127.0.0.1:${closed}/vigil`, 'nats://127.0.0.1:1', /cannot open PostgreSQL[\s\S]*cannot open PostgreSQL/, 20_000);
  try {
    assert.equal(proc.exitCode, null, `still running: ${out()}`);
    assert.match(out(), /cannot open PostgreSQL \(check database.url and its credentials\); retrying/);
    assert.doesNotMatch(out(), /hunter2secret/);
  } finally {
    proc.kill('SIGKILL');
  }
});

test('a wrong NATS address: named, retried, no crash; once NATS answers there the node joins', async () => {
  const nats = await startNats();
  await nats.kill(); // the address is right but nobody answers yet
  const { proc, out } = await runNode('n-nats', pgs.url, nats.url, /cannot reach NATS[\s\S]*cannot reach NATS/, 30_000);
  try {
    assert.equal(proc.exitCode, null, `still running: ${out()}`);
    assert.match(out(), /cannot reach NATS \(check cluster.natsUrl and its credentials\); retrying/);
    await nats.start();
    const t0 = Date.now();
    while (!/joined the cluster/.test(out()) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    assert.match(out(), /joined the cluster/);
  } finally {
    proc.kill('SIGKILL');
    await nats.stop();
  }
});
