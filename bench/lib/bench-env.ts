// Shared plumbing for the walking-skeleton benchmarks: child processes that are always stopped,
// free ports, waiting for Vigil, signing in, and a description of the machine for the results.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface Child {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Last lines written to stdout/stderr, for error messages. */
  output(): string;
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

const running = new Set<Child>();

/** Stops every child still running; call from finally blocks and signal handlers. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));

export function startChild(name: string, cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve: (l: string) => void }>();
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      for (const w of waiters) if (w.re.test(line)) (waiters.delete(w), w.resolve(line));
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const c: Child = {
    name,
    child,
    pid: child.pid,
    output: () => lines.join('\n'),
    waitForLine(re, timeoutMs) {
      const seen = lines.find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { re, resolve: (l: string) => (clearTimeout(timer), resolve(l)) };
        const timer = setTimeout(() => (waiters.delete(w), reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms:\n${c.output()}`))), timeoutMs);
        waiters.add(w);
        void exited.then(() => waiters.has(w) && (clearTimeout(timer), waiters.delete(w), reject(new Error(`${name} exited (${child.exitCode}):\n${c.output()}`))));
      });
    },
    async stop() {
      running.delete(c);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
  running.add(c);
  return c;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitForHealth(baseUrl: string, timeoutMs: number, who?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (who && who.child.exitCode !== null) throw new Error(`${who.name} exited (${who.child.exitCode}):\n${who.output()}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${baseUrl} not healthy after ${timeoutMs} ms${who ? `:\n${who.output()}` : ''}`);
}

/** Signs in through the API and returns the Cookie header to send back. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!cookies.length) throw new Error('sign-in set no cookie');
  return cookies.join('; ');
}

export interface CameraInfo {
  id: string;
  status: { state: string; fps: number | null };
}

export async function listCameras(baseUrl: string, cookie: string): Promise<CameraInfo[]> {
  const res = await fetch(`${baseUrl}/api/cameras`, { headers: { cookie } });
  if (!res.ok) throw new Error(`GET /api/cameras: HTTP ${res.status}`);
  return ((await res.json()) as { cameras: CameraInfo[] }).cameras;
}

/** Waits until every camera reports online; returns how long that took. */
export async function waitAllOnline(baseUrl: string, cookie: string, expected: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    const cams = await listCameras(baseUrl, cookie);
    const online = cams.filter((c) => c.status.state === 'online').length;
    if (cams.length === expected && online === expected) return Date.now() - t0;
    last = `${online}/${cams.length} online (expected ${expected})`;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`cameras not all online after ${timeoutMs} ms: ${last}`);
}

export async function recordedSegments(baseUrl: string, cookie: string, id: string, fromMs: number): Promise<{ count: number; bytes: number }> {
  const res = await fetch(`${baseUrl}/api/cameras/${encodeURIComponent(id)}/recordings?from=${fromMs}&to=${Date.now() + 60_000}`, { headers: { cookie } });
  if (!res.ok) throw new Error(`GET recordings of ${id}: HTTP ${res.status}`);
  const segs = ((await res.json()) as { segments: { bytes: number }[] }).segments;
  return { count: segs.length, bytes: segs.reduce((s, x) => s + x.bytes, 0) };
}

/** The machine, for the results file. */
export function machine(): Record<string, string> {
  const sh = (c: string, a: string[]) => {
    try {
      return execFileSync(c, a, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  return {
    date: new Date().toISOString(),
    nproc: sh('nproc', []),
    cpu: cpus()[0]?.model ?? '?',
    memGB: (totalmem() / 2 ** 30).toFixed(1),
    freeG: sh('free', ['-g']),
    loadavg: loadavg().map((x) => x.toFixed(2)).join(' '),
    node: process.version,
    ffmpeg: sh('ffmpeg', ['-version']).split('\n')[0],
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round = (x: number, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);
