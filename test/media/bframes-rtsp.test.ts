// B-frames over RTSP: RTP timestamps are presentation times and arrive out of order; the client
// must derive decode times (dts increasing, dts ≤ pts) so the recording plays. An x264 stream with
// -bf 2 goes through our RTSP server and client, and ffprobe checks the recording.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DecodeTimeline } from '../../src/media/decode-timeline.ts';
import { groupH264AccessUnits, splitAnnexB } from '../../src/media/annexb.ts';
import { isKeyframe, parseSps } from '../../src/media/h264.ts';
import { groupH265AccessUnits, h265NalType, isH265Keyframe, parseH265Sps } from '../../src/media/h265.ts';
import { RtspServer, type RtspMediaSource } from '../../src/media/rtsp-server.ts';
import { RtspClient } from '../../src/media/rtsp-client.ts';
import { Fmp4Fragmenter, type FragmenterOutput } from '../../src/media/fmp4-fragmenter.ts';
import type { AccessUnit, VideoCodec } from '../../src/media/types.ts';

const run = promisify(execFile);
let dir = '';

/** Decode order and presentation order of a GOP-less pattern: I P B B P B B ... (frame units). */
function ipbbPts(n: number): number[] {
  const out = [0];
  for (let base = 0; out.length < n; base += 3) out.push(base + 3, base + 1, base + 2);
  return out.slice(0, n);
}

test('DecodeTimeline with the depth from the SPS: dts increasing, dts ≤ pts, decode delayed by exactly D pictures', () => {
  const pts = ipbbPts(60).map((p) => 1_000_000 + p * 3600);
  const tl = new DecodeTimeline(1, 3600);
  const dts = pts.map((p) => tl.next(p));
  for (let i = 0; i < pts.length; i++) {
    assert.ok(dts[i] <= pts[i], `picture ${i}: dts ${dts[i]} ≤ pts ${pts[i]}`);
    if (i > 0) assert.ok(dts[i] > dts[i - 1], 'increasing');
  }
  // Steady state: dts runs one picture behind presentation, on the 3600 grid.
  assert.deepEqual(dts.slice(1, 7).map((d) => d - 1_000_000), [0, 3600, 7200, 10800, 14400, 18000]);
  assert.equal(dts[0], 1_000_000 - 3600);
});

test('DecodeTimeline without reordering is the identity; unknown depth is learnt from the stream', () => {
  const plain = new DecodeTimeline(null);
  const straight = Array.from({ length: 30 }, (_, i) => 5000 + i * 3000);
  assert.deepEqual(straight.map((p) => plain.next(p)), straight);

  // b-pyramid (decode I P B b b: pts 0 4 2 1 3) needs depth 2; learnt within the first GOP.
  const pyramid: number[] = [0];
  for (let base = 0; pyramid.length < 41; base += 4) pyramid.push(base + 4, base + 2, base + 1, base + 3);
  const learn = new DecodeTimeline(null);
  const dts = pyramid.map((p) => learn.next(p * 3600));
  assert.equal(learn.reorderDepth, 2);
  for (let i = 1; i < dts.length; i++) assert.ok(dts[i] > dts[i - 1], 'increasing');
  const late = dts.map((d, i) => pyramid[i] * 3600 - d).slice(8);
  assert.ok(late.every((off) => off >= 0), `after learning, every pts ≥ dts: ${late}`);
  // A camera restart (pts far back) starts a new timeline instead of holding dts up.
  const restart = new DecodeTimeline(0);
  restart.next(50 * 90_000);
  restart.next(50 * 90_000 + 3600);
  assert.equal(restart.next(0), 0);
  assert.equal(restart.next(3600), 3600);
});

before(async () => {
  const r = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw new Error('ffmpeg is required for this test: apt-get install -y ffmpeg');
  dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bframes-'));
  const mp4 = path.join(dir, 'src.mp4');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '4', '-c:v', 'libx264', '-preset', 'veryfast',
    '-profile:v', 'high', '-bf', '2', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-x264-params', 'repeat-headers=1', mp4]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', mp4, '-c', 'copy', '-f', 'h264', path.join(dir, 'src.h264')]);
  const hevc = path.join(dir, 'src265.mp4');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '4', '-c:v', 'libx265', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-x265-params', 'keyint=25:min-keyint=25:scenecut=0:bframes=3:b-pyramid=1:repeat-headers=1:log-level=error', '-tag:v', 'hvc1', hevc]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', hevc, '-c', 'copy', '-f', 'hevc', path.join(dir, 'src265.h265')]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The clip's access units in decode order with the pts ffprobe reads from the MP4. */
