import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, validateConfig, renderConfigDoc, ConfigError } from '../../src/core/index.ts';

test('empty config gets every default', () => {
  const cfg = validateConfig({});
  assert.equal(cfg.server.port, 8080);
  assert.equal(cfg.database.kind, 'sqlite');
  assert.equal(cfg.recording.segmentSeconds, 60);
  assert.deepEqual(cfg.cameras, []);
});

test('errors name the key and what was expected', () => {
  let msg = '';
  try {
    validateConfig({ server: { port: 'eighty' }, recording: { segmentSeconds: 1 }, bogus: true });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    msg = e.message;
  }
  assert.match(msg, /server\.port: expected integer/);
  assert.match(msg, /recording\.segmentSeconds: expected integer >= 2/);
  assert.match(msg, /bogus: unknown setting/);
});

test('ConfigError lists issues', () => {
  try {
    validateConfig({ cameras: [{ id: 'Bad Id', name: 'x', url: 'http://nope' }] });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.ok(e.issues.some((i) => i.startsWith('cameras.0.id:')));
    assert.ok(e.issues.some((i) => i.startsWith('cameras.0.url:') && i.includes('rtsp')));
  }
});

test('duplicate camera ids and postgres without url are refused', () => {
  const cam = { id: 'a', name: 'A', url: 'rtsp://127.0.0.1/a' };
  assert.throws(() => validateConfig({ cameras: [cam, cam] }), /cameras\.1\.id: expected a unique id/);
  assert.throws(() => validateConfig({ database: { kind: 'postgres' } }), /database\.url/);
});

test('YAML and JSON files load, env overrides port and data dir, bad syntax is named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cfg-'));
  const y = path.join(dir, 'c.yaml');
  writeFileSync(y, 'server:\n  port: 9000\ncameras:\n  - id: gate\n    name: Gate\n    url: rtsp://10.0.0.5/stream\n    transport: udp\n');
  const cfg = loadConfig(y, {});
  assert.equal(cfg.server.port, 9000);
  assert.equal(cfg.cameras[0].transport, 'udp');
  assert.equal(cfg.cameras[0].record, true);
  const env = loadConfig(y, { VIGIL_PORT: '9100', VIGIL_DATA_DIR: '/tmp/x' });
  assert.equal(env.server.port, 9100);
  assert.equal(env.dataDir, '/tmp/x');
  const j = path.join(dir, 'c.json');
  writeFileSync(j, '{"server": {"port": 9001}');
  assert.throws(() => loadConfig(j, {}), /c\.json: not valid JSON/);
  assert.throws(() => loadConfig(path.join(dir, 'missing.yaml'), {}), /cannot read \(ENOENT\)/);
  assert.throws(() => loadConfig(y, { VIGIL_PORT: 'abc' }), /server\.port/);
});

test('the config reference is generated from the schema', () => {
  const doc = renderConfigDoc();
  assert.match(doc, /\| `recording\.segmentSeconds` \| integer \| `60` \|/);
  assert.match(doc, /\| `cameras\[\]\.password` \|/);
});
