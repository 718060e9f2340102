// How long from a camera sending a frame to that frame being on an operator's screen? And how
// long from signing in (or opening a camera) to the first live picture?
//
// The simulated cameras run in this process, so the wall-clock time each frame is sent is known
// exactly (a listener on the camera, called in the same tick as the RTSP server's write). Vigil
// runs as a child process (`vigil start --config`), recording and serving live view. Its fMP4
// tfdt is the camera's RTP timestamp, not rebased (H26xDepacketizer unwraps without an
// offset; Fmp4Fragmenter keeps the input dts unless the clock jumps), so a shown frame's
// mediaTime names the frame that was sent. A headless Chromium signs in through the real UI;
// requestVideoFrameCallback says when each frame is displayed. Page and bench share the
// machine's wall clock; the offset between them is measured and reported.
//
//   node bench/live-latency.ts [--viewers 1] [--seconds 25] [--cameras 4]

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import { startSimulator, type Simulator } from '../src/simulator/index.ts';
import { freePort, machine, percentile, round, signIn, startChild, stopAll, waitAllOnline, waitForHealth } from './lib/bench-env.ts';
import { PAGE_PROBE_JS, type PageArrival, type PageShown } from './lib/page-probe.ts';

const { values } = parseArgs({
  options: { viewers: { type: 'string', default: '1' }, seconds: { type: 'string', default: '25' }, cameras: { type: 'string', default: '4' }, warmup: { type: 'string', default: '3' } },
});
const K = Number(values.viewers);
const S = Number(values.seconds);
const N = Number(values.cameras);
const W = Number(values.warmup);
const CAMERA = 'cam1';
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = `bench-${crypto.randomUUID()}`;
const SIM_CACHE = path.join(tmpdir(), 'vigil-bench-sim-cache');
const log = (s: string) => console.error(`[latency] ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const epochNow = () => performance.timeOrigin + performance.now();
const PLAYING = (sel: string) => `(() => { const v = document.querySelector(${JSON.stringify(sel)}); return !!v && v.readyState >= 2 && v.currentTime > 0; })()`;
const VIEW_VIDEO = '[data-testid="camera-video"] video';
const TILE_VIDEO = '[data-testid="tile"] video';

function tfdtOf(b: Buffer): number {
  const i = b.indexOf('tfdt');
  if (i < 0 || i > 512) return -1;
  return b[i + 4] === 1 ? b.readUInt32BE(i + 8) * 2 ** 32 + b.readUInt32BE(i + 12) : b.readUInt32BE(i + 8);
}

interface Stats { n: number; p50: number; p95: number; max: number; min: number; mean: number }
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN, min: s[0] ?? NaN, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}
const show = (s: Stats) => `p50 ${s.p50.toFixed(0).padStart(5)}  p95 ${s.p95.toFixed(0).padStart(5)}  max ${s.max.toFixed(0).padStart(5)}  min ${s.min.toFixed(0).padStart(5)} ms  (n=${s.n})`;
const roundStats = (s: Stats) => ({ p50: round(s.p50, 1), p95: round(s.p95, 1), max: round(s.max, 1), n: s.n });

/** Vigil's TCP connections to the simulator port, from the kernel's socket table. */
function vigilCameraConnections(vigilPid: number, simPort: number): number {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established', 'dport', `= :${simPort}`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`pid=${vigilPid},`)).length;
}

/** Page clock minus bench clock (ms), from the tightest of several round trips. */
async function clockOffset(page: Page): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: NaN, rttMs: Infinity };
  for (let i = 0; i < 7; i++) {
    const t0 = epochNow();
    const p = (await page.evaluate('performance.timeOrigin + performance.now()')) as number;
    const t1 = epochNow();
    if (t1 - t0 < best.rttMs) best = { offsetMs: p - (t0 + t1) / 2, rttMs: t1 - t0 };
  }
  return best;
}

const work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-latency-'));
let sim: Simulator | null = null;
let browser: Browser | null = null;
let probe: WebSocket | null = null;
try {
  const m = machine();
  mkdirSync(SIM_CACHE, { recursive: true });
  sim = await startSimulator({ cameras: N, port: 0, host: '127.0.0.1', cacheDir: SIM_CACHE });
  const fps = sim.cameras[0].clip.meta.fps;
  // Send time of every frame of the measured camera, keyed by its 90 kHz timestamp.
  const sentAt = new Map<number, number>();
  sim.cameras.find((c) => c.name === CAMERA)!.subscribe((au) => sentAt.set(au.dts, epochNow()));
  const sentOf = (tfdt: number): number | undefined => sentAt.get(tfdt);
  const sentOfMediaTime = (sec: number): number | undefined => {
    const t = Math.round(sec * 90_000);
    for (let d = 0; d <= 90; d = d <= 0 ? -d + 1 : -d) {
      const v = sentAt.get(t + d);
      if (v !== undefined) return v;
    }
    return undefined;
  };

  const port = await freePort();
  const cfgFile = path.join(work, 'vigil.yaml');
  writeFileSync(cfgFile, stringify({
    dataDir: path.join(work, 'data'), server: { port }, recording: { segmentSeconds: 10 }, log: { level: 'warn' },
    cameras: sim.urls.map((url, i) => ({ id: `cam${i + 1}`, name: `Camera ${i + 1}`, url })),
  }));
  const vigil = startChild('vigil', process.execPath, ['src/cli/main.ts', 'start', '--config', cfgFile], { env: { VIGIL_ADMIN_PASSWORD: PASSWORD } });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, 60_000, vigil);
  const cookie = await signIn(baseUrl, 'admin', PASSWORD);
  await waitAllOnline(baseUrl, cookie, N, 60_000);
  const connsBefore = vigilCameraConnections(vigil.pid, sim.port);
  const simBefore = sim.server.stats();
  log(`vigil up, ${N} cameras online; ${connsBefore} TCP connections to the simulator, ${simBefore.playing} RTSP sessions playing`);

  // Server side alone: a plain WebSocket client in this process, next to the camera.
  const serverDelays: { sentMs: number; ms: number }[] = [];
  probe = new WebSocket(`ws://127.0.0.1:${port}/api/cameras/${CAMERA}/live`, { headers: { cookie } });
  probe.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const at = epochNow();
    const t = tfdtOf(data);
    const sent = t >= 0 ? sentOf(t) : undefined;
    if (sent !== undefined) serverDelays.push({ sentMs: sent, ms: at - sent });
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: PAGE_PROBE_JS });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.locator('input[name="username"]').waitFor({ timeout: 15_000 });
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', PASSWORD);
  let t0 = Date.now();
  await page.click('button[type="submit"]');
  await page.waitForFunction(PLAYING(TILE_VIDEO), undefined, { timeout: 30_000, polling: 'raf' });
  const signInToFirstFrameMs = Date.now() - t0;
  await page.waitForFunction(`Array.from(document.querySelectorAll(${JSON.stringify(TILE_VIDEO)})).filter((v) => v.readyState >= 2 && v.currentTime > 0).length >= ${N}`, undefined, { timeout: 30_000, polling: 'raf' });
  const signInToAllTilesMs = Date.now() - t0;
  log(`sign-in click -> first tile frame ${signInToFirstFrameMs} ms, all ${N} tiles ${signInToAllTilesMs} ms`);

  t0 = Date.now();
  await page.click(`[data-testid="tile"][data-camera-id="${CAMERA}"]`);
  await page.waitForFunction(PLAYING(VIEW_VIDEO), undefined, { timeout: 30_000, polling: 'raf' });
  const openViewToFirstFrameMs = Date.now() - t0;
  log(`open camera view -> first frame ${openViewToFirstFrameMs} ms`);

  // Extra viewers are tabs of the same headless window: all receive every fragment, but Chromium
  // paints only the front tab, so most display samples come from it (the figures say how many).
  const pages = [page];
  const openMs: number[] = [];
  for (let i = 1; i < K; i++) {
    const p = await context.newPage();
    const t = Date.now();
    await p.goto(`${baseUrl}/cameras/${CAMERA}`);
    await p.waitForFunction(PLAYING(VIEW_VIDEO), undefined, { timeout: 30_000, polling: 'raf' });
    openMs.push(Date.now() - t);
    pages.push(p);
  }
  if (K > 1) log(`${K - 1} more viewers: page load -> first frame ${openMs.join(', ')} ms`);

  await sleep(W * 1000);
  const offsets = [];
  for (const p of pages) {
    offsets.push(await clockOffset(p));
    await p.evaluate(`window.__vigilArrivals = []; window.__vigilShown = []; window.__vigilWatchVideo(${JSON.stringify(VIEW_VIDEO)})`);
  }
  const windowStart = epochNow();
  serverDelays.length = 0;
  log(`measuring ${S} s with ${K} browser viewer(s) of ${CAMERA} (+1 WebSocket probe)`);
  await sleep(S * 1000);
  const connsDuring = vigilCameraConnections(vigil.pid, sim.port);
  const simDuring = sim.server.stats();

  const total: number[] = [];
  const toArrival: number[] = [];
  const arrivalToShown: number[] = [];
  const presentedMinusExpected: number[] = [];
  const perViewer: Stats[] = [];
  let unmatched = 0;
  let shownFrames = 0;
  for (let i = 0; i < pages.length; i++) {
    const off = offsets[i].offsetMs;
    const arrivals = (await pages[i].evaluate('window.__vigilArrivals')) as PageArrival[];
    const shown = (await pages[i].evaluate('window.__vigilShown')) as PageShown[];
    const arrivalOf = new Map<number, number>();
    for (const a of arrivals) if (a.url.includes(`/${CAMERA}/`)) arrivalOf.set(a.tfdt, a.atMs - off);
    const mine: number[] = [];
    for (const f of shown) {
      const sent = sentOfMediaTime(f.mediaTime);
      if (sent === undefined) {
        unmatched++;
        continue;
      }
      if (sent < windowStart) continue; // the GOP replayed at join is old by design, not latency
      shownFrames++;
      const shownAt = f.expectedDisplayMs - off;
      mine.push(shownAt - sent);
      presentedMinusExpected.push(f.presentedMs - f.expectedDisplayMs);
      const arr = arrivalOf.get(Math.round(f.mediaTime * 90_000));
      if (arr !== undefined) {
        toArrival.push(arr - sent);
        arrivalToShown.push(shownAt - arr);
      }
    }
    total.push(...mine);
    perViewer.push(stats(mine));
  }
  const server = stats(serverDelays.filter((d) => d.sentMs >= windowStart).map((d) => d.ms));
  const g2g = stats(total);
  const net = stats(toArrival);
  const browserPart = stats(arrivalToShown);
  const expectedFrames = Math.round(S * fps) * K;

  console.log(`\nLive latency, ${N} simulated cameras at ${fps} fps, ${K} browser viewer(s) of ${CAMERA}, ${S} s window (${m.nproc} cores, ${m.cpu}, load before ${m.loadavg})`);
  console.log(`time to first frame   sign-in click -> first tile ${signInToFirstFrameMs} ms, all ${N} tiles ${signInToAllTilesMs} ms; open camera view -> first frame ${openViewToFirstFrameMs} ms` + (openMs.length ? `; extra viewers (page load) ${openMs.join(', ')} ms` : ''));
  console.log(`camera sent -> shown   ${show(g2g)}   <- glass-to-glass, minus capture and the monitor`);
  console.log(`  sent -> WS in page   ${show(net)}`);
  console.log(`  WS in page -> shown  ${show(browserPart)}   (MSE append, decode, the player's live-edge offset)`);
  console.log(`  sent -> WS in Node   ${show(server)}   (Vigil alone: RTSP in, depacketize, mux, hold one frame for its duration, fan out)`);
  console.log(`per viewer p50         ${perViewer.map((s) => s.p50.toFixed(0)).join(', ')} ms; frames shown ${shownFrames} of ~${expectedFrames} sent x viewers; unmatched mediaTime ${unmatched}`);
  console.log(`clock offset page-bench ${offsets.map((o) => `${o.offsetMs.toFixed(1)}±${(o.rttMs / 2).toFixed(1)}`).join(', ')} ms (corrected)`);
  console.log(`camera connections    Vigil->simulator TCP: ${connsBefore} before viewers, ${connsDuring} with ${K}+1 viewers (${N} cameras); RTSP sessions playing ${simBefore.playing} -> ${simDuring.playing}`);
  const target = g2g.p95 < 1500 ? 'MET' : 'MISSED';
  console.log(`target glass-to-glass < 1500 ms (p95): ${target}`);
  console.log('RESULT ' + JSON.stringify({
    viewers: K, cameras: N, fps, seconds: S,
    sign_in_to_first_frame_ms: signInToFirstFrameMs, sign_in_to_all_tiles_ms: signInToAllTilesMs, open_view_to_first_frame_ms: openViewToFirstFrameMs,
    glass_to_glass_ms: roundStats(g2g), sent_to_page_ms: roundStats(net), page_to_shown_ms: roundStats(browserPart), server_ms: roundStats(server),
    frames_shown: shownFrames, unmatched_frames: unmatched,
    camera_connections_before: connsBefore, camera_connections_during: connsDuring, rtsp_sessions_before: simBefore.playing, rtsp_sessions_during: simDuring.playing,
    target_met: g2g.p95 < 1500,
  }));
  if (connsDuring !== connsBefore) process.exitCode = 1;
} finally {
  probe?.close();
  await browser?.close();
  await stopAll();
  await sim?.close();
  rmSync(work, { recursive: true, force: true });
}
