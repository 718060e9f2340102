import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { splitAnnexB, h264NalType } from '../../src/media/annexb.ts';
import { MediaError } from '../../src/media/errors.ts';
import { BitReader, addEmulationPrevention, checkPps, h264CodecString, h264TrackConfig, isKeyframe, parseSps, unescapeRbsp } from '../../src/media/h264.ts';

const run = promisify(execFile);

function requireTool(bin: string): void {
  const r = spawnSync(bin, ['-version'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) throw new Error(`${bin} is required for this test: apt-get install -y ffmpeg`);
}

function isMediaError(code?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof MediaError, `expected MediaError, got ${String(err)}`);
    if (code) assert.equal(err.code, code);
    return true;
  };
}

test('unescapeRbsp removes emulation-prevention bytes and only those', () => {
  const plain = Buffer.from([1, 2, 3, 0, 0, 4]);
  assert.equal(unescapeRbsp(plain), plain, 'no escape: no copy');
  assert.deepEqual(unescapeRbsp(Buffer.from([0x67, 0, 0, 3, 1, 0, 0, 3, 0, 0, 0, 3])), Buffer.from([0x67, 0, 0, 1, 0, 0, 0, 0, 0]));
  // 00 00 03 03: the first 03 is an escape, the second is data.
  assert.deepEqual(unescapeRbsp(Buffer.from([0, 0, 3, 3, 0, 0, 3, 2])), Buffer.from([0, 0, 3, 0, 0, 2]));
});

test('BitReader reads bits and Exp-Golomb codes, and fails cleanly past the end', () => {
  // 1 | 010 | 011 | 00100 | 00101 | 0001000 -> ue 0,1,2,3,4,7 ; packed: 1010 0110 0100 0010 1000 1000
  const r = new BitReader(Buffer.from([0b10100110, 0b01000010, 0b10001000]));
  assert.deepEqual([r.ue(), r.ue(), r.ue(), r.ue(), r.ue(), r.ue()], [0, 1, 2, 3, 4, 7]);
  assert.equal(r.bitsLeft, 0);
  assert.throws(() => r.bit(), isMediaError('BAD_NAL'));
  // se: codeNum 1,2,3,4 -> +1,-1,+2,-2
  const s = new BitReader(Buffer.from([0b01001100, 0b10000101, 0]));
  assert.deepEqual([s.se(), s.se(), s.se(), s.se()], [1, -1, 2, -2]);
  assert.equal(new BitReader(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x80])).bits(32), 0xdeadbeef);
  assert.throws(() => new BitReader(Buffer.alloc(8)).ue(), isMediaError('BAD_NAL'), '64 zero bits are no Exp-Golomb code');
  assert.throws(() => new BitReader(Buffer.from([0, 0x01])).ue(), isMediaError('BAD_NAL'), 'prefix runs past the end');
});

interface Variant {
  name: string;
  size: string;
  args: string[];
  expect: { width: number; height: number; profileIdc: number; chroma: number; bitDepth: number; frameMbsOnly: boolean };
}

const VARIANTS: Variant[] = [
  { name: 'baseline 640x360', size: '640x360', args: ['-profile:v', 'baseline', '-pix_fmt', 'yuv420p'], expect: { width: 640, height: 360, profileIdc: 66, chroma: 1, bitDepth: 8, frameMbsOnly: true } },
  { name: 'high, odd size cropped', size: '638x358', args: ['-profile:v', 'high', '-pix_fmt', 'yuv420p'], expect: { width: 638, height: 358, profileIdc: 100, chroma: 1, bitDepth: 8, frameMbsOnly: true } },
  { name: 'main 1280x720', size: '1280x720', args: ['-profile:v', 'main', '-pix_fmt', 'yuv420p'], expect: { width: 1280, height: 720, profileIdc: 77, chroma: 1, bitDepth: 8, frameMbsOnly: true } },
  { name: '1080p (1088 coded rows)', size: '1920x1080', args: ['-pix_fmt', 'yuv420p', '-preset', 'ultrafast'], expect: { width: 1920, height: 1080, profileIdc: 66, chroma: 1, bitDepth: 8, frameMbsOnly: true } },
  { name: 'high 4:2:2, crop units 2x1', size: '322x242', args: ['-profile:v', 'high422', '-pix_fmt', 'yuv422p'], expect: { width: 322, height: 242, profileIdc: 122, chroma: 2, bitDepth: 8, frameMbsOnly: true } },
  { name: 'high 4:4:4', size: '318x238', args: ['-profile:v', 'high444', '-pix_fmt', 'yuv444p', '-x264-params', 'cqm=jvt'], expect: { width: 318, height: 238, profileIdc: 244, chroma: 3, bitDepth: 8, frameMbsOnly: true } },
  { name: 'high 10-bit', size: '640x360', args: ['-profile:v', 'high10', '-pix_fmt', 'yuv420p10le'], expect: { width: 640, height: 360, profileIdc: 110, chroma: 1, bitDepth: 10, frameMbsOnly: true } },
  { name: 'interlaced (field map units)', size: '640x360', args: ['-pix_fmt', 'yuv420p', '-flags', '+ildct', '-x264-params', 'interlaced=1'], expect: { width: 640, height: 360, profileIdc: 100, chroma: 1, bitDepth: 8, frameMbsOnly: false } },
];

