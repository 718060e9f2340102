// H.265 end to end: our RTSP client records from our server (the simulator with x265 clips) over
// TCP and UDP and from Debian's GStreamer RTSP server (x265enc ! rtph265pay); ffprobe plays the
// fMP4 the fragmenter makes of it. Also through the recorder's connector, unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { RtspClient, type RtspTransport } from '../../src/media/rtsp-client.ts';
import { Fmp4Fragmenter, type FragmenterOutput } from '../../src/media/fmp4-fragmenter.ts';
import type { AccessUnit } from '../../src/media/types.ts';
import { rtspConnector } from '../../src/recorder/rtsp-connector.ts';
import { freePort } from '../helpers/daemon.ts';

const run = promisify(execFile);
const CACHE = path.join(os.tmpdir(), 'vigil-test-sim-cache');
const GST_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gst-launch-rtsp.py');
const GST_APT = 'sudo apt-get install -y python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-bad gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-base';
let sim: Simulator;
let dir = '';

before(async () => {
  const enc = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  if (enc.error || !/libx265/.test(enc.stdout)) throw new Error('ffmpeg with libx265 is required: sudo apt-get install -y ffmpeg');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-rtsp-h265-'));
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'], codec: 'h265' });
});

after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function receive(url: string, transport: RtspTransport, ms: number) {
  const client = new RtspClient({ url, transport });
  const units: AccessUnit[] = [];
  const errors: Error[] = [];
  client.on('accessUnit', (au) => units.push(au));
  client.on('error', (e) => errors.push(e));
  const track = await client.connect();
  await new Promise((r) => setTimeout(r, ms));
  await client.close();
  return { track, units, errors, stats: client.stats };
}

/** Fragment the units with no hints (no config, no codec option) and check the file with ffprobe. */
async function recordAndProbe(name: string, units: AccessUnit[]) {
  const f = new Fmp4Fragmenter();
  const out: FragmenterOutput[] = [];
  for (const au of units) out.push(...f.push(au));
  out.push(...f.flush());
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat(out.map((o) => o.data)));
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file]);
  const s = JSON.parse(stdout).streams[0] as { codec_name: string; codec_tag_string: string; width: number; height: number; nb_read_frames: string };
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return { s, decodeErrors: stderr.trim(), fragments: out.filter((o) => o.kind === 'fragment').length, inits: out.filter((o) => o.kind === 'init') };
}

for (const transport of ['tcp', 'udp'] as const) {
  test(`${transport}: H.265 from our server (x265 clip) is recorded and plays in ffprobe`, async () => {
    const { track, units, errors, stats } = await receive(sim.urls[0], transport, 2500);
    assert.deepEqual(errors, []);
    assert.equal(track.codec, 'h265');
    assert.ok(track.vps && track.sps && track.pps, 'parameter sets from sprop-vps/sps/pps');
    assert.ok(units.length >= 30, `25 fps for 2.5 s, less the wait for the first keyframe (up to 1 s), got ${units.length}`);
    assert.equal(units[0].keyframe, true);
    assert.ok(units.every((u) => u.codec === 'h265'));
    const steps = units.slice(1).map((u, i) => u.dts - units[i].dts);
    assert.ok(steps.every((d) => d === 3600), `90 kHz steps of 3600: ${[...new Set(steps)].join(',')}`);
    assert.equal(stats.malformed, 0);
    const r = await recordAndProbe(`sim-${transport}.mp4`, units);
    assert.equal(r.inits.length, 1);
    assert.deepEqual([r.s.codec_name, r.s.codec_tag_string, r.s.width, r.s.height], ['hevc', 'hvc1', 640, 360]);
    assert.equal(Number(r.s.nb_read_frames), units.length);
    assert.equal(r.decodeErrors, '');
  });
}

test('ffmpeg, an independent client, reads H.265 from our server', async () => {
  const file = path.join(dir, 'ffmpeg-client.mkv');
  await run('ffmpeg', ['-v', 'error', '-y', '-rtsp_transport', 'tcp', '-i', sim.urls[0], '-t', '2', '-c', 'copy', file], { timeout: 15_000 });
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'csv=p=0', file]);
  const [codec, w, h, frames] = stdout.trim().split(',');
  assert.deepEqual([codec, w, h], ['hevc', '640', '360']);
  assert.ok(Number(frames) >= 40, `frames ${frames}`);
});

test('the recorder connector (unchanged) passes H.265 keyframes with VPS/SPS/PPS, and they mux', async () => {
  const units: AccessUnit[] = [];
  const errors: Error[] = [];
  const conn = rtspConnector(pino({ level: 'silent' }))(
    { id: 'c1', url: sim.urls[0], username: null, password: null, transport: 'tcp', record: true },
    { onAccessUnit: (au) => units.push(au), onError: (e) => errors.push(e) },
  );
  await new Promise((r) => setTimeout(r, 2500));
  conn.close();
  assert.deepEqual(errors, []);
  assert.ok(units.length >= 20, `units ${units.length}`);
  const key = units.find((u) => u.keyframe)!;
  const types = key.nalus.map((n) => (n[0] >> 1) & 0x3f);
  assert.ok(types.includes(32) && types.includes(33) && types.includes(34), `keyframe NAL types ${types}`);
  const r = await recordAndProbe('connector.mp4', units);
  assert.deepEqual([r.s.codec_name, r.s.width, r.s.height], ['hevc', 640, 360]);
  assert.equal(r.decodeErrors, '');
});

async function startGst(launch: string): Promise<{ url: string; stop: () => Promise<void> }> {
  for (const f of ['/usr/bin/python3', '/usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib']) {
    if (!existsSync(f)) throw new Error(`GStreamer RTSP server not available (missing ${f}); install with: ${GST_APT}`);
  }
  for (const el of ['x265enc', 'rtph265pay', 'h265parse']) {
    const r = spawnSync('gst-inspect-1.0', [el], { stdio: 'ignore' });
    if (r.error || r.status !== 0) throw new Error(`GStreamer element ${el} missing; install with: ${GST_APT}`);
  }
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [GST_SCRIPT, '--port', String(port), '--launch', launch], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`GStreamer did not start: ${stderr.slice(0, 1000)}`)), 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/READY \d+/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`GStreamer RTSP server exited with ${code}: ${stderr.slice(0, 1000)}`));
    });
  });
  return { url: `rtsp://127.0.0.1:${port}/test`, stop };
}

for (const transport of ['tcp', 'udp'] as const) {
  test(`${transport}: H.265 from Debian's GStreamer RTSP server (x265enc ! rtph265pay) is recorded and plays`, async () => {
    const gst = await startGst(
      'videotestsrc is-live=true ! video/x-raw,width=480,height=272,framerate=25/1 ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=600 ' +
        '! video/x-h265,profile=main ! rtph265pay name=pay0 pt=96 config-interval=1',
    );
    try {
      const { track, units, errors, stats } = await receive(gst.url, transport, 3000);
      assert.deepEqual(errors, []);
      assert.equal(track.codec, 'h265');
      assert.ok(units.length >= 25, `units ${units.length}`);
      assert.equal(stats.malformed, 0);
      const r = await recordAndProbe(`gst-${transport}.mp4`, units);
      assert.deepEqual([r.s.codec_name, r.s.width, r.s.height], ['hevc', 480, 272]);
      assert.equal(Number(r.s.nb_read_frames), units.length);
      assert.equal(r.decodeErrors, '');
    } finally {
      await gst.stop();
    }
  });
}
