// Shared setup for browser end-to-end tests: a built web app, a running Vigil demo, a headless Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../helpers/daemon.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Fails with the install command instead of letting a browser test pass without a browser. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install it: sudo apt-get install -y chromium`);
  }
}

export function requireFfmpeg(): void {
  const probe = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error('ffmpeg not found. Install it: sudo apt-get install -y ffmpeg');
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds web/ into web/dist (which the server serves) when the sources are newer than the build,
 * so the test checks the current sources without emptying dist under another test's running server.
 */
export function buildWeb(): void {
  const web = path.join(repoRoot, 'web');
  const built = path.join(web, 'dist', 'index.html');
  const sourcesMs = Math.max(newestMtimeMs(path.join(web, 'src')), statSync(path.join(web, 'index.html')).mtimeMs, statSync(path.join(web, 'vite.config.ts')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sourcesMs) return;
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', 'web', '--logLevel', 'error'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build web failed:\n${result.stdout}\n${result.stderr}`);
}

export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface RunningDemo {
  baseUrl: string;
  username: string;
  password: string;
  /** Last lines the demo printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function waitForHealth(baseUrl: string, timeoutMs: number, child: ChildProcess | null, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`demo exited with code ${child.exitCode} before it was healthy:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`demo not healthy after ${timeoutMs} ms (${lastError}):\n${output()}`);
}

/**
 * Starts `node src/cli/main.ts demo` on a free port with a temp data dir, or, when
 * VIGIL_E2E_BASE_URL is set, uses that server (with VIGIL_E2E_USERNAME / VIGIL_E2E_PASSWORD).
 */
export async function startDemo(): Promise<RunningDemo> {
  const external = process.env.VIGIL_E2E_BASE_URL;
  if (external) {
    const baseUrl = external.replace(/\/$/, '');
    await waitForHealth(baseUrl, 10_000, null, () => '');
    return {
      baseUrl,
      username: process.env.VIGIL_E2E_USERNAME ?? 'admin',
      password: process.env.VIGIL_E2E_PASSWORD ?? '',
      output: () => '',
      stop: async () => {},
    };
  }
  requireFfmpeg();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-'));
  const password = `e2e-${crypto.randomUUID()}`;
  const lines: string[] = [];
  const child = spawn(process.execPath, ['src/cli/main.ts', 'demo'], {
    cwd: repoRoot,
    env: { ...process.env, VIGIL_PORT: String(port), VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so simulators and ffmpeg it starts go down with it
  });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const output = () => lines.slice(-40).join('\n');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    }
    // Children of the group that ignored SIGTERM must not outlive the test.
    signalGroup(child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // A loaded 2-core CI machine has taken over 60 s to bring the demo city up (60 simulated cameras).
    await waitForHealth(`http://127.0.0.1:${port}`, 120_000, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl: `http://127.0.0.1:${port}`, username: 'admin', password, output, stop };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function ensureScreenshotDir(): string {
  mkdirSync(screenshotDir, { recursive: true });
  return screenshotDir;
}

export interface ControlRoom {
  demo: RunningDemo;
  browser: Browser;
  page: Page;
  /** Where screenshots go. */
  shots: string;
  close(): Promise<void>;
}

/** The set-up every browser test shares: the web app built, a demo running, one 1600x900 page open. */
export async function openControlRoom(): Promise<ControlRoom> {
  const shots = ensureScreenshotDir();
  buildWeb();
  const demo = await startDemo();
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    // The tests' own probes (page.waitForFunction with a string) are evaluated in the page, which
    // the server's Content-Security-Policy forbids (no eval); the app itself is checked under that
    // policy by test/e2e/access.test.ts in a context of its own.
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB', bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
    const b = browser;
    return {
      demo,
      browser: b,
      page,
      shots,
      async close() {
        await b.close().catch(() => {});
        await demo.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await demo.stop();
    throw err;
  }
}

/** Signs the demo's admin in on `pathname` and waits for the test id `ready` (null: no wait). */
export async function signInAsAdmin(page: Page, demo: RunningDemo, pathname = '/cameras', ready: string | null = 'tiles'): Promise<void> {
  await page.goto(demo.baseUrl + pathname);
  await page.fill('input[name="username"]', demo.username);
  await page.fill('input[name="password"]', demo.password);
  await page.click('button[type="submit"]');
  if (ready) await page.getByTestId(ready).waitFor({ timeout: 15_000 });
}
