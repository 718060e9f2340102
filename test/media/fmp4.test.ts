import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { groupH264AccessUnits, h264NalType, splitAnnexB } from '../../src/media/annexb.ts';
import { MediaError } from '../../src/media/errors.ts';
import { initSegment, mediaFragment, mseMimeType, type Sample } from '../../src/media/fmp4.ts';
import { Fmp4Fragmenter, type FragmenterOutput } from '../../src/media/fmp4-fragmenter.ts';
import { h264TrackConfig, isKeyframe } from '../../src/media/h264.ts';
import type { AccessUnit } from '../../src/media/types.ts';

const run = promisify(execFile);
let dir = '';

function requireTool(bin: string): void {
  const r = spawnSync(bin, ['-version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw new Error(`${bin} is required for this test: apt-get install -y ffmpeg`);
}

const lavfi = (size: string, seconds: number) => ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-t', String(seconds)];

before(async () => {
  requireTool('ffmpeg');
  requireTool('ffprobe');
  dir = mkdtempSync(join(tmpdir(), 'vigil-fmp4-'));
  const x264 = ['-c:v', 'libx264', '-g', '25', '-pix_fmt', 'yuv420p'];
  await Promise.all([
    run('ffmpeg', [...lavfi('640x360', 4), ...x264, '-bf', '0', '-f', 'h264', join(dir, 'p360.h264')]),
    run('ffmpeg', [...lavfi('1280x720', 4), ...x264, '-bf', '0', '-preset', 'veryfast', '-f', 'h264', join(dir, 'p720.h264')]),
    run('ffmpeg', [...lavfi('320x240', 2), ...x264, '-bf', '0', '-f', 'h264', join(dir, 'p240.h264')]),
    // B-frames: encode into MP4 first so ffmpeg tells us each picture's real pts, then extract
    // the same bytes as Annex B.
    run('ffmpeg', [...lavfi('638x358', 4), ...x264, '-bf', '2', '-profile:v', 'high', join(dir, 'bref.mp4')]).then(() =>
      run('ffmpeg', ['-v', 'error', '-y', '-i', join(dir, 'bref.mp4'), '-c', 'copy', '-f', 'h264', join(dir, 'bframes.h264')]),
    ),
  ]);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function readUnits(name: string): Buffer[][] {
  return groupH264AccessUnits(splitAnnexB(readFileSync(join(dir, name))));
}

function toAccessUnits(units: Buffer[][], ptsOffsets?: number[]): AccessUnit[] {
  return units.map((nalus, i) => ({ nalus, dts: i * 3600, pts: i * 3600 + (ptsOffsets?.[i] ?? 0), keyframe: isKeyframe(nalus) }));
}

function fragmentAll(aus: AccessUnit[], f = new Fmp4Fragmenter()): FragmenterOutput[] {
  const out: FragmenterOutput[] = [];
  for (const au of aus) out.push(...f.push(au));
  out.push(...f.flush());
  return out;
}

function writeMp4(name: string, outputs: FragmenterOutput[]): string {
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(outputs.map((o) => o.data)));
  return file;
}

async function probe(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', file]);
  return JSON.parse(stdout).streams[0] as { codec_name: string; width: number; height: number; nb_read_frames: string; duration: string };
}

async function decodeErrors(file: string): Promise<string> {
  const { stdout, stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return (stdout + stderr).trim();
}

/** MD5 of every decoded picture in presentation order: equal lists mean identical video. */
async function frameHashes(file: string, format?: string): Promise<string[]> {
  const input = format ? ['-f', format, '-i', file] : ['-i', file];
  const { stdout } = await run('ffmpeg', ['-v', 'error', ...input, '-map', '0:v', '-f', 'framemd5', '-'], { maxBuffer: 1 << 24 });
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}

async function frameTimestamps(file: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'frame=best_effort_timestamp', '-of', 'json', file], { maxBuffer: 1 << 24 });
  return (JSON.parse(stdout).frames as { best_effort_timestamp: number }[]).map((f) => f.best_effort_timestamp);
}

// ---- a tiny ISO BMFF reader, to check the boxes themselves --------------------------------------
interface Box { type: string; start: number; size: number; body: Buffer }
function boxes(buf: Buffer, from = 0, to = buf.length): Box[] {
  const out: Box[] = [];
  for (let o = from; o < to; ) {
    const size = buf.readUInt32BE(o);
    assert.ok(size >= 8 && o + size <= to, `box at ${o} has sane size ${size}`);
    out.push({ type: buf.toString('latin1', o + 4, o + 8), start: o, size, body: buf.subarray(o + 8, o + size) });
    o += size;
  }
  return out;
}
function child(parent: Buffer, path: string[], skip: Record<string, number> = {}): Box {
  let cur = parent;
  let found: Box | undefined;
  for (const type of path) {
    found = boxes(cur, skip[type] ?? 0).find((b) => b.type === type);
    assert.ok(found, `box ${type} present`);
    cur = found.body;
  }
  return found!;
}

test('640x360 stream: init + one fragment per picture plays in ffmpeg, bit-exact', async () => {
  const units = readUnits('p360.h264');
  assert.equal(units.length, 100);
  const outputs = fragmentAll(toAccessUnits(units));
  assert.equal(outputs[0].kind, 'init');
  assert.equal(outputs.filter((o) => o.kind === 'init').length, 1);
  const frags = outputs.filter((o) => o.kind === 'fragment');
  assert.equal(frags.length, 100);
  assert.equal(frags.filter((f) => f.keyframe).length, 4, 'one keyframe per 25-picture GOP');
  assert.deepEqual(frags.map((f) => f.dts), units.map((_, i) => i * 3600));
  assert.ok(frags.every((f) => f.duration === 3600), 'last duration repeats the previous one');
  const file = writeMp4('p360.mp4', outputs);
  const s = await probe(file);
  assert.deepEqual([s.codec_name, s.width, s.height, s.nb_read_frames], ['h264', 640, 360, '100']);
  assert.equal(Number(s.duration), 4);
  assert.equal(await decodeErrors(file), '');
  assert.deepEqual(await frameHashes(file), await frameHashes(join(dir, 'p360.h264'), 'h264'), 'decoded pictures identical to the source');
});

test('1280x720 stream muxes with correct size and frame count', async () => {
  const outputs = fragmentAll(toAccessUnits(readUnits('p720.h264')));
  const file = writeMp4('p720.mp4', outputs);
  const s = await probe(file);
  assert.deepEqual([s.codec_name, s.width, s.height, s.nb_read_frames], ['h264', 1280, 720, '100']);
  assert.equal(await decodeErrors(file), '');
});

test('B-frames (High, 638x358 cropped): composition offsets give the right presentation order', async () => {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts,dts:stream=time_base', '-of', 'json', join(dir, 'bref.mp4')]);
  const ref = JSON.parse(stdout) as { packets: { pts: number; dts: number }[]; streams: { time_base: string }[] };
  const units = readUnits('bframes.h264');
  assert.equal(units.length, ref.packets.length, 'one access unit per packet');
  const frameTicks = ref.packets[1].dts - ref.packets[0].dts;
  const offsets = ref.packets.map((p) => ((p.pts - p.dts) / frameTicks) * 3600);
  assert.ok(offsets.some((o) => o > 0), 'the stream really reorders');
  const outputs = fragmentAll(toAccessUnits(units, offsets));
  const frags = outputs.filter((o) => o.kind === 'fragment');
  assert.deepEqual(frags.map((f) => f.pts - f.dts), offsets);

  // trun version 1 with composition offsets on a reordered picture.
  const reordered = frags.find((f) => f.pts !== f.dts)!;
  const trun = child(reordered.data, ['moof', 'traf', 'trun']);
  assert.equal(trun.body[0], 1, 'trun version 1');
  assert.ok(trun.body.readUInt32BE(0) & 0x800, 'composition offsets present');

  const file = writeMp4('bframes.mp4', outputs);
  const s = await probe(file);
  assert.deepEqual([s.codec_name, s.width, s.height, s.nb_read_frames], ['h264', 638, 358, '100']);
  assert.equal(await decodeErrors(file), '');
  const ts = await frameTimestamps(file);
  assert.equal(ts.length, 100);
  const sorted = [...ts].sort((a, b) => a - b);
  assert.deepEqual(ts, sorted, 'frames come out in presentation order');
  for (let i = 1; i < ts.length; i++) assert.equal(ts[i] - ts[i - 1], 3600, `frame ${i} follows at 1/25 s`);
  assert.deepEqual(await frameHashes(file), await frameHashes(join(dir, 'bref.mp4')), 'same pictures in the same order as ffmpeg\'s own MP4');
});

test('init segment: brands, 90 kHz track, avcC carries the SPS and PPS', () => {
  const [sps, pps] = ['6764001facd9405005bb011000000300100000030320f1831960', '68ebe3cb22c0'].map((h) => Buffer.from(h, 'hex'));
  const cfg = h264TrackConfig(sps, pps);
  const init = initSegment(cfg);
  const top = boxes(init);
  assert.deepEqual(top.map((b) => b.type), ['ftyp', 'moov']);
  assert.equal(top[0].body.toString('latin1', 0, 4), 'iso5');
  assert.equal(top[0].body.toString('latin1', 8), 'iso5iso6mp41');
  const moov = top[1].body;
  assert.deepEqual(boxes(moov).map((b) => b.type), ['mvhd', 'trak', 'mvex']);
  const tkhd = child(moov, ['trak', 'tkhd']).body;
  assert.deepEqual([tkhd.readUInt32BE(tkhd.length - 8) / 65536, tkhd.readUInt32BE(tkhd.length - 4) / 65536], [1280, 720]);
  const mdhd = child(moov, ['trak', 'mdia', 'mdhd']).body;
  assert.equal(mdhd.readUInt32BE(12), 90000);
  assert.equal(child(moov, ['trak', 'mdia', 'hdlr']).body.toString('latin1', 8, 12), 'vide');
  const stsd = child(moov, ['trak', 'mdia', 'minf', 'stbl', 'stsd']).body;
  const avc1 = boxes(stsd, 8)[0];
  assert.equal(avc1.type, 'avc1');
  assert.deepEqual([avc1.body.readUInt16BE(24), avc1.body.readUInt16BE(26)], [1280, 720]);
  const avcC = boxes(avc1.body, 78)[0];
  assert.equal(avcC.type, 'avcC');
  const c = avcC.body;
  assert.deepEqual([c[0], c[1], c[2], c[3], c[4] & 3, c[5] & 31], [1, 0x64, 0x00, 0x1f, 3, 1]);
  assert.deepEqual(c.subarray(8, 8 + sps.length), sps);
  const ppsAt = 8 + sps.length;
  assert.equal(c[ppsAt], 1);
  assert.deepEqual(c.subarray(ppsAt + 3, ppsAt + 3 + pps.length), pps);
  assert.equal(child(moov, ['mvex', 'trex']).body.readUInt32BE(4), 1, 'trex for track 1');
  assert.equal(mseMimeType(cfg), 'video/mp4; codecs="avc1.64001f"');
});

test('media fragment: 64-bit tfdt, signed offsets, data offset, AUD/SPS/PPS left out of mdat', () => {
  const aud = Buffer.from([0x09, 0xf0]);
  const sps = Buffer.from('6764001facd9405005bb011000000300100000030320f1831960', 'hex');
  const pps = Buffer.from('68ebe3cb22c0', 'hex');
  const idr = Buffer.from([0x65, 0x88, 1, 2, 3]);
  const p1 = Buffer.from([0x41, 0x9a, 9]);
  const p2 = Buffer.from([0x01, 0x9e, 7, 7]);
  const samples: Sample[] = [
    { nalus: [aud, sps, pps, idr], duration: 3600, compositionOffset: 7200, keyframe: true },
    { nalus: [aud, p1, p2], duration: 3000, compositionOffset: -3600, keyframe: false },
  ];
  const base = 2 ** 33 + 5; // beyond 32 bits: a camera running for a day at 90 kHz
  const frag = mediaFragment(7, base, samples);
  const [moof, mdat] = boxes(frag);
  assert.deepEqual([moof.type, mdat.type], ['moof', 'mdat']);
  assert.equal(child(frag, ['moof', 'mfhd']).body.readUInt32BE(4), 7);
  const tfhd = child(frag, ['moof', 'traf', 'tfhd']).body;
  assert.equal(tfhd.readUInt32BE(0) & 0x020000, 0x020000, 'default-base-is-moof');
  const tfdt = child(frag, ['moof', 'traf', 'tfdt']).body;
  assert.equal(tfdt[0], 1, 'tfdt version 1');
  assert.equal(Number(tfdt.readBigUInt64BE(4)), base);
  const trun = child(frag, ['moof', 'traf', 'trun']).body;
  assert.equal(trun[0], 1);
  assert.equal(trun.readUInt32BE(4), 2, 'sample count');
  const dataOffset = trun.readInt32BE(8);
  assert.equal(dataOffset, moof.size + 8, 'data offset points at the first mdat byte');
  const s0 = [trun.readUInt32BE(12), trun.readUInt32BE(16), trun.readUInt32BE(20), trun.readInt32BE(24)];
  const s1 = [trun.readUInt32BE(28), trun.readUInt32BE(32), trun.readUInt32BE(36), trun.readInt32BE(40)];
  assert.deepEqual(s0, [3600, 4 + idr.length, 0x02000000, 7200]);
  assert.deepEqual(s1, [3000, 8 + p1.length + p2.length, 0x01010000, -3600]);
  const expectMdat = Buffer.concat([
    Buffer.from([0, 0, 0, idr.length]), idr,
    Buffer.from([0, 0, 0, p1.length]), p1,
    Buffer.from([0, 0, 0, p2.length]), p2,
  ]);
  assert.deepEqual(frag.subarray(dataOffset), expectMdat);

  // Without reordering: trun version 0 and no composition offset column.
  const plain = mediaFragment(1, 0, [{ ...samples[0], compositionOffset: 0 }]);
  const trun0 = child(plain, ['moof', 'traf', 'trun']).body;
  assert.equal(trun0[0], 0);
  assert.equal(trun0.readUInt32BE(0) & 0x800, 0);
  assert.equal(trun0.length, 12 + 12);

  assert.throws(() => mediaFragment(1, 0, []), (e: unknown) => e instanceof MediaError && e.code === 'BAD_SAMPLE');
  assert.throws(() => mediaFragment(1, 0, [{ ...samples[0], nalus: [aud, sps] }]), (e: unknown) => e instanceof MediaError && e.code === 'BAD_SAMPLE');
  assert.throws(() => mediaFragment(1, -1, samples), (e: unknown) => e instanceof MediaError && e.code === 'BAD_SAMPLE');
  assert.throws(() => mediaFragment(1, 0, [{ ...samples[0], duration: -5 }]), (e: unknown) => e instanceof MediaError && e.code === 'BAD_SAMPLE');
});

test('fragmenter drops pictures before the first keyframe and starts with the init segment', async () => {
  const aus = toAccessUnits(readUnits('p360.h264')).slice(10); // join mid-GOP, as a live camera does
  const outputs = fragmentAll(aus.map((au) => ({ ...au, nalus: au.nalus.filter((n) => ![7, 8].includes(h264NalType(n))) })),
    new Fmp4Fragmenter({ config: h264TrackConfig(...paramSets('p360.h264')) }));
  assert.equal(outputs[0].kind, 'init', 'out-of-band config still yields an init output first');
  const frags = outputs.filter((o) => o.kind === 'fragment');
  assert.equal(frags.length, 75, 'the 15 pictures before the next IDR are dropped');
  assert.ok(frags[0].kind === 'fragment' && frags[0].keyframe);
  const file = writeMp4('midgop.mp4', outputs);
  assert.equal((await probe(file)).nb_read_frames, '75');
  assert.equal(await decodeErrors(file), '');
});

function paramSets(name: string): [Buffer, Buffer] {
  const nalus = splitAnnexB(readFileSync(join(dir, name)));
  return [nalus.find((n) => h264NalType(n) === 7)!, nalus.find((n) => h264NalType(n) === 8)!];
}

test('fragmenter keeps a continuous timeline through backward and huge timestamp jumps', async () => {
  const aus = toAccessUnits(readUnits('p360.h264'));
  // Camera clock: normal, then jumps back 10 s at picture 30, forward ~7 hours at 60, a duplicate at 80.
  let shift = 0;
  aus.forEach((au, i) => {
    if (i === 30) shift -= 900_000;
    if (i === 60) shift += 2_300_000_000;
    au.dts += shift;
    au.pts += shift;
  });
  aus[80].dts = aus[79].dts;
  aus[80].pts = aus[79].pts;
  const outputs = fragmentAll(aus);
  const frags = outputs.filter((o) => o.kind === 'fragment');
  assert.equal(frags.length, 100);
  for (let i = 1; i < frags.length; i++) {
    assert.equal(frags[i].dts, frags[i - 1].dts + frags[i - 1].duration, `fragment ${i} continues the timeline`);
  }
  // Jumps become the last good duration; the stalled clock at 80 costs picture 79 a made-up
  // 3600 and picture 80 keeps the real 7200 gap to 81, so no picture collides with another.
  const odd = frags.map((f, i) => [i, f.duration]).filter(([, d]) => d !== 3600);
  assert.deepEqual(odd, [[80, 7200]]);
  const file = writeMp4('jumps.mp4', outputs);
  assert.equal(Number((await probe(file)).duration), 4.04);
  assert.equal(await decodeErrors(file), '');
});

test('fragmenter emits a new init segment when the resolution changes mid-stream', async () => {
  const first = toAccessUnits(readUnits('p360.h264'));
  const second = toAccessUnits(readUnits('p240.h264')).map((au) => ({ ...au, dts: au.dts + 360_000, pts: au.pts + 360_000 }));
  const outputs = fragmentAll([...first, ...second]);
  const inits = outputs.map((o, i) => [o, i] as const).filter(([o]) => o.kind === 'init');
  assert.equal(inits.length, 2);
  const [, at] = inits[1];
  const second0 = inits[1][0];
  assert.ok(second0.kind === 'init');
  assert.deepEqual([second0.config.width, second0.config.height], [320, 240]);
  const next = outputs[at + 1];
  assert.ok(next.kind === 'fragment' && next.keyframe, 'a keyframe follows the new init');
  assert.equal(at, 101, 'the last 640x360 picture is written before the new init');
  const a = writeMp4('res-a.mp4', outputs.slice(0, at));
  const b = writeMp4('res-b.mp4', outputs.slice(at));
  const [pa, pb] = await Promise.all([probe(a), probe(b)]);
  assert.deepEqual([pa.width, pa.height, pa.nb_read_frames], [640, 360, '100']);
  assert.deepEqual([pb.width, pb.height, pb.nb_read_frames], [320, 240, '50']);
  assert.equal(await decodeErrors(b), '');
});

test('fragmenter: empty units, garbage NALs and a broken SPS give MediaError and leave it working', async () => {
  const f = new Fmp4Fragmenter();
  const isMedia = (code: string) => (e: unknown) => e instanceof MediaError && e.code === code;
  assert.throws(() => f.push({ nalus: [], dts: 0, pts: 0, keyframe: false }), isMedia('BAD_ACCESS_UNIT'));
  assert.throws(() => f.push({ nalus: [Buffer.from([0x65, 1])], dts: NaN, pts: 0, keyframe: true }), isMedia('BAD_ACCESS_UNIT'));
  assert.throws(() => f.push({ nalus: [Buffer.from([0x67, 0x64])], dts: 0, pts: 0, keyframe: false }), isMedia('BAD_SPS'));
  // Garbage that is not a parameter set: nothing to decode yet, so nothing comes out.
  assert.deepEqual(f.push({ nalus: [Buffer.from([0x41, 0xff, 0x00]), Buffer.from([0x1f, 9, 9])], dts: 0, pts: 0, keyframe: false }), []);
  assert.equal(f.initSegment, null);

  const aus = toAccessUnits(readUnits('p360.h264'));
  const out: FragmenterOutput[] = [];
  aus.forEach((au, i) => {
    out.push(...f.push(au));
    if (i === 40) {
      // A corrupted SPS mid-stream: rejected, the stream and its config carry on.
      assert.throws(() => f.push({ nalus: [Buffer.from([0x67, 0x64, 0, 0x1e, 0xff, 0xff, 0xff])], dts: au.dts, pts: au.pts, keyframe: false }), isMedia('BAD_SPS'));
      assert.throws(() => f.push({ nalus: [], dts: au.dts, pts: au.pts, keyframe: false }), isMedia('BAD_ACCESS_UNIT'));
    }
  });
  out.push(...f.flush());
  assert.deepEqual(f.flush(), [], 'flush twice emits nothing more');
  assert.equal(out.filter((o) => o.kind === 'init').length, 1);
  const file = writeMp4('garbage.mp4', out);
  assert.equal((await probe(file)).nb_read_frames, '100');
  assert.equal(await decodeErrors(file), '');
});

test('fragmenter without hold-back: each picture comes out of its own push, plays, bit-exact', async () => {
  const units = readUnits('p360.h264');
  // A 5 fps sub-stream's clock (18000 per picture), with one late picture (40 % longer gap).
  const aus = toAccessUnits(units).map((au, i) => ({ ...au, dts: i * 18000 + (i >= 50 ? 7200 : 0), pts: i * 18000 + (i >= 50 ? 7200 : 0) }));
  const f = new Fmp4Fragmenter({ holdBack: false });
  const outputs: FragmenterOutput[] = [];
  for (const [i, au] of aus.entries()) {
    const got = f.push(au);
    const frags = got.filter((o) => o.kind === 'fragment');
    assert.equal(frags.length, 1, `picture ${i} is emitted by its own push`);
    assert.equal(frags[0].dts, aus[i].dts, `picture ${i} keeps its own timestamp`);
    outputs.push(...got);
  }
  assert.deepEqual(f.flush(), [], 'nothing held back');
  const frags = outputs.filter((o) => o.kind === 'fragment');
  // The SPS says 25 fps until a real gap is seen; then the frame interval, which a late picture
  // does not change (the timeline then has a hole, never an overlap).
  assert.equal(frags[0].duration, 3600);
  assert.ok(frags.slice(1).every((fr) => fr.duration === 18000), 'durations learned from the gaps');
  const file = writeMp4('nohold.mp4', outputs);
  const s = await probe(file);
  assert.equal(s.nb_read_frames, '100');
  assert.equal(await decodeErrors(file), '');
  assert.deepEqual(await frameHashes(file), await frameHashes(join(dir, 'p360.h264'), 'h264'), 'decoded pictures identical to the source');
});
