import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrames, probeVideo, RING } from '../../src/analytics/frame-source.ts';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
let dir = '';
let clip = '';

function requireFfmpeg(): void {
  for (const bin of ['ffmpeg', 'ffprobe']) {
    try {
      execFileSync(bin, ['-version'], { stdio: 'ignore' });
    } catch {
      assert.fail(`${bin} is missing: install it with "apt-get install ffmpeg"`);
    }
  }
}

before(() => {
  requireFfmpeg();
  dir = mkdtempSync(join(tmpdir(), 'vigil-analyze-'));
  clip = join(dir, 'two-boxes.mp4');
  // 8 s, textured still background. Box A (red, upper row) enters at 0.5 s moving right at 130 px/s;
  // box B (blue, lower row) enters at 3 s moving left. A counting line V runs top to bottom at
  // x = 0.5: A crosses from the cross > 0 side to < 0 (negative), B the other way (positive).
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

/** pids of ffmpeg processes whose parent is this test process */
function ffmpegChildren(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'ffmpeg' && ppid === process.pid) out.push(Number(pid));
    } catch { /* gone */ }
  }
  return out;
}

test('the CLI exits 2 on a bad argument, with the reason and the help on stderr and nothing on stdout', () => {
  const r = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--line', 'L:0.1,0.2,1.5,0.4', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /outside 0\.\.1/);
  assert.match(r.stderr, /NORMALISED/);
  const missing = spawnSync(process.execPath, [MAIN, 'analyze', join(dir, 'nope.mp4'), '--json', '--detector', 'motion'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /SOURCE_UNREADABLE/);
});

test('frames come at the analysis rate from a ring of reused buffers, and stopping early ends ffmpeg', async () => {
  const info = await probeVideo(clip);
  assert.deepEqual([info.width, info.height], [640, 360]);
  const seen: Uint8Array[] = [];
  const times: number[] = [];
  for await (const f of decodeFrames({ input: clip, fps: 4, maxFrames: 7 }, { width: 320, height: 180 })) {
    assert.equal(f.rgb.length, 320 * 180 * 3);
    seen.push(f.rgb);
    times.push(f.t);
  }
  assert.deepEqual(ffmpegChildren(), [], 'ffmpeg still running after the consumer stopped');
  assert.deepEqual(times, [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
  assert.equal(new Set(seen).size, RING, 'no new buffer per frame');
  assert.equal(seen[0], seen[RING]);
});

test('vigil analyze --json on a generated clip: one JSON document, the crossings it must count', () => {
  const annotate = join(dir, 'annotated');
  const r = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--line', 'V:0.5,0.05,0.5,0.95', '--zone', 'Z:0.75,0;1,0;1,0.5;0.75,0.5', '--detector', 'motion', '--annotate', annotate, '--json'], { encoding: 'utf8', timeout: 50000 });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout); // throws unless stdout is exactly one JSON document
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.equal(doc.file, clip);
  assert.equal(doc.frames, 40); // 8 s at 5 fps
  assert.equal(doc.seconds, 8);
  assert.equal(doc.detector, 'motion-blobs');
  // A (red, moving right) is wider than tall: 'car'; crosses V negatively. B the other way.
  assert.deepEqual(doc.lines, { V: { positive: { car: 1 }, negative: { car: 1 } } });
  const crossings = doc.events.filter((e: { kind: string }) => e.kind === 'line_crossing');
  assert.equal(crossings.length, 2);
  // A's left edge reaches x = 0.5 - its width/2 ≈ 280 px at t ≈ 0.5 + 320/130 ≈ 3.0 s (bottom-centre crossing)
  const neg = crossings.find((e: { direction: string }) => e.direction === 'negative');
  assert.ok(neg.t > 2.6 && neg.t < 3.6, `A crossed at ${neg.t}`);
  for (const e of crossings) {
    assert.equal(e.rule, 'V');
    assert.equal(typeof e.trackId, 'number');
    assert.equal(e.box.length, 4);
  }
  // only box A enters the upper-right zone
  const intrusions = doc.events.filter((e: { kind: string }) => e.kind === 'zone_intrusion');
  assert.equal(intrusions.length, 1, JSON.stringify(intrusions));
  // occupancy: the zone's count per class at every analysed frame, in the file's own time
  const occ: { t: number; car?: number; person?: number }[] = doc.occupancy.Z;
  assert.equal(occ.length, 40);
  occ.forEach((s, i) => assert.equal(s.t, Math.round(i * 0.2 * 1000) / 1000));
  const inside = occ.filter((s) => (s.car ?? 0) > 0).map((s) => s.t);
  assert.ok(inside.length >= 3, `A stood in Z at ${inside.join(', ')}`);
  assert.ok(inside.every((t) => t > intrusions[0].t - 0.3), 'and not before it entered');
  assert.ok(occ.every((s) => (s.car ?? 0) <= 1 && !s.person));
  // the detector settings used and what they cost per frame
  assert.equal(doc.detection.inputSize, 320);
  assert.equal(doc.detection.tiles, false, 'no crowd rule: no tiles by default');
  assert.equal(typeof doc.cost.inferencesPerFrame, 'number');
  assert.ok(readdirSync(annotate).some((f) => f.endsWith('.png')));
});

test('a motion mask over the lower half hides box B: only A is counted', () => {
  const r = spawnSync(process.execPath, [MAIN, 'analyze', clip, '--line', 'V:0.5,0.05,0.5,0.95', '--mask', '0,0.55;1,0.55;1,1;0,1', '--detector', 'motion', '--json'], { encoding: 'utf8', timeout: 50000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).lines, { V: { positive: {}, negative: { car: 1 } } });
});

test('occupancy times are the file\'s own presentation times (an MPEG-TS clip starting at 11.4 s)', () => {
  const ts = join(dir, 'late-start.ts');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10:duration=2', '-c:v', 'libx264', '-output_ts_offset', '10', '-f', 'mpegts', ts]);
  const r = spawnSync(process.execPath, [MAIN, 'analyze', ts, '--zone', 'Z:0,0;1,0;1,1;0,1', '--detector', 'motion', '--json'], { encoding: 'utf8', timeout: 50000 });
  assert.equal(r.status, 0, r.stderr);
  const occ: { t: number }[] = JSON.parse(r.stdout).occupancy.Z;
  assert.equal(occ.length, 10);
  // ffmpeg puts the muxer's 1.4 s delay on top of the 10 s offset
  assert.equal(occ[0].t, 11.4);
  assert.equal(occ[9].t, 13.2);
});
