import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H26xDepacketizer, RtpReorderBuffer, TimestampUnwrapper, parseRtpPacket, type RtpPacket } from '../../src/media/rtp-depacketizer.ts';
import { H26xPacketizer } from '../../src/media/rtp-packetizer.ts';
import type { AccessUnit } from '../../src/media/types.ts';

const SPS = Buffer.from('674d401eda0280bfe584', 'hex');
const PPS = Buffer.from('68ee3c80', 'hex');
const nal = (type: number, len: number, fill = 0xab): Buffer => {
  const b = Buffer.alloc(len, fill);
  b[0] = 0x60 | type; // nal_ref_idc 3
  return b;
};

function pkt(seq: number, ts: number, payload: Buffer, marker = false, ssrc = 1234): RtpPacket {
  return { sequence: seq & 0xffff, timestamp: ts >>> 0, payload, marker, payloadType: 96, ssrc };
}

function stapA(...nalus: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x78])];
  for (const n of nalus) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(n.length);
    parts.push(len, n);
  }
  return Buffer.concat(parts);
}

function fuA(n: Buffer, chunk: number): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 1; pos < n.length; pos += chunk) {
    const end = Math.min(n.length, pos + chunk);
    const hdr = ((pos === 1 ? 0x80 : 0) | (end === n.length ? 0x40 : 0) | (n[0] & 0x1f));
    out.push(Buffer.concat([Buffer.from([(n[0] & 0xe0) | 28, hdr]), n.subarray(pos, end)]));
  }
  return out;
}

function feed(d: H26xDepacketizer, packets: RtpPacket[]): AccessUnit[] {
  return packets.flatMap((p) => d.push(p));
}

test('parseRtpPacket reads the header and rejects what cannot be RTP', () => {
  const b = Buffer.from('80e1303900000e1000001234' + '65aabb', 'hex');
  const p = parseRtpPacket(b)!;
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 97);
  assert.equal(p.sequence, 0x3039);
  assert.equal(p.timestamp, 3600);
  assert.equal(p.ssrc, 0x1234);
  assert.deepEqual(p.payload, Buffer.from('65aabb', 'hex'));
  // CSRC + extension + padding
  const ext = Buffer.from('b1600001000000010000000200000003' + 'bede0001' + 'deadbeef' + '41' + '0000' + '03', 'hex');
  const q = parseRtpPacket(ext)!;
  assert.deepEqual(q.payload, Buffer.from('41', 'hex'));
  assert.equal(parseRtpPacket(Buffer.from('40e1303900000e1000001234', 'hex')), null, 'version 1');
  assert.equal(parseRtpPacket(Buffer.from('80e13039', 'hex')), null, 'truncated');
  assert.equal(parseRtpPacket(Buffer.from('8fe1303900000e1000001234', 'hex')), null, 'CSRCs beyond the end');
  assert.equal(parseRtpPacket(Buffer.from('a0e1303900000e100000123441ff', 'hex')), null, 'padding longer than payload');
});

test('single NAL units are grouped by timestamp and the marker bit', () => {
  const d = new H26xDepacketizer();
  const idr = nal(5, 50);
  const units = feed(d, [pkt(1, 1000, SPS), pkt(2, 1000, PPS), pkt(3, 1000, idr, true), pkt(4, 4600, nal(1, 30), true)]);
  assert.equal(units.length, 2);
  assert.deepEqual(units[0].nalus, [SPS, PPS, idr]);
  assert.equal(units[0].keyframe, true);
  assert.equal(units[0].dts, 1000);
  assert.equal(units[1].keyframe, false);
  assert.equal(units[1].dts, 4600);
});

test('a timestamp change closes a unit whose marker bit never came', () => {
  const d = new H26xDepacketizer();
  const units = feed(d, [pkt(1, 0, nal(5, 10)), pkt(2, 3600, nal(1, 10))]);
  assert.equal(units.length, 1);
  assert.equal(units[0].dts, 0);
  assert.equal(d.flush()[0].dts, 3600);
});

test('STAP-A aggregates are split into their NAL units', () => {
  const d = new H26xDepacketizer();
  const idr = nal(5, 20);
  const [u] = feed(d, [pkt(10, 90000, stapA(SPS, PPS)), pkt(11, 90000, idr, true)]);
  assert.deepEqual(u.nalus, [SPS, PPS, idr]);
});

