// Start a whole Vigil (embedded store) in this process for API tests, with its logs captured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { validateConfig } from '../../src/core/index.ts';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';

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
