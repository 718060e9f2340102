// Our RTSP client against our RTSP server (through the simulator), plus ffmpeg as an independent
// client proving the server speaks standard RTSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ensureClip } from '../../src/simulator/clip-cache.ts';
import { loadClip } from '../../src/simulator/clip.ts';
import { RtspClient, type RtspTransport } from '../../src/media/rtsp-client.ts';
import { RtspError } from '../../src/media/rtsp-errors.ts';
import type { AccessUnit } from '../../src/media/types.ts';

// A cache shared across runs: clips are encoded once per machine, as in production.
const CACHE = path.join(os.tmpdir(), 'vigil-test-sim-cache');

async function receive(url: string, transport: RtspTransport, ms: number, creds?: { username: string; password: string }) {
  const client = new RtspClient({ url, transport, ...creds });
  const units: AccessUnit[] = [];
  const arrivals: number[] = [];
  const errors: RtspError[] = [];
  const t0 = Date.now();
  client.on('accessUnit', (au) => {
    units.push(au);
    arrivals.push(Date.now() - t0);
  });
  client.on('error', (e) => errors.push(e));
  const track = await client.connect();
  await new Promise((r) => setTimeout(r, ms));
  await client.close();
  return { track, units, arrivals, errors, stats: client.stats };
}

let sim: Simulator;
let authSim: Simulator;
let digestNoQop: Simulator;
before(async () => {
  sim = await startSimulator({ cameras: 3, port: 0, cacheDir: CACHE, clips: ['testsrc2', 'smptehdbars'] });
  authSim = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'], auth: { scheme: 'digest', username: 'operator', password: 'pa ss:wörd' } });
  digestNoQop = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'], auth: { scheme: 'digest', username: 'op', password: 'pw', digestQop: false } });
});
after(async () => {
  await sim?.close();
  await authSim?.close();
  await digestNoQop?.close();
});

for (const transport of ['tcp', 'udp'] as const) {
  test(`${transport}: keyframe within 2 s, increasing 90 kHz dts at 25 fps, SPS/PPS of the clip`, async () => {
    const clip = await loadClip(await ensureClip(CACHE, 'smptehdbars'));
    const r = await receive(sim.urls[1], transport, 3000);
    assert.deepEqual(r.errors, []);
    assert.equal(r.track.transport, transport);
    assert.equal(r.track.hasAudio, false);
    assert.deepEqual(r.track.sps, clip.sps, 'sprop SPS is the clip SPS');
    assert.deepEqual(r.track.pps, clip.pps);
    assert.ok(r.units.length >= 40, `got ${r.units.length} units in 3 s`);
    assert.equal(r.units[0].keyframe, true);
    assert.ok(r.arrivals[0] < 2000, `first unit after ${r.arrivals[0]} ms`);
    for (let i = 1; i < r.units.length; i++) assert.equal(r.units[i].dts - r.units[i - 1].dts, 3600, 'one frame at 25 fps');
    assert.equal(r.stats.lostPackets, 0);
    assert.ok(r.units[0].nalus.some((n) => (n[0] & 0x1f) === 7), 'keyframes carry SPS in band');
    // Every unit is a frame of the clip, byte for byte.
    const idx = clip.frames.findIndex((f) => f.nalus.length === r.units[5].nalus.length && f.nalus.every((n, k) => n.equals(r.units[5].nalus[k])));
    assert.ok(idx >= 0, 'a received unit matches a clip frame exactly');
  });
}

test('two viewers of one camera get the very same RTP stream (packetized once)', async () => {
  const a = new RtspClient({ url: sim.urls[0] });
  const b = new RtspClient({ url: sim.urls[0], transport: 'udp' });
  const seen = new Map<number, Buffer[]>();
  const both: number[] = [];
  for (const c of [a, b]) {
    c.on('accessUnit', (au) => {
      const prev = seen.get(au.dts);
      if (prev) {
        assert.deepEqual(au.nalus, prev);
        both.push(au.dts);
      } else seen.set(au.dts, au.nalus);
    });
  }
  await Promise.all([a.connect(), b.connect()]);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(sim.server.stats().playing, 2);
  await Promise.all([a.close(), b.close()]);
  assert.ok(both.length >= 10, `units seen by both: ${both.length}`);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sim.server.stats().sessions, 0, 'TEARDOWN/close ends the sessions');
});

test('timestamps increase across clip loops (no jump back when the clip restarts)', () => {
  const cam = sim.cameras[0];
  const n = cam.clip.frames.length;
  const dts: number[] = [];
  const off = cam.subscribe((au) => dts.push(au.dts));
  for (let i = n - 2; i < n + 2; i++) cam.emitFrame(i);
  off();
  assert.deepEqual(dts, [n - 2, n - 1, n, n + 1].map((i) => i * 3600));
});

test('Digest with qop: right credentials play, wrong ones give AUTH_FAILED, none give AUTH_FAILED', async () => {
  const r = await receive(authSim.urls[0], 'tcp', 1500, { username: 'operator', password: 'pa ss:wörd' });
  assert.ok(r.units.length > 0);
  await assert.rejects(new RtspClient({ url: authSim.urls[0], username: 'operator', password: 'wrong' }).connect(), { code: 'AUTH_FAILED' });
  await assert.rejects(new RtspClient({ url: authSim.urls[0] }).connect(), { code: 'AUTH_FAILED' });
});

test('Digest without qop, credentials from the URL (and the URL is stripped of them)', async () => {
  const url = digestNoQop.urls[0].replace('rtsp://', 'rtsp://op:pw@');
  const c = new RtspClient({ url });
  assert.equal(c.url, digestNoQop.urls[0]);
  const r = await receive(url, 'udp', 1500);
  assert.ok(r.units.length > 0);
  await c.close();
  await assert.rejects(new RtspClient({ url: url.replace('op:pw', 'op:no') }).connect(), { code: 'AUTH_FAILED' });
});

test('Basic auth on our server', async () => {
  const basic = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'], auth: { scheme: 'basic', username: 'u', password: 'p' } });
  try {
    const r = await receive(basic.urls[0], 'tcp', 1500, { username: 'u', password: 'p' });
    assert.ok(r.units.length > 0);
    await assert.rejects(new RtspClient({ url: basic.urls[0], username: 'u', password: 'x' }).connect(), { code: 'AUTH_FAILED' });
  } finally {
    await basic.close();
  }
});

test('ffmpeg reads our simulator over TCP and UDP (independent check of the server)', async () => {
  for (const transport of ['tcp', 'udp']) {
    // Async: the server under test lives in this process, a blocking spawn would starve it.
    const r = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-rtsp_transport', transport, '-i', sim.urls[2], '-t', '1.5', '-f', 'null', '-'], 15_000);
    assert.equal(r.code, 0, `ffmpeg ${transport}: ${r.stderr}`);
    assert.equal(r.stderr.trim(), '', `ffmpeg reported errors decoding: ${r.stderr}`);
  }
});

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => reject(new Error(`${cmd} missing? install with: sudo apt-get install -y ffmpeg (${e.message})`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
