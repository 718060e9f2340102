import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startSimulator } from '../../src/simulator/index.ts';
import { decodeFrames, probeVideo, scaledSize } from '../../src/analytics/frame-source.ts';

test('frames from a live RTSP camera (the simulator) at the analysis rate', { timeout: 60000 }, async () => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  } catch {
    assert.fail('ffmpeg is missing: install it with "apt-get install ffmpeg"');
  }
  const cache = mkdtempSync(join(tmpdir(), 'vigil-frames-rtsp-'));
  const sim = await startSimulator({ cameras: 1, port: 0, host: '127.0.0.1', cacheDir: cache, clips: ['testsrc2'], udp: false });
  try {
    const info = await probeVideo(sim.urls[0]);
    assert.ok(info.width > 0 && info.height > 0);
    const size = scaledSize(info, 320);
    const started = performance.now();
    const times: number[] = [];
    let nonBlack = 0;
    for await (const f of decodeFrames({ input: sim.urls[0], fps: 5, maxFrames: 10 }, size)) {
      times.push(f.t);
      let s = 0;
      for (let i = 0; i < f.rgb.length; i += 97) s += f.rgb[i];
      if (s > 0) nonBlack++;
    }
    const elapsed = (performance.now() - started) / 1000;
    assert.deepEqual(times, [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8]);
    assert.equal(nonBlack, 10, 'frames carry picture');
    // a live source runs in real time: 10 frames at 5 fps take about 2 s, not a burst
    assert.ok(elapsed > 1.2, `10 live frames in ${elapsed.toFixed(2)} s`);
  } finally {
    await sim.close();
    rmSync(cache, { recursive: true, force: true });
  }
});
