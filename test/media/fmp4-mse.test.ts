// The fragments are made for browsers: feed them to a real Chromium through Media Source
// Extensions, as the live view does, and check what the video element sees.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { groupH264AccessUnits, splitAnnexB } from '../../src/media/annexb.ts';
import { mseMimeType } from '../../src/media/fmp4.ts';
import { Fmp4Fragmenter, type FragmenterOutput } from '../../src/media/fmp4-fragmenter.ts';
import { isKeyframe } from '../../src/media/h264.ts';

const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
let dir = '';
let browser: Browser | null = null;

before(async () => {
  const ff = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (ff.error || ff.status !== 0) throw new Error('ffmpeg is required for this test: apt-get install -y ffmpeg');
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  dir = mkdtempSync(join(tmpdir(), 'vigil-mse-'));
  const enc = (size: string, seconds: number, bf: number, name: string) =>
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-t', String(seconds), '-c:v', 'libx264',
      '-g', '25', '-bf', String(bf), '-pix_fmt', 'yuv420p', '-preset', 'veryfast', '-f', 'h264', join(dir, name)]);
  await Promise.all([enc('640x360', 4, 0, 'a.h264'), enc('320x240', 2, 0, 'b.h264')]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function fragments(files: string[]): FragmenterOutput[] {
  const f = new Fmp4Fragmenter();
  const out: FragmenterOutput[] = [];
  let dts = 0;
  for (const name of files) {
    for (const nalus of groupH264AccessUnits(splitAnnexB(readFileSync(join(dir, name))))) {
      out.push(...f.push({ nalus, dts, pts: dts, keyframe: isKeyframe(nalus) }));
      dts += 3600;
    }
  }
  out.push(...f.flush());
  return out;
}

/** Runs in the page (plain JS: the test's TypeScript has no DOM types). */
const MSE_PLAYER = `async ({ mime, chunks }) => {
  const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const ms = new MediaSource();
  video.src = URL.createObjectURL(ms);
  await new Promise((r) => ms.addEventListener('sourceopen', r, { once: true }));
  if (!MediaSource.isTypeSupported(mime)) return { error: \`unsupported \${mime}\`, ranges: [], widths: [] };
  const sb = ms.addSourceBuffer(mime);
  for (const c of chunks) {
    const done = new Promise((r) => {
      sb.addEventListener('updateend', () => r(null), { once: true });
      sb.addEventListener('error', () => r('append error'), { once: true });
    });
    sb.appendBuffer(bytes(c));
    const err = await done;
    if (err || video.error) return { error: err ?? \`video error \${video.error?.code} \${video.error?.message}\`, ranges: [], widths: [] };
  }
  ms.endOfStream();
  const ranges = [];
  for (let i = 0; i < sb.buffered.length; i++) ranges.push([sb.buffered.start(i), sb.buffered.end(i)]);
  const widths = [];
  for (const t of [1, 5]) {
    video.currentTime = t;
    await new Promise((r) => video.addEventListener('seeked', r, { once: true }));
    // The decoder reports the new size once a picture of the new stream is out.
    await new Promise((r) => setTimeout(r, 200));
    widths.push(video.videoWidth);
  }
  return { error: video.error ? \`video error \${video.error.code}\` : null, ranges, widths };
}`;

interface PageResult { error: string | null; ranges: [number, number][]; widths: number[] }

test('Chromium MSE accepts init + per-picture fragments, including a mid-stream resolution change', async () => {
  const outputs = fragments(['a.h264', 'b.h264']);
  const first = outputs[0];
  assert.ok(first.kind === 'init');
  const mime = mseMimeType(first.config);
  const page = await browser!.newPage();
  try {
    const args = JSON.stringify({ mime, chunks: outputs.map((o) => o.data.toString('base64')) });
    const result = (await page.evaluate(`(${MSE_PLAYER})(${args})`)) as PageResult;
    assert.equal(result.error, null);
    assert.equal(result.ranges.length, 1, `one continuous buffered range: ${JSON.stringify(result.ranges)}`);
    assert.ok(result.ranges[0][0] < 0.05 && Math.abs(result.ranges[0][1] - 6) < 0.05, `buffered 0..6 s: ${JSON.stringify(result.ranges)}`);
    assert.deepEqual(result.widths, [640, 320]);
  } finally {
    await page.close();
  }
});