async function clipUnits(codec: VideoCodec = 'h264'): Promise<AccessUnit[]> {
  const name = codec === 'h265' ? 'src265' : 'src';
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts,dts:stream=time_base', '-of', 'json', path.join(dir, `${name}.mp4`)]);
  const j = JSON.parse(stdout) as { packets: { pts: number; dts: number }[]; streams: { time_base: string }[] };
  const [num, den] = j.streams[0].time_base.split('/').map(Number);
  const nalus = splitAnnexB(readFileSync(path.join(dir, codec === 'h265' ? 'src265.h265' : 'src.h264')));
  const units = codec === 'h265' ? groupH265AccessUnits(nalus) : groupH264AccessUnits(nalus);
  assert.equal(units.length, j.packets.length);
  return units.map((nalus, i) => {
    const pts = Math.round((j.packets[i].pts * num * 90_000) / den);
    const dts = Math.round((j.packets[i].dts * num * 90_000) / den);
    return codec === 'h265'
      ? { nalus, pts, dts, keyframe: isH265Keyframe(nalus), codec }
      : { nalus, pts, dts, keyframe: isKeyframe(nalus) };
  });
}

/** Replays the clip at 25 fps, looping, with presentation times continuing across loops. */
class BFrameSource implements RtspMediaSource {
  readonly units: AccessUnit[];
  readonly codec: VideoCodec;
  readonly #ps: { sps: Buffer; pps: Buffer; vps?: Buffer };
  constructor(units: AccessUnit[], codec: VideoCodec) {
    this.units = units;
    this.codec = codec;
    const first = units[0].nalus;
    this.#ps = codec === 'h265'
      ? { vps: first.find((n) => h265NalType(n) === 32)!, sps: first.find((n) => h265NalType(n) === 33)!, pps: first.find((n) => h265NalType(n) === 34)! }
      : { sps: first.find((n) => (n[0] & 0x1f) === 7)!, pps: first.find((n) => (n[0] & 0x1f) === 8)! };
  }
  parameterSets() {
    return this.#ps;
  }
  subscribe(on: (au: AccessUnit) => void): () => void {
    let i = 0;
    const loop = this.units.length * 3600;
    const timer = setInterval(() => {
      const u = this.units[i % this.units.length];
      const shift = 900_000 + Math.floor(i / this.units.length) * loop;
      on({ ...u, pts: u.pts + shift, dts: u.dts + shift });
      i++;
    }, 40);
    return () => clearInterval(timer);
  }
}

for (const codec of ['h264', 'h265'] as const) {
test(`${codec === 'h264' ? 'x264 -bf 2' : 'x265 bframes=3 b-pyramid'} through our RTSP server and client: decode times derived, recording plays in ffprobe in presentation order`, async () => {
  const units = await clipUnits(codec);
  assert.ok(units.some((u) => u.pts !== u.dts), 'the clip really has B-frames');
  const depth = codec === 'h265'
    ? parseH265Sps(units[0].nalus.find((n) => h265NalType(n) === 33)!).maxNumReorderPics
    : parseSps(units[0].nalus.find((n) => (n[0] & 0x1f) === 7)!).maxNumReorderFrames;
  assert.ok(depth !== null && depth >= 1, `the SPS declares reordering (${depth})`);
  const server = new RtspServer({ port: 0 });
  server.addPath('/bf', new BFrameSource(units, codec));
  const port = await server.listen();
  const client = new RtspClient({ url: `rtsp://127.0.0.1:${port}/bf`, transport: 'tcp' });
  const got: AccessUnit[] = [];
  client.on('accessUnit', (au) => got.push(au));
  try {
    await client.connect();
    await new Promise((r) => setTimeout(r, 3000));
  } finally {
    await client.close();
    await server.close();
  }
  assert.ok(got.length >= 40, `received ${got.length}`);
  for (let i = 1; i < got.length; i++) assert.ok(got[i].dts > got[i - 1].dts, `dts increasing at ${i}`);
  assert.ok(got.every((u) => u.dts <= u.pts), 'dts ≤ pts everywhere (depth 2 from the SDP SPS)');
  assert.ok(got.some((u) => u.pts - u.dts > 3600), 'B-frames made composition offsets');
  // pts survive the trip (RTP carries them): successive differences match the source's.
  const srcSteps = new Set(units.slice(1).map((u, i) => u.pts - units[i].pts));
  assert.ok(got.slice(1).every((u, i) => srcSteps.has(u.pts - got[i].pts) || u.keyframe), 'pts pattern preserved');

  const f = new Fmp4Fragmenter();
  const out: FragmenterOutput[] = [];
  for (const au of got) out.push(...f.push(au));
  out.push(...f.flush());
  const file = path.join(dir, 'rec.mp4');
  writeFileSync(file, Buffer.concat(out.map((o) => o.data)));
  const { stdout, stderr } = await run('ffprobe', ['-v', 'error', '-show_entries', 'frame=best_effort_timestamp:stream=nb_read_frames,has_b_frames', '-count_frames', '-of', 'json', file]);
  assert.equal(stderr.trim(), '');
  const probe = JSON.parse(stdout) as { frames: { best_effort_timestamp: number }[]; streams: { nb_read_frames: string }[] };
  assert.equal(Number(probe.streams[0].nb_read_frames), got.length);
  const ts = probe.frames.map((fr) => fr.best_effort_timestamp);
  const steps = ts.slice(1).map((t, i) => t - ts[i]);
  // The very last pictures may have no successor in presentation order within the recording.
  assert.ok(steps.slice(0, -3).every((d) => d === 3600), `frames presented every 3600 ticks: ${[...new Set(steps)]}`);
  const { stderr: decodeErr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  assert.equal(decodeErr.trim(), '');
});
}