test('FU-A fragments are reassembled with the original NAL header', () => {
  const d = new H26xDepacketizer();
  const big = nal(5, 4000);
  for (let i = 0; i < big.length; i++) big[i] = i === 0 ? big[0] : i & 0xff;
  const frags = fuA(big, 1000);
  assert.equal(frags.length, 4);
  const units = feed(d, frags.map((f, i) => pkt(100 + i, 5, f, i === frags.length - 1)));
  assert.equal(units.length, 1);
  assert.deepEqual(units[0].nalus[0], big);
  assert.equal(units[0].keyframe, true);
});

test('a lost FU-A fragment drops the unit and everything until the next keyframe', () => {
  const d = new H26xDepacketizer();
  const idr = nal(5, 3000);
  const frags = fuA(idr, 1000);
  const out = feed(d, [
    pkt(1, 0, frags[0]), pkt(3, 0, frags[2], true), // frags[1] (seq 2) lost
    pkt(4, 3600, nal(1, 100), true), // intact but references the broken picture
    ...fuA(nal(5, 2500), 1000).map((f, i, a) => pkt(5 + i, 7200, f, i === a.length - 1)),
    pkt(8, 10800, nal(1, 100), true),
  ]);
  assert.deepEqual(out.map((u) => u.dts), [7200, 10800]);
  assert.equal(out[0].keyframe, true);
  assert.equal(d.stats.lostPackets, 1);
  assert.equal(d.stats.brokenUnits, 1);
  assert.equal(d.stats.skippedUnits, 1);
  // nothing had been delivered yet: the stream's start, not pictures lost mid-stream
  assert.equal(d.stats.lostUnits, 0);
});

test('pictures lost mid-stream are counted: the damaged one and those skipped until the next keyframe', () => {
  const d = new H26xDepacketizer();
  const frags = fuA(nal(1, 3000), 1000);
  const out = feed(d, [
    pkt(1, 0, nal(1, 50), true), // before the first keyframe: skipped, not lost
    pkt(2, 3600, nal(5, 100), true),
    pkt(3, 7200, nal(1, 100), true),
    pkt(4, 10800, frags[0]), pkt(6, 10800, frags[2], true), // seq 5 lost: this picture is damaged
    pkt(7, 14400, nal(1, 100), true), // intact, but references the damaged one
    pkt(8, 18000, nal(1, 100), true),
    pkt(9, 21600, nal(5, 100), true),
  ]);
  assert.deepEqual(out.map((u) => u.dts), [3600, 7200, 21600]);
  assert.equal(d.stats.lostUnits, 3);
  assert.equal(d.stats.skippedUnits, 3);
});

test('with requireKeyframe=false the broken unit is still never emitted', () => {
  const d = new H26xDepacketizer({ requireKeyframe: false });
  const frags = fuA(nal(1, 3000), 1000);
  const out = feed(d, [pkt(1, 0, nal(5, 10), true), pkt(2, 3600, frags[0]), pkt(4, 3600, frags[2], true), pkt(5, 7200, nal(1, 10), true)]);
  assert.deepEqual(out.map((u) => u.dts), [0, 7200]);
});

test('malformed payloads are counted and dropped, never thrown', () => {
  const d = new H26xDepacketizer();
  const bad = [
    Buffer.from([0x78, 0x00, 0x09, 0x65]), // STAP-A size beyond the packet
    Buffer.from([0x7c]), // FU-A without header
    Buffer.from([0x7c, 0x05, 0x01]), // FU-A continuation without start
    Buffer.from([0xe5, 0x01]), // forbidden bit
    Buffer.from([0x79, 0x00]), // STAP-B: not in packetization-mode 1
    Buffer.alloc(0),
  ];
  let seq = 0;
  for (const b of bad) assert.deepEqual(d.push(pkt(seq++, seq * 3600, b, true)), []);
  assert.ok(d.stats.malformed >= 5);
  // And the stream recovers at the next keyframe.
  const [u] = d.push(pkt(seq++, 999_999, nal(5, 10), true));
  assert.equal(u.keyframe, true);
  // Random garbage never throws.
  let s = 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s);
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.alloc(rnd() % 40);
    for (let j = 0; j < b.length; j++) b[j] = rnd() & 0xff;
    const p = parseRtpPacket(Buffer.concat([Buffer.from('80600000000000000000000a', 'hex'), b]));
    if (p) d.push({ ...p, sequence: seq++ & 0xffff, marker: rnd() % 3 === 0 });
  }
});

