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
import { H26xDepacketizer, parseRtpHeaderAt, parseRtpPacket } from '../../src/media/rtp-depacketizer.ts';
import { H26xPacketizer } from '../../src/media/rtp-packetizer.ts';
import { RtspWireParser, interleavedFrame, type InterleavedFrame } from '../../src/media/rtsp-message.ts';
import { ReadRing } from '../../src/media/read-slab.ts';
import { PiecewiseAccessUnit, prependNalus } from '../../src/media/access-unit.ts';
import { CopyAssembler } from '../../src/media/nal-assembler.ts';
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

const units = clipUnits();

for (const assemble of ['pieces', 'copy', 'ring'] as const)
test(`socket reads -> RTP -> NAL units (${assemble}) -> fMP4 parts: the same bytes as joining everything`, () => {
  const pk = new H26xPacketizer({ ssrc: 7, initialSequence: 65000 });
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
  const readBuffers = new Set(reads.map((r) => r.buffer));
  // The muxer must work from the pieces: any read of `nalus` would join the whole picture.
  let joins = 0;
  class Watched extends PiecewiseAccessUnit {
    override get nalus(): Buffer[] {
      joins++;
      return super.nalus;
    }
  }
  // As the recorder does: each unit straight into the muxer, each output's bytes taken at once
  // (a 'ring' unit's memory is reused a few pictures later).
  const parser = new RtspWireParser();
  const depack = new H26xDepacketizer({ assemble });
  const f = new Fmp4Fragmenter();
  const ours: { kind: string; bytes: Buffer }[] = [];
  let unitCount = 0;
  let manyPieces = false;
  let onePiece = true;
  let frames = 0;
  let viewed = 0;
  let total = 0;
  const take = (outs: FragmenterOutput[]) => {
    for (const o of outs) {
      if (o.kind === 'init') {
        ours.push({ kind: o.kind, bytes: Buffer.from(o.data) });
        continue;
      }
      assert.equal(o.byteLength, o.data.length);
      ours.push({ kind: o.kind, bytes: Buffer.concat(o.parts) });
      for (const p of o.parts) {
        total += p.length;
        if (readBuffers.has(p.buffer)) viewed += p.length;
      }
    }
  };
  const unit = (u: AccessUnit) => {
    unitCount++;
    if (u.parts!.some((p) => p.length > 3)) manyPieces = true;
    if (!u.parts!.every((p) => p.length === 1)) onePiece = false;
    take(f.push(new Watched([...u.parts!], u.dts, u.pts, u.keyframe, u.codec)));
  };
  for (const r of reads) {
    for (const item of parser.feed(r)) {
      assert.equal(item.kind, 'interleaved');
      frames++;
      for (const u of depack.push(parseRtpPacket((item as InterleavedFrame).payload)!)) unit(u);
    }
  }
  for (const u of depack.flush()) unit(u);
  take(f.flush());
  assert.equal(parser.pending, 0);
  assert.equal(unitCount, units.length);
  assert.equal(joins, 0, 'the fragmenter joined NAL units');
  if (assemble === 'pieces') assert.ok(manyPieces, 'large pictures stay in many FU-A pieces');
  else assert.ok(onePiece, 'one Buffer per NAL unit');

  const reference = fragmentsOf(units);
  assert.equal(ours.length, reference.length);
  for (let i = 0; i < ours.length; i++) assert.ok(ours[i].bytes.equals(reference[i].data), `output ${i} (${ours[i].kind}) differs`);
  if (assemble === 'pieces') {
    // Everything but the boxes, the length prefixes and the packets that straddled two reads.
    assert.ok(viewed / total > 0.85, `only ${((100 * viewed) / total).toFixed(1)} % of the fragment bytes are views of the reads`);
  } else {
    assert.equal(viewed, 0, 'copies hold no socket read alive');
  }
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

test('copy assembly: units larger than a slab, aborted units, and earlier units never overwritten', () => {
  const asm = new CopyAssembler(64);
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
  const a = asm.whole(data, 0, 40)[0];
  asm.start(0x65, -1, data.subarray(0, 50), 0, 50);
  asm.add(data.subarray(50, 200), 0, 150); // outgrows the 64-byte slab: moved, then grown
  const big = asm.finish()[0];
  assert.ok(big.equals(Buffer.concat([Buffer.from([0x65]), data.subarray(0, 200)])));
  asm.start(0x41, -1, Buffer.alloc(30, 0xee), 0, 30);
  asm.abort(); // its room is reused by the next unit...
  const c = asm.whole(Buffer.alloc(20, 0xcc), 0, 20)[0];
  const h265 = (asm.start(0x26, 0x01, Buffer.alloc(10, 0xdd), 0, 10), asm.finish()[0]);
  // ...but nothing handed out before is touched.
  assert.ok(a.equals(data.subarray(0, 40)));
  assert.ok(big.equals(Buffer.concat([Buffer.from([0x65]), data.subarray(0, 200)])));
  assert.ok(c.equals(Buffer.alloc(20, 0xcc)));
  assert.ok(h265.equals(Buffer.concat([Buffer.from([0x26, 0x01]), Buffer.alloc(10, 0xdd)])));
  assert.equal(asm.open, false);
});

test('reads into a reused ring: frames cut by a read are joined in place, the tail survives the wrap', () => {
  const frames: Buffer[] = [];
  let x = 7;
  for (let i = 0; i < 3000; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const len = x % 3 === 0 ? 4 + (x % 40000) : 4 + (x % 1500);
    const f = Buffer.alloc(len, i & 0xff);
    f.writeUInt32BE(i, 0);
    frames.push(f);
  }
  const stream = Buffer.concat(frames.map((f) => interleavedFrame(0, f)));
  const ring = new ReadRing(96 * 1024, 16 * 1024);
  const parser = new RtspWireParser();
  const got: Buffer[] = [];
  const sizes = chunkSizes(9);
  let wraps = 0;
  for (let off = 0; off < stream.length; ) {
    const room = ring.next(() => {
      wraps++;
      parser.detach();
    });
    const n = Math.min(sizes.next().value, room.length, stream.length - off);
    stream.copy(room, 0, off, off + n);
    off += n;
    // Keep nothing of the ring, as the RTSP client does (it copies NAL units out).
    for (const item of parser.feed(ring.take(room, n))) got.push(Buffer.from((item as InterleavedFrame).payload));
  }
  assert.ok(wraps > 10, `${wraps} wraps`);
  assert.equal(parser.pending, 0);
  assert.equal(got.length, frames.length);
  for (let i = 0; i < frames.length; i++) assert.ok(got[i].equals(frames[i]), `frame ${i}`);
});

test('ring assembly reuses one slab; units too large for it make it grow', () => {
  const asm = new CopyAssembler(4096, true);
  const first = asm.whole(Buffer.alloc(500, 1), 0, 500)[0];
  let last = first;
  for (let i = 0; i < 20; i++) last = asm.whole(Buffer.alloc(500, i), 0, 500)[0];
  assert.equal(last.buffer, first.buffer, 'the same memory, reused from the front');
  assert.ok(last.equals(Buffer.alloc(500, 19)));
  const big = asm.whole(Buffer.alloc(3000, 9), 0, 3000)[0];
  assert.notEqual(big.buffer, first.buffer, 'a unit over a quarter of the ring gets a larger ring');
  assert.ok(big.equals(Buffer.alloc(3000, 9)));
  assert.ok(last.equals(Buffer.alloc(500, 19)), 'the old ring is left alone when it is replaced');
});

test('parseRtpHeaderAt reads in place exactly what parseRtpPacket reads, on valid and mutated packets', () => {
  const pk = new H26xPacketizer({ ssrc: 0xdeadbeef, initialSequence: 65530 });
  const packets = units.slice(0, 30).flatMap((u) => pk.packetize(u).packets);
  const ext = Buffer.from('b1600001000000010000000200000003' + 'bede0001' + 'deadbeef' + '41' + '0000' + '03', 'hex');
  packets.push(ext);
  let x = 3;
  const h = { marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, payloadStart: 0, payloadEnd: 0 };
  let valid = 0;
  for (let i = 0; i < 5000; i++) {
    const base = packets[i % packets.length];
    // Embed in a larger buffer at an offset, mutate a byte or two of the header now and then.
    const buf = Buffer.alloc(base.length + 20, 0x55);
    base.copy(buf, 7);
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    if (i % 2) buf[7 + (x % Math.min(20, base.length))] = x >> 8;
    const end = 7 + base.length - (i % 7 === 0 ? x % 5 : 0);
    const ref = parseRtpPacket(buf.subarray(7, end));
    const ok = parseRtpHeaderAt(buf, 7, end, h);
    assert.equal(ok, ref !== null, `packet ${i}`);
    if (!ref) continue;
    valid++;
    assert.deepEqual([h.marker, h.payloadType, h.sequence, h.timestamp, h.ssrc], [ref.marker, ref.payloadType, ref.sequence, ref.timestamp, ref.ssrc]);
    assert.ok(buf.subarray(h.payloadStart, h.payloadEnd).equals(ref.payload));
  }
  assert.ok(valid > 1000);
});
