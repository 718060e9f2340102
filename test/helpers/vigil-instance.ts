// Start a whole Vigil (embedded store) in this process for API tests, with its logs captured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { validateConfig } from '../../src/core/index.ts';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { AuthService } from '../../src/access/index.ts';

export interface TestVigil extends RunningVigil {
  dataDir: string;
  logs: string[];
  /** fetch relative to the server, keeping the session cookie like a browser. */
  http(pathname: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  login(username: string, password: string): Promise<Response>;
  cookie: string | null;
  stop(): Promise<void>;
}

/** o.dataDir: start on an existing data folder (a restart: close() the previous one first, not stop()). */
export async function startTestVigil(extra: Record<string, unknown> = {}, adminPassword = 'admin-password-1', o: { dataDir?: string } = {}): Promise<TestVigil> {
  const dataDir = o.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vigil-api-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const cfg = validateConfig({ dataDir, server: { port: 0 }, ...extra });
  const v = await startVigil(cfg, logger, { adminPassword });
  const t: TestVigil = {
    ...v,
    dataDir,
    logs,
    cookie: null,
    async http(pathname, init = {}) {
      const headers = new Headers(init.headers);
      if (t.cookie) headers.set('cookie', t.cookie);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      const res = await fetch(v.url + pathname, { ...init, headers, body });
      const set = res.headers.get('set-cookie');
      if (set) t.cookie = set.split(';')[0];
      return res;
    },
    login(username, password) {
      return t.http('/api/session', { method: 'POST', json: { username, password } });
    },
    async stop() {
      await v.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A session cookie for another user, leaving a TestVigil's own session (`http`) alone. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  assert.equal(res.status, 200, `${username} signs in`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

export const OPERATOR = { username: 'otto', password: 'operator-password-1' } as const;

/**
 * The set-up of the API tests that an admin passes and an operator is refused: the admin signed in
 * (`http` carries the session) and an OPERATOR account (signIn for its session). Without a config,
 * one camera that is not recorded.
 */
export async function startTestVigilWithOperator(extra: Record<string, unknown> = { cameras: [{ id: 'cam1', name: 'Gate', url: 'rtsp://127.0.0.1:1/none', record: false }] }): Promise<TestVigil> {
  const v = await startTestVigil(extra);
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  await new AuthService(v.store, validateConfig({}).auth).createUser(OPERATOR.username, OPERATOR.password, 'operator', 'test');
  return v;
}
