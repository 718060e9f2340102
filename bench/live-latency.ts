// Live view timing in a real browser: time to first frame, and latency from the moment the
// (simulated) camera sends a frame to the moment Chromium presents it.
//   node bench/live-latency.ts [--viewers 3] [--seconds 20]
// The simulator runs in this process, so the send time of every frame is known; its RTP timestamps
// pass unchanged through Vigil's depacketizer and muxer into the fMP4 decode times, which the page
// sees as media time. requestVideoFrameCallback tells when each frame is presented; both clocks
// are this machine's wall clock. Not counted: capture and encoding in a real camera, and the
// display's scan-out after the compositor (headless). Last line: RESULT {json}.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSimulator } from '../src/simulator/index.ts';
import { freePort, launchChromium, buildWeb } from '../test/e2e/helpers.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const VIEWERS = arg('viewers', 3);
const SECONDS = arg('seconds', 20);
const CAMERAS = 4;
const MAIN = path.resolve(import.meta.dirname, '../src/cli/main.ts');
const PASSWORD = 'bench-password-1';
const FIRST_FRAME = `Array.from(document.querySelectorAll('video')).some((v) => v.readyState >= 2 && v.currentTime > 0)`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
}

async function main() {
  buildWeb();
  const sim = await startSimulator({ cameras: CAMERAS, port: 0, cacheDir: path.join(tmpdir(), 'vigil-bench-sim-cache') });
  // Send time of every frame of camera 1, by decode timestamp.
  const sentAt = new Map<number, number>();
  sim.cameras[0].subscribe((au) => {
    sentAt.set(au.dts, performance.timeOrigin + performance.now());
    if (sentAt.size > 20_000) sentAt.delete(sentAt.keys().next().value!);
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-lat-'));
  const port = await freePort();
  const cams = sim.urls.map((u, i) => `  - id: cam${i + 1}\n    name: Camera ${i + 1}\n    url: ${u}\n`).join('');
  writeFileSync(path.join(dir, 'vigil.yaml'), `dataDir: ${dir}/data\nserver:\n  port: ${port}\nlog:\n  level: warn\ncameras:\n${cams}`);
  const vigil = spawn(process.execPath, ['--no-warnings', MAIN, 'start', '--config', path.join(dir, 'vigil.yaml')], {
    env: { ...process.env, VIGIL_ADMIN_PASSWORD: PASSWORD },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {}
    if (i > 200) throw new Error('vigil did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  // let the cameras connect, as an operator arriving at a running system would find them
  await new Promise((r) => setTimeout(r, 3000));

  const browser = await launchChromium();
  try {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(base);
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', PASSWORD);
    const t0 = Date.now();
    await page.click('button[type="submit"]');
    await page.waitForFunction(FIRST_FRAME, undefined, { timeout: 30_000, polling: 10 });
    const loginToFirstFrame = Date.now() - t0;

    const t1 = Date.now();
    await page.goto(`${base}/cameras/cam1`);
    await page.waitForFunction(FIRST_FRAME, undefined, { timeout: 30_000, polling: 10 });
    const viewToFirstFrame = Date.now() - t1;

    // More viewers of the same camera (other pages of the same operator session).
    const extra: Page[] = [];
    for (let i = 1; i < VIEWERS; i++) {
      const p = await ctx.newPage();
      await p.goto(`${base}/cameras/cam1`);
      extra.push(p);
    }
    for (const p of extra) await p.waitForFunction(FIRST_FRAME, undefined, { timeout: 30_000, polling: 50 });
    const playing = sim.server.stats().playing;

    await page.bringToFront();
    // Presentation times of frames for SECONDS.
    const shown = (await page.evaluate(`new Promise((resolve) => {
      const v = document.querySelector('video');
      const out = [];
      const end = performance.now() + ${SECONDS * 1000};
      const cb = (now, m) => {
        out.push([m.mediaTime, performance.timeOrigin + m.expectedDisplayTime]);
        if (performance.now() < end) v.requestVideoFrameCallback(cb); else resolve(out);
      };
      v.requestVideoFrameCallback(cb);
    })`)) as [number, number][];
    const lat: number[] = [];
    let unmatched = 0;
    for (const [mediaTime, displayedAt] of shown) {
      const dts = Math.round(mediaTime * 90) * 1000; // media time in s -> 90 kHz, frames are on whole ms
      const sent = sentAt.get(dts) ?? sentAt.get(Math.round(mediaTime * 90_000));
      if (sent === undefined) unmatched++;
      else lat.push(displayedAt - sent);
    }
    if (lat.length < 50) throw new Error(`only ${lat.length} frames matched (${unmatched} unmatched); the media timeline is not the camera's`);
    const result = {
      login_to_first_frame_ms: loginToFirstFrame,
      camera_view_to_first_frame_ms: viewToFirstFrame,
      glass_to_glass_p50_ms: pct(lat, 50),
      glass_to_glass_p95_ms: pct(lat, 95),
      glass_to_glass_max_ms: Math.round(Math.max(...lat)),
      frames_measured: lat.length,
      viewers_of_cam1: VIEWERS,
      camera_connections: playing,
      cameras: CAMERAS,
    };
    console.log(`\nlive view, ${CAMERAS} cameras, ${VIEWERS} viewers of cam1; ${cpus().length} cores; load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`sign-in click -> first live frame in the grid   ${loginToFirstFrame} ms`);
    console.log(`open camera view -> first frame                 ${viewToFirstFrame} ms`);
    console.log(`camera send -> browser presents frame   p50 ${result.glass_to_glass_p50_ms} ms, p95 ${result.glass_to_glass_p95_ms} ms, max ${result.glass_to_glass_max_ms} ms (${lat.length} frames, ${unmatched} unmatched)`);
    console.log(`RTSP sessions at the cameras: ${playing} for ${CAMERAS} cameras with ${VIEWERS} viewers on one`);
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await browser.close();
    vigil.kill('SIGTERM');
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
