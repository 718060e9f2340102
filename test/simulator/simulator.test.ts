import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureClip, loadClip, parseSimulatorArgs, startSimulator } from '../../src/simulator/index.ts';
import { RtspClient } from '../../src/media/rtsp-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE = path.join(os.tmpdir(), 'vigil-test-sim-cache');

function nodeScript(code: string): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; stdout: string; stderr: string }>; lines: (want: (s: string) => boolean) => Promise<string> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { want: (s: string) => boolean; resolve: (s: string) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...waiters]) if (w.want(stdout)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(stdout); }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => child.on('close', (code) => r({ code, stdout, stderr })));
  return { child, done, lines: (want) => new Promise((resolve) => (want(stdout) ? resolve(stdout) : waiters.push({ want, resolve }))) };
}

test('two processes filling an empty cache at once both get a complete clip', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-simcache-'));
  try {
    const code = `import { ensureClip } from ${JSON.stringify(path.join(ROOT, 'src/simulator/clip-cache.ts'))}; const c = await ensureClip(${JSON.stringify(dir)}, 'testsrc2'); console.log(JSON.stringify(c.meta));`;
    const [a, b] = await Promise.all([nodeScript(code).done, nodeScript(code).done]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual((await readdir(dir)).sort(), ['testsrc2.h264', 'testsrc2.json'], 'no temporary files left');
    const clip = await loadClip({ meta: JSON.parse(await readFile(path.join(dir, 'testsrc2.json'), 'utf8')), h264Path: path.join(dir, 'testsrc2.h264') });
    assert.equal(clip.frames.length, 250, '10 s at 25 fps');
    assert.equal(clip.meta.fps, 25);
    clip.frames.forEach((f, i) => assert.equal(f.keyframe, i % 25 === 0, `frame ${i}: GOP of 1 s`));
    assert.ok(clip.frames.every((f) => f.nalus.every((n) => (n[0] & 0x1f) !== 5 || f.keyframe)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cached clips are reused, not re-encoded', async () => {
  const first = await ensureClip(CACHE, 'testsrc2');
  const t0 = Date.now();
  const again = await ensureClip(CACHE, 'testsrc2');
  assert.equal(again.h264Path, first.h264Path);
  assert.ok(Date.now() - t0 < 200);
});

test('argument parsing', () => {
  const o = parseSimulatorArgs(['--cameras', '32', '--port=9554', '--host', '0.0.0.0', '--auth', 'digest', '--user', 'a', '--password', 'b', '--no-udp']);
  assert.equal(o.cameras, 32);
  assert.equal(o.port, 9554);
  assert.equal(o.host, '0.0.0.0');
  assert.deepEqual(o.auth, { scheme: 'digest', username: 'a', password: 'b' });
  assert.equal(o.udp, false);
  assert.throws(() => parseSimulatorArgs(['--cameras', '0']), { code: 'SIM_USAGE' });
  assert.throws(() => parseSimulatorArgs(['--cameras']), { code: 'SIM_USAGE' });
  assert.throws(() => parseSimulatorArgs(['--bogus']), { code: 'SIM_USAGE' });
  assert.throws(() => parseSimulatorArgs(['--auth', 'basic']), { code: 'SIM_USAGE' });
});

test('many cameras share few clips with different offsets; unwatched cameras cost no timer', async () => {
  const sim = await startSimulator({ cameras: 50, port: 0, cacheDir: CACHE, clips: ['testsrc2', 'smptehdbars'] });
  try {
    assert.equal(sim.urls.length, 50);
    assert.equal(sim.urls[49], `rtsp://127.0.0.1:${sim.port}/cam50`);
    const clips = new Set(sim.cameras.map((c) => c.clip));
    assert.equal(clips.size, 2, 'clips are loaded once and shared');
    const sameClip = sim.cameras.filter((c) => c.clip === sim.cameras[0].clip);
    assert.ok(new Set(sameClip.map((c) => c.offset)).size > 10, 'cameras on one clip start at different frames');
    // No viewers: nothing is scheduled, so an idle simulator does not keep ticking.
    const handles = (process as any).getActiveResourcesInfo() as string[];
    assert.equal(handles.filter((h) => h === 'Timeout').length, 0, `timers: ${handles.join(',')}`);
  } finally {
    await sim.close();
  }
});

test('runSimulatorCli serves cameras until SIGTERM', async () => {
  const code = `import { runSimulatorCli } from ${JSON.stringify(path.join(ROOT, 'src/simulator/index.ts'))}; await runSimulatorCli(['--cameras', '2', '--port', '0', '--cache-dir', ${JSON.stringify(CACHE)}, '--clips', 'testsrc2']);`;
  const proc = nodeScript(code);
  try {
    const out = await Promise.race([proc.lines((s) => /cam2\n/.test(s)), proc.done.then((r) => assert.fail(`exited early: ${r.stderr}`))]);
    const url = /rtsp:\/\/\S+\/cam2/.exec(out as string)![0];
    const client = new RtspClient({ url });
    let n = 0;
    client.on('accessUnit', () => n++);
    await client.connect();
    await new Promise((r) => setTimeout(r, 1500));
    await client.close();
    assert.ok(n > 0, 'frames from the CLI-started simulator');
    proc.child.kill('SIGTERM');
    const r = await proc.done;
    assert.equal(r.code, 0, r.stderr);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('--stamp-time: each picture carries its send time in an SEI just before the first slice', async () => {
  const { SimulatedCamera, SimulatorClock } = await import('../../src/simulator/simulated-camera.ts');
  const { readCaptureTime } = await import('../../src/analytics/index.ts');
  assert.equal(parseSimulatorArgs(['--stamp-time']).stampTime, true);
  assert.equal(parseSimulatorArgs([]).stampTime, undefined);
  const sps = Buffer.from([0x67, 0x4d, 0x00, 0x1e]);
  const pps = Buffer.from([0x68, 0xee, 0x3c, 0x80]);
  const idr = Buffer.from([0x65, 0x88, 0x84, 0x21]);
  const clip = { meta: { name: 't', fps: 25, width: 640, height: 360, durationSec: 1, source: 't' }, codec: 'h264' as const, sps, pps, frames: [{ nalus: [sps, pps, idr], keyframe: true }] };
  const clock = new SimulatorClock(25);
  const cam = new SimulatedCamera('cam1', clip, 0, clock, true);
  const units: Buffer[][] = [];
  const off = cam.subscribe((au) => units.push(au.nalus));
  const before = Date.now();
  cam.emitFrame(0);
  off();
  clock.stop();
  const nalus = units.at(-1)!;
  assert.deepEqual(nalus.map((n) => n[0] & 0x1f), [7, 8, 6, 5], 'SPS, PPS, SEI, IDR');
  // The fMP4 sample keeps SEI and slice (not SPS/PPS): the node reads the time back from there.
  const body = Buffer.concat(nalus.slice(2).flatMap((n) => [Buffer.from([0, 0, 0, n.length]), n]));
  const mdat = Buffer.concat([Buffer.from([0, 0, 0, 8 + body.length]), Buffer.from('mdat'), body]);
  const t = readCaptureTime(mdat, 'h264')!;
  assert.ok(t >= before && t <= Date.now(), `send time ${t} within the emit call`);
  assert.deepEqual(clip.frames[0].nalus, [sps, pps, idr], 'the shared clip itself is left alone');
});