interface Encoded {
  sps: Buffer;
  pps: Buffer;
  nalus: Buffer[];
  probe: { profile: string; level: number; width: number; height: number };
}

async function encode(dir: string, v: Variant, i: number): Promise<Encoded> {
  const file = join(dir, `v${i}.h264`);
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${v.size}:rate=25`, '-frames:v', '2', '-c:v', 'libx264', ...v.args, '-f', 'h264', file]);
  const nalus = splitAnnexB(readFileSync(file));
  const sps = nalus.find((n) => h264NalType(n) === 7);
  const pps = nalus.find((n) => h264NalType(n) === 8);
  assert.ok(sps && pps, `${v.name}: stream has SPS and PPS`);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]);
  const s = JSON.parse(stdout).streams[0];
  return { sps, pps, nalus, probe: { profile: s.profile, level: s.level, width: s.width, height: s.height } };
}

test('parseSps matches ffprobe on real encoder output across profiles, chroma formats and cropping', async () => {
  requireTool('ffmpeg');
  requireTool('ffprobe');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-h264-'));
  try {
    const encoded = await Promise.all(VARIANTS.map((v, i) => encode(dir, v, i)));
    VARIANTS.forEach((v, i) => {
      const { sps, pps, nalus, probe } = encoded[i];
      const info = parseSps(sps);
      assert.equal(info.width, v.expect.width, `${v.name} width`);
      assert.equal(info.height, v.expect.height, `${v.name} height`);
      assert.equal(info.width, probe.width, `${v.name} width agrees with ffprobe`);
      assert.equal(info.height, probe.height, `${v.name} height agrees with ffprobe`);
      assert.equal(info.profileIdc, v.expect.profileIdc, `${v.name} profile`);
      assert.equal(info.chromaFormatIdc, v.expect.chroma, `${v.name} chroma format`);
      assert.equal(info.bitDepthLuma, v.expect.bitDepth, `${v.name} bit depth`);
      assert.equal(info.frameMbsOnly, v.expect.frameMbsOnly, `${v.name} frame_mbs_only`);
      assert.equal(info.levelIdc, probe.level, `${v.name} level agrees with ffprobe`);
      // The VUI comes after every field above: reading its frame rate right proves the parser
      // consumed exactly the right number of bits (scaling lists included).
      assert.equal(info.fps, 25, `${v.name} fps from VUI`);
      const hex = (b: number) => b.toString(16).padStart(2, '0');
      assert.equal(h264CodecString(sps), `avc1.${hex(info.profileIdc)}${hex(info.constraintFlags)}${hex(info.levelIdc)}`);
      const cfg = h264TrackConfig(sps, pps);
      assert.deepEqual([cfg.codec, cfg.width, cfg.height, cfg.codecString], ['h264', v.expect.width, v.expect.height, h264CodecString(sps)]);
      assert.ok(isKeyframe(nalus), `${v.name}: first picture is IDR`);
    });
    // Known strings for the two most common camera profiles.
    assert.match(h264CodecString(encoded[0].sps), /^avc1\.42c0[0-9a-f]{2}$/);
    assert.match(h264CodecString(encoded[2].sps), /^avc1\.4d40[0-9a-f]{2}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('isKeyframe looks for an IDR slice only', () => {
  const nal = (t: number) => Buffer.from([0x60 | t, 0x88]);
  assert.equal(isKeyframe([nal(9), nal(7), nal(8), nal(6), nal(5)]), true);
  assert.equal(isKeyframe([nal(9), nal(1)]), false);
  assert.equal(isKeyframe([Buffer.alloc(0), nal(7), nal(8)]), false);
  assert.equal(isKeyframe([]), false);
});

// A real 1280x720 High profile SPS from x264, with VUI and emulation-prevention bytes, used for the malformed-input tests.
const SPS_720P = Buffer.from('6764001facd9405005bb011000000300100000030320f1831960', 'hex');
const PPS = Buffer.from('68ebe3cb22c0', 'hex');

test('a known SPS parses to 1280x720 High@3.1', () => {
  const info = parseSps(SPS_720P);
  assert.deepEqual([info.width, info.height, info.profileIdc, info.levelIdc], [1280, 720, 100, 31]);
  assert.equal(h264CodecString(SPS_720P), 'avc1.64001f');
});

test('truncated SPS: MediaError BAD_SPS, never a RangeError', () => {
  // The picture size sits in the first ~10 bytes; cutting before it must fail.
  for (let len = 0; len <= 8; len++) {
    assert.throws(() => parseSps(SPS_720P.subarray(0, len)), isMediaError('BAD_SPS'), `length ${len}`);
    assert.throws(() => h264TrackConfig(SPS_720P.subarray(0, len), PPS), isMediaError('BAD_SPS'), `length ${len}`);
  }
  // Any cut: a result with sane size (the VUI is optional) or a MediaError, nothing else.
  for (let len = 0; len < SPS_720P.length; len++) {
    try {
      const info = parseSps(SPS_720P.subarray(0, len));
      assert.deepEqual([info.width, info.height], [1280, 720]);
    } catch (err) {
      isMediaError('BAD_SPS')(err);
    }
  }
});

test('garbage and hostile NAL units give MediaError, never a crash or an absurd size', () => {
  assert.throws(() => parseSps(PPS), isMediaError('BAD_SPS'), 'a PPS is not an SPS');
  assert.throws(() => parseSps(Buffer.from([0xe7, 0x64, 0, 0x1f, 0xff])), isMediaError('BAD_SPS'), 'forbidden bit');
  // Width of 2^31 macroblocks: valid Exp-Golomb, absurd picture.
  const huge = Buffer.from([0x67, 66, 0xc0, 30, 0b11000000, 0, 0, 0, 0, 0x40, 0, 0, 0, 0xff, 0xff]);
  assert.throws(() => parseSps(huge), isMediaError('BAD_SPS'));
  assert.throws(() => checkPps(Buffer.from([0x68])), isMediaError('BAD_PPS'));
  assert.throws(() => checkPps(SPS_720P), isMediaError('BAD_PPS'));
  assert.throws(() => h264TrackConfig(SPS_720P, Buffer.from([0x68, 0, 0, 0, 0, 0])), isMediaError('BAD_PPS'), 'pps id beyond 255');
  assert.throws(() => h264CodecString(Buffer.from([0x67, 1])), isMediaError('BAD_SPS'));

  // Deterministic fuzz: random bytes and bit-flipped real SPS.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 20000; i++) {
    let buf: Buffer;
    if (i % 2 === 0) {
      buf = Buffer.from(SPS_720P);
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) buf[1 + Math.floor(rand() * (buf.length - 1))] ^= 1 << Math.floor(rand() * 8);
    } else {
      buf = Buffer.alloc(Math.floor(rand() * 40));
      for (let k = 0; k < buf.length; k++) buf[k] = Math.floor(rand() * 256);
      if (buf.length) buf[0] = 0x67;
    }
    try {
      const info = parseSps(buf);
      assert.ok(info.width > 0 && info.width <= 16384 && info.height > 0 && info.height <= 16384, 'size is plausible');
      parsed++;
    } catch (err) {
      if (!(err instanceof MediaError)) throw new Error(`input ${buf.toString('hex')} crashed the parser: ${String(err)}`);
      rejected++;
    }
  }
  assert.ok(parsed > 0 && rejected > 0, `fuzz exercised both paths (${parsed} parsed, ${rejected} rejected)`);
});

// x264 puts custom quantisation matrices in the PPS, never in the SPS, so SPS scaling lists
// (which some camera encoders send) are written here bit by bit.
class BitWriter {
  readonly bits: number[] = [];
  u(n: number, v: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }
  ue(v: number): this {
    const len = Math.floor(Math.log2(v + 1));
    return this.u(len, 0).u(len + 1, v + 1);
  }
  se(v: number): this {
    return this.ue(v > 0 ? 2 * v - 1 : -2 * v);
  }
  /** NAL unit: header byte, RBSP with stop bit, emulation prevention applied. */
  nal(header: number): Buffer {
    const bits = [...this.bits, 1];
    while (bits.length % 8) bits.push(0);
    const rbsp: number[] = [];
    for (let i = 0; i < bits.length; i += 8) rbsp.push(parseInt(bits.slice(i, i + 8).join(''), 2));
    return Buffer.concat([Buffer.from([header]), addEmulationPrevention(Buffer.from(rbsp))]);
  }
}

/** A High-profile SPS with every kind of scaling list: explicit 4x4 and 8x8, default, absent. */
function spsWithScalingLists(chromaFormatIdc: 1 | 3): Buffer {
  const w = new BitWriter();
  w.u(8, chromaFormatIdc === 3 ? 244 : 100).u(8, 0).u(8, 30).ue(0); // profile, flags, level, sps id
  w.ue(chromaFormatIdc);
  if (chromaFormatIdc === 3) w.u(1, 0); // separate_colour_plane_flag
  w.ue(0).ue(0).u(1, 0).u(1, 1); // bit depths, bypass, seq_scaling_matrix_present_flag
  const lists = chromaFormatIdc === 3 ? 12 : 8;
  for (let i = 0; i < lists; i++) {
    if (i === 2) {
      w.u(1, 0); // not present: fall-back rule
      continue;
    }
    w.u(1, 1);
    if (i === 3) {
      w.se(-8); // next scale 0 at once: useDefaultScalingMatrixFlag
      continue;
    }
    let last = 8;
    for (let j = 0; j < (i < 6 ? 16 : 64); j++) {
      const want = 4 + ((j * 7 + i) % 50);
      w.se(((want - last + 128) % 256) - 128);
      last = want;
    }
  }
  w.ue(0).ue(0).ue(2).ue(1).u(1, 0); // frame num, POC type 0 + lsb, ref frames, gaps
  w.ue(21).ue(17).u(1, 1).u(1, 1); // 22x18 macroblocks, frame_mbs_only, direct_8x8
  // Crop right 3, bottom 5 units: 4:2:0 units are 2x2 pixels, 4:4:4 units 1x1.
  w.u(1, 1).ue(0).ue(3).ue(0).ue(5);
  // VUI with timing only: 25 fps, then no HRD, no pic_struct, no restrictions.
  w.u(1, 1).u(1, 0).u(1, 0).u(1, 0).u(1, 0).u(1, 1).u(32, 1).u(32, 50).u(1, 1).u(1, 0).u(1, 0).u(1, 0).u(1, 0);
  return w.nal(0x67);
}

test('SPS scaling lists (4x4, 8x8, default, absent; 8 and 12 lists) are skipped bit-exactly', async () => {
  const sps420 = spsWithScalingLists(1);
  const a = parseSps(sps420);
  // fps comes from the VUI after the lists: right only if every list bit was consumed.
  assert.deepEqual([a.profileIdc, a.width, a.height, a.fps], [100, 346, 278, 25]);
  const b = parseSps(spsWithScalingLists(3));
  assert.deepEqual([b.profileIdc, b.chromaFormatIdc, b.width, b.height, b.fps], [244, 3, 349, 283, 25]);

  // Independent check: ffprobe reads the size of the same SPS (its PPS/slices come from x264).
  requireTool('ffmpeg');
  requireTool('ffprobe');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-h264-'));
  try {
    const src = join(dir, 'src.h264');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=352x288:rate=25', '-frames:v', '1', '-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-f', 'h264', src]);
    const sc = Buffer.from([0, 0, 0, 1]);
    const rest = splitAnnexB(readFileSync(src)).filter((n) => h264NalType(n) !== 7);
    const crafted = join(dir, 'crafted.h264');
    writeFileSync(crafted, Buffer.concat([sc, sps420, ...rest.flatMap((n) => [sc, n])]));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', crafted]);
    const st = JSON.parse(stdout).streams[0];
    assert.deepEqual([st.width, st.height, st.profile], [346, 278, 'High']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
