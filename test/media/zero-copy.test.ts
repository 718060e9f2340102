// The recording path hands the camera's bytes to the kernel without copying them in JavaScript
// (socket read -> RTP payload -> FU-A pieces -> fMP4 iovec). These tests check that the bytes
// that come out are exactly those of the copying path, and that they really are views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { groupH264AccessUnits, splitAnnexB } from '../../src/media/annexb.ts';
import { Fmp4Fragmenter, type FragmenterOutput } from '../../src/media/fmp4-fragmenter.ts';
import { mediaFragment, mediaFragmentParts } from '../../src/media/fmp4.ts';
import { isKeyframe } from '../../src/media/h264.ts';
import { H264Depacketizer, parseRtpPacket } from '../../src/media/rtp-depacketizer.ts';
import { H264Packetizer } from '../../src/media/rtp-packetizer.ts';
import { RtspWireParser, type InterleavedFrame } from '../../src/media/rtsp-message.ts';
import { PiecewiseAccessUnit, prependNalus } from '../../src/media/access-unit.ts';
import type { AccessUnit } from '../../src/media/types.ts';

/** Two seconds of real 720p H.264 (x264, GOP 25): pictures of 5-60 KB, i.e. 4-45 FU-A packets each. */
function clipUnits(): AccessUnit[] {
  const es = execFileSync('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-t', '2',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-bf', '0', '-b:v', '2M', '-pix_fmt', 'yuv420p', '-f', 'h264', '-',
  ], { maxBuffer: 64 << 20 });
  return groupH264AccessUnits(splitAnnexB(es)).map((nalus, i) => ({ nalus, dts: i * 3600, pts: i * 3600, keyframe: isKeyframe(nalus) }));
}

/** Deterministic pseudo-random chunk sizes, like TCP reads (mostly ending mid-frame). */
function* chunkSizes(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    yield 1 + (x % 65536);
  }
}

function fragmentsOf(units: AccessUnit[]): FragmenterOutput[] {
  const f = new Fmp4Fragmenter();
  const out: FragmenterOutput[] = [];
  for (const u of units) out.push(...f.push(u));
  out.push(...f.flush());
  return out;
}

const bytes = (o: FragmenterOutput): Buffer => (o.kind === 'init' ? o.data : Buffer.concat(o.parts));

test('socket reads -> RTP -> FU-A pieces -> fMP4 parts: the same bytes as joining everything, and views of the reads', () => {
  const units = clipUnits();
  const pk = new H264Packetizer({ ssrc: 7, initialSequence: 65000 });
  const stream = Buffer.concat(units.map((u) => pk.packetize(u).framed));
  const reads: Buffer[] = [];
  const sizes = chunkSizes(42);
  // Each read its own ArrayBuffer, as a socket delivers them (never Node's shared pool).
  for (let off = 0; off < stream.length; ) {
    const n = Math.min(sizes.next().value, stream.length - off);
    const read = Buffer.from(new ArrayBuffer(n));
    stream.copy(read, 0, off, off + n);
    reads.push(read);
    off += n;
  }
  const parser = new RtspWireParser();
  const depack = new H264Depacketizer();
  const got: AccessUnit[] = [];
  let frames = 0;
  for (const r of reads) {
    for (const item of parser.feed(r)) {
      assert.equal(item.kind, 'interleaved');
      frames++;
      got.push(...depack.push(parseRtpPacket((item as InterleavedFrame).payload)!));
    }
  }
  got.push(...depack.flush());
  assert.equal(parser.pending, 0);
  assert.equal(got.length, units.length);
  assert.ok(got.some((u) => u.parts!.some((p) => p.length > 3)), 'large pictures stay in many FU-A pieces');

  const readBuffers = new Set(reads.map((r) => r.buffer));
  const ours = fragmentsOf(got);
  const reference = fragmentsOf(units);
  assert.equal(ours.length, reference.length);
  let viewed = 0;
  let total = 0;
  for (let i = 0; i < ours.length; i++) {
    assert.ok(bytes(ours[i]).equals(reference[i].data), `output ${i} (${ours[i].kind}) differs`);
    const o = ours[i];
    if (o.kind !== 'fragment') continue;
    assert.equal(o.byteLength, o.data.length);
    for (const p of o.parts) {
      total += p.length;
      if (readBuffers.has(p.buffer)) viewed += p.length;
    }
  }
  // Everything but the boxes, the length prefixes and the packets that straddled two reads.
  assert.ok(viewed / total > 0.85, `only ${((100 * viewed) / total).toFixed(1)} % of the fragment bytes are views of the reads`);
  assert.ok(frames > 4 * units.length, `${frames} RTP packets for ${units.length} pictures`);
});

test('joined NAL units, prepended parameter sets and mediaFragment agree with the pieces', () => {
  const sps = Buffer.from('674d401eda0280bfe584', 'hex');
  const pps = Buffer.from('68ee3c80', 'hex');
  const idr = [Buffer.from([0x65]), Buffer.alloc(3000, 1), Buffer.alloc(10, 2)];
  const u = new PiecewiseAccessUnit([idr], 0, 0, true);
  const joined = Buffer.concat(idr);
  const withPs = prependNalus(u, [sps, pps]);
  assert.deepEqual(withPs.parts, [[sps], [pps], idr]);
  assert.deepEqual(withPs.nalus, [sps, pps, joined]);
  assert.deepEqual(u.nalus, [joined]);
  // A spread that replaces nalus must not keep the old pieces.
  const spread: AccessUnit = { ...u, nalus: [joined] };
  assert.equal(spread.parts, undefined);
  const sample = { duration: 3600, compositionOffset: 0, keyframe: true };
  const whole = mediaFragment(3, 7200, [{ ...sample, nalus: [sps, pps, joined] }]);
  const parts = mediaFragmentParts(3, 7200, [{ ...sample, nalus: [[sps], [pps], idr] }]);
  assert.ok(Buffer.concat(parts).equals(whole));
  assert.ok(parts.includes(idr[1]), 'NAL bytes are passed on, not copied');
});
