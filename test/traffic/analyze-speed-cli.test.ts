// `vigil analyze --calibrate … --json`: per-track speeds a user can check against their own truth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
let dir = '';
let clip = '';

before(() => {
  for (const bin of ['ffmpeg', 'ffprobe']) {
    try { execFileSync(bin, ['-version'], { stdio: 'ignore' }); } catch { assert.fail(`${bin} is missing: install it with "apt-get install ffmpeg"`); }
  }
  dir = mkdtempSync(join(tmpdir(), 'vigil-speed-cli-'));
  clip = join(dir, 'two-boxes.mp4');
  // A view straight down on a textured plane, 1 px = 5 cm: box A moves right at 130 px/s
  // (6.5 m/s = 23.4 km/h) from 0.5 s, box B left at 150 px/s (7.5 m/s = 27 km/h) from 3 s.
  const bg = join(dir, 'bg.png');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', "color=c=gray:s=640x360:d=1:r=1,geq=lum='128+45*sin(X/7)*sin(Y/9)+mod(X*7+Y*13,17)':cb=128:cr=128", '-frames:v', '1', bg]);
  const graph = [
    `movie=${bg},loop=loop=-1:size=1,fps=25,trim=duration=8,setpts=N/25/TB,format=yuv420p[bg]`,
    'color=c=red:s=80x50:r=25[a]',
    'color=c=blue:s=80x50:r=25[b]',
    "[bg][a]overlay=x='-80+(t-0.5)*130':y=80:enable='gte(t,0.5)':shortest=1[ab]",
    "[ab][b]overlay=x='640-(t-3)*150':y=230:enable='gte(t,3)':shortest=1[out0]",
  ].join(';');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', graph, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CAL = '0,0=0,0;1,0=32,0;1,1=32,18;0,1=0,18';

test('--calibrate adds every vehicle track with its speed ± uncertainty, in the file\'s time', () => {
  const r = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--calibrate', CAL, '--detector', 'motion', '--json'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.calibration.points, 4);
  assert.ok(doc.calibration.rms_ground_m < 1e-6);
  const tracks: { id: number; class: string; t_in: number; t_out: number; speed_kmh: number; speed_err_kmh: number }[] = doc.tracks;
  assert.equal(tracks.length, 2, JSON.stringify(tracks));
  const [a, b] = [...tracks].sort((x, y) => x.t_in - y.t_in);
  for (const [tr, kmh, from] of [[a, 23.4, 0.5], [b, 27, 3]] as const) {
    assert.equal(tr.class, 'car');
    assert.ok(Math.abs(tr.speed_kmh - kmh) < 1.5, `${tr.speed_kmh} km/h, truth ${kmh}`);
    assert.ok(tr.speed_err_kmh > 0 && tr.speed_err_kmh < 3, `± ${tr.speed_err_kmh}`);
    assert.ok(tr.t_in >= from && tr.t_in < from + 1.2, `t_in ${tr.t_in}`);
    assert.ok(tr.t_out > tr.t_in + 2 && tr.t_out <= 8);
    assert.deepEqual(Object.keys(tr), ['id', 'class', 't_in', 't_out', 'speed_kmh', 'speed_err_kmh']);
  }
  // without --calibrate there is no traffic work and no "tracks"
  const plain = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--detector', 'motion', '--max-frames', '5', '--json'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(JSON.parse(plain.stdout).tracks, undefined);
});

test('parity: the speeds `analyze --calibrate` prints are those the live traffic rule and the evaluation compute (one estimator)', async () => {
  const r = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--calibrate', CAL, '--detector', 'motion', '--json'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const cli: { id: number; speed_kmh: number; speed_err_kmh: number }[] = JSON.parse(r.stdout).tracks;
  // the same file through the same pipeline in-process, the tracks fed to a live camera's traffic rule
  const { analyzeVideo } = await import('../../src/analytics/index.ts');
  const { parseAnalyzeArgs } = await import('../../src/cli/analyze-args.ts');
  const { detectorFactory } = await import('../../src/cli/analyze-command.ts');
  const { fitHomography, parseCalibrationSpec, trafficOptions, TrafficAnalyser } = await import('../../src/traffic/index.ts');
  // what a live camera's traffic rule runs (live-rule.ts), with a lane over the whole picture
  const analyser = new TrafficAnalyser(trafficOptions({ lanes: [{ name: 'all', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }], speed: [] }, fitHomography(parseCalibrationSpec(CAL))));
  await analyzeVideo(parseAnalyzeArgs([clip, '--detector', 'motion']), detectorFactory('motion', () => {}), () => {}, (a, pts) => { analyser.update(a.tracks, pts); });
  const live = analyser.close().filter((s) => s.speedKmh !== null);
  assert.deepEqual(live.map((s) => [s.id, s.speedKmh, s.speedErrKmh]).sort(), cli.map((t) => [t.id, t.speed_kmh, t.speed_err_kmh]).sort());
});

test('a degenerate calibration is refused before any work, with the reason', () => {
  const r = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--calibrate', '0.1,0.1=0,0;0.2,0.2=1,1;0.3,0.3=2,2;0.9,0.1=9,0', '--json'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /--calibrate: points 1, 2, 3 lie on one line/);
  const bad = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--calibrate', '0.1,0.1=0,0;0.2', '--json'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /point 2/);
});
