// The `vigil` command as a user runs it: help, config errors, user add, audit verify on a chain
// that someone tampered with in the database file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { renderConfigDoc } from '../../src/core/index.ts';

const MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.ts');

function vigil(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--no-warnings', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help lists every command; unknown commands fail with usage', () => {
  const h = vigil(['--help']);
  assert.equal(h.code, 0);
  for (const c of ['start --config', 'demo', 'simulate', 'user add', 'audit verify']) assert.ok(h.out.includes(c), c);
  const bad = vigil(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown command "frobnicate"/);
  assert.equal(vigil(['start', '--help']).code, 0);
});

test('start with a bad config names the key and what was expected, and does not start', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cli-'));
  const cfg = path.join(dir, 'bad.yaml');
  writeFileSync(cfg, 'server:\n  port: -5\nrecording:\n  segmentSecond: 10\n');
  const r = vigil(['start', '--config', cfg]);
  assert.equal(r.code, 1);
  assert.match(r.err, /server\.port: expected integer >= 0/);
  assert.match(r.err, /recording\.segmentSecond: unknown setting/);
  const none = vigil(['start']);
  assert.match(none.err, /--config: expected a file path/);
});

test('user add, then audit verify passes; editing or deleting audit rows is detected and named', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-cli-'));
  const env = { VIGIL_DATA_DIR: dataDir };
  for (const name of ['ana', 'bo', 'cy', 'di']) {
    const add = vigil(['user', 'add', '--username', name, '--role', 'operator'], env);
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, new RegExp(`added user ${name} \\(operator`));
    assert.match(add.out, /password: \S{12,}/);
  }
  const wrongRole = vigil(['user', 'add', '--username', 'x', '--role', 'god'], env);
  assert.match(wrongRole.err, /--role: expected one of admin, supervisor, operator, viewer, auditor/);
  const ok = vigil(['audit', 'verify'], env);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /intact: 4 entries/);

  const db = new DatabaseSync(path.join(dataDir, 'vigil.db'));
  const original = String((db.prepare('SELECT details FROM audit_log WHERE seq = 3').get() as { details: string }).details);
  db.prepare("UPDATE audit_log SET details = ? WHERE seq = 3").run(JSON.stringify({ username: 'mallory', role: 'admin' }));
  db.close();
  const edited = vigil(['audit', 'verify'], env);
  assert.equal(edited.code, 1);
  assert.match(edited.out, /BROKEN at entry 3/);

  const db2 = new DatabaseSync(path.join(dataDir, 'vigil.db'));
  db2.prepare("UPDATE audit_log SET details = ? WHERE seq = 3").run(original);
  assert.equal(vigil(['audit', 'verify'], env).code, 0, 'restoring the row restores the chain');
  db2.prepare('DELETE FROM audit_log WHERE seq = 2').run();
  db2.close();
  const deleted = vigil(['audit', 'verify'], env);
  assert.equal(deleted.code, 1);
  assert.match(deleted.out, /BROKEN at entry/);
});

test('docs/config.md is the generated reference (run npm run docs:config after changing the schema)', () => {
  const file = path.resolve(import.meta.dirname, '../../docs/config.md');
  assert.equal(readFileSync(file, 'utf8'), renderConfigDoc());
});