test('RTP timestamps keep increasing across the 2^32 wrap', () => {
  const d = new H26xDepacketizer();
  const start = 2 ** 32 - 3600 * 2;
  const out: AccessUnit[] = [];
  for (let i = 0; i < 5; i++) out.push(...d.push(pkt(65534 + i, (start + i * 3600) % 2 ** 32, nal(i === 0 ? 5 : 1, 10), true)));
  assert.deepEqual(out.map((u) => u.dts), [0, 1, 2, 3, 4].map((i) => start + i * 3600));
  assert.ok(out[4].dts > 2 ** 32);
  assert.equal(d.stats.lostPackets, 0, 'sequence wrap at 65535 is not a loss');
  const u = new TimestampUnwrapper();
  assert.equal(u.unwrap(4294967000), 4294967000);
  assert.equal(u.unwrap(100), 4294967296 + 100);
  assert.equal(u.unwrap(50), 4294967296 + 50, 'a small step back stays a small step back');
});

test('duplicates are ignored and an SSRC change counts as a break', () => {
  const d = new H26xDepacketizer();
  assert.equal(d.push(pkt(1, 0, nal(5, 10), true)).length, 1);
  assert.equal(d.push(pkt(1, 0, nal(5, 10), true)).length, 0);
  assert.equal(d.push(pkt(2, 3600, nal(1, 10), true, 999)).length, 0, 'P frame of a new stream needs a keyframe first');
  assert.equal(d.push(pkt(3, 7200, nal(5, 10), true, 999)).length, 1);
});

test('the reorder buffer restores order and gives up on a hole after its window', () => {
  const r = new RtpReorderBuffer(4);
  const seqs = (ps: RtpPacket[]) => ps.map((p) => p.sequence);
  assert.deepEqual(seqs(r.push(pkt(65534, 0, nal(1, 1)))), [65534]);
  assert.deepEqual(seqs(r.push(pkt(0, 0, nal(1, 1)))), []);
  assert.deepEqual(seqs(r.push(pkt(65535, 0, nal(1, 1)))), [65535, 0]);
  assert.deepEqual(seqs(r.push(pkt(2, 0, nal(1, 1)))), []); // 1 missing
  r.push(pkt(3, 0, nal(1, 1)));
  r.push(pkt(4, 0, nal(1, 1)));
  r.push(pkt(5, 0, nal(1, 1)));
  assert.deepEqual(seqs(r.push(pkt(6, 0, nal(1, 1)))), [2, 3, 4, 5, 6]);
  assert.deepEqual(seqs(r.push(pkt(1, 0, nal(1, 1)))), [], 'too late');
});

test('packetize -> depacketize round trip, with FU-A for big NAL units and one marker per unit', () => {
  const p = new H26xPacketizer({ maxPayload: 1200, initialSequence: 65530, ssrc: 42 });
  const d = new H26xDepacketizer();
  const units: AccessUnit[] = [];
  for (let i = 0; i < 30; i++) {
    const key = i % 10 === 0;
    const nalus = key ? [SPS, PPS, nal(5, 5000 + i, i)] : [nal(1, 300 + i * 97, i), nal(1, 1200, i)];
    units.push({ nalus, dts: 2 ** 32 - 10 * 3600 + i * 3600, pts: 2 ** 32 - 10 * 3600 + i * 3600, keyframe: key });
  }
  const got: AccessUnit[] = [];
  for (const au of units) {
    const batch = p.packetize(au);
    assert.equal(batch.packets.filter((b) => (b[1] & 0x80) !== 0).length, 1);
    assert.ok((batch.packets.at(-1)![1] & 0x80) !== 0, 'marker on the last packet');
    for (const b of batch.packets) assert.ok(b.length <= 1212);
    // The framed buffer is exactly the packets with interleave headers.
    let off = 0;
    for (const b of batch.packets) {
      assert.equal(batch.framed[off], 0x24);
      assert.equal(batch.framed.readUInt16BE(off + 2), b.length);
      assert.ok(batch.framed.subarray(off + 4, off + 4 + b.length).equals(b));
      off += 4 + b.length;
    }
    assert.equal(off, batch.framed.length);
    const ch2 = batch.interleaved(2);
    assert.equal(ch2[1], 2);
    assert.equal(batch.framed[1], 0, 'channel copy leaves the shared buffer alone');
    for (const b of batch.packets) got.push(...d.push(parseRtpPacket(b)!));
  }
  assert.equal(got.length, units.length);
  for (let i = 0; i < units.length; i++) {
    assert.deepEqual(got[i].nalus, units[i].nalus);
    assert.equal(got[i].dts, units[i].dts);
    assert.equal(got[i].keyframe, units[i].keyframe);
  }
  assert.equal(d.stats.lostPackets, 0);
});
