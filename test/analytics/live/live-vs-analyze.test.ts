// The live server counts what `vigil analyze` counts on the same pictures. A running Vigil ingests
// a simulated camera replaying vtest (real pedestrians) over RTSP; a live analyser on its fan-out
// (the class the server runs per camera, with the camera's stored settings: whole-frame zone, crowd
// rule, tiles, per-class thresholds) counts the people in each analysed frame. The pictures it
// analysed are written losslessly (FFV1) at the analysis rate, and `vigil analyze` (a real child
// process) counts them with the same settings given as options: the per-frame person counts must be
// identical. (same-counts.test.ts checks the same on frames decoded from the file; this one goes
// through RTSP, the live fan-out and the live frame source, and the live clock.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CameraAnalyser, NANODET_TRACKER, createSharedDetector, decodeFrames, parseAnalyticsSettings, zoneOccupancy } from '../../../src/analytics/index.ts';
import { startSimulator, VTEST_AVI_PATH } from './sim.ts';
import { startTestVigil } from '../../helpers/vigil-instance.ts';

const MAIN = join(import.meta.dirname, '../../../src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'vigil-live-vs-analyze-'));
after(() => rmSync(dir, { recursive: true, force: true }));
if (!process.env.VIGIL_MODEL_DIR) process.env.VIGIL_MODEL_DIR = join(dir, 'models');

const WHOLE: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
const FRAMES = 40;

test('the live analyser on a camera of a running server and vigil analyze on the pictures it analysed count the same people in every frame', { timeout: 300_000 }, async () => {
  assert.ok(existsSync(VTEST_AVI_PATH), `${VTEST_AVI_PATH} missing: apt-get install opencv-doc`);
  const sim = await startSimulator();
  const v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Plaza', url: sim.urls[0] }] });
  const detector = await createSharedDetector();
  const settings = parseAnalyticsSettings({
    enabled: true, detector: 'neural', fps: 5, tamper: false,
    zones: [{ name: 'ALL', polygon: WHOLE }],
    crowd: [{ name: 'ALL', polygon: WHOLE, threshold: 1000 }],
    detection: { tiles: { rows: 1 }, classes: { person: { low: 0.2, high: 0.4, start: 0.5 } } },
  });
  const live: { t: number; person: number }[] = [];
  const pictures: Buffer[] = [];
  let size = { width: 0, height: 0 };
  const errors: string[] = [];
  let analyser: CameraAnalyser | null = null;
  try {
    const done = new Promise<void>((resolve) => {
      analyser = new CameraAnalyser({
        cameraId: 'cam1', settings, runtime: v.fleet, detector: (s) => ((size = s), detector), tracker: NANODET_TRACKER,
        onEvents: () => {}, onError: (m) => errors.push(m),
        onAnalysed: (a, rgb) => {
          if (live.length >= FRAMES) return;
          live.push({ t: a.t, person: zoneOccupancy(a.present, WHOLE).person ?? 0 });
          pictures.push(Buffer.from(rgb));
          if (live.length === FRAMES) resolve();
        },
      });
    });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`only ${live.length} frames analysed in 120 s: ${errors.join('; ')}`)), 120_000))]);
  } finally {
    await (analyser as CameraAnalyser | null)?.stop();
    await detector.close();
    await v.stop();
    await sim.close();
  }
  const stats = (analyser as unknown as CameraAnalyser).stats;
  assert.ok(live.some((f) => f.person >= 3), `people were counted live: ${JSON.stringify(live.map((f) => f.person))}`);

  // the analysed pictures, losslessly, one per 1/5 s
  const file = join(dir, 'analysed.mkv');
  const ff = spawn('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${size.width}x${size.height}`, '-framerate', '5', '-i', '-', '-c:v', 'ffv1', '-pix_fmt', 'bgr0', file], { stdio: ['pipe', 'ignore', 'inherit'] });
  for (const p of pictures) ff.stdin.write(p);
  ff.stdin.end();
  assert.equal(await new Promise((r) => ff.on('close', r)), 0, 'ffmpeg wrote the pictures');
  // what vigil analyze will read is exactly what the live analyser saw
  let i = 0;
  for await (const f of decodeFrames({ input: file, fps: 5 }, size)) {
    assert.ok(Buffer.from(f.rgb).equals(pictures[i]), `picture ${i} read back as written`);
    i++;
  }
  assert.equal(i, FRAMES);

  const r = spawnSync(process.execPath, [MAIN, 'analyze', file, '--zone', 'ALL:0,0;1,0;1,1;0,1', '--crowd', 'ALL:1000', '--tiles', '1', '--score', 'person:0.2,0.4,0.5',
    '--detector', 'neural', '--no-tamper', '--fps', '5', '--width', String(size.width), '--json'], { encoding: 'utf8', timeout: 240_000, env: process.env });
  assert.equal(r.status, 0, r.stderr);
  const offline = (JSON.parse(r.stdout).occupancy.ALL as ({ t: number } & Record<string, number>)[]).map((s) => s.person ?? 0);
  const gaps = live.slice(1).map((f, k) => Math.round((f.t - live[k].t) * 1000));
  assert.deepEqual(live.map((f) => f.person), offline, `live ${JSON.stringify(live.map((f) => f.person))} vs offline ${JSON.stringify(offline)}; live frame gaps (ms) ${JSON.stringify(gaps)}; dropped ${stats.framesDropped}`);
});
