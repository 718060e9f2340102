// RTP H.265 (RFC 7798): single NAL units, aggregation packets, fragmentation units, loss and the
// 2^32 timestamp wrap; and the H.265 SDP (sprop-vps/sps/pps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { H26xDepacketizer, parseRtpPacket, type RtpPacket } from '../../src/media/rtp-depacketizer.ts';
import { H26xPacketizer } from '../../src/media/rtp-packetizer.ts';
import { buildH265Sdp, findH265Track, findVideoTrack, parseSdp } from '../../src/media/sdp.ts';
import type { AccessUnit } from '../../src/media/types.ts';

/** A NAL unit of the given H.265 type (layer 0, TID 1) with `len` bytes in all. */
function nal(type: number, len: number, fill = 0x55): Buffer {
  const b = Buffer.alloc(len, fill);
  b[0] = type << 1;
  b[1] = 0x01;
  return b;
}

const VPS = nal(32, 24, 0x11);
const SPS = nal(33, 40, 0x22);
const PPS = nal(34, 8, 0x33);

function rtp(seq: number, ts: number, payload: Buffer, marker = false, ssrc = 7): RtpPacket {
  return { marker, payloadType: 96, sequence: seq & 0xffff, timestamp: ts >>> 0, ssrc, payload };
}

function roundTrip(aus: AccessUnit[], maxPayload: number, drop: (i: number) => boolean = () => false) {
  const pk = new H26xPacketizer({ codec: 'h265', maxPayload, initialSequence: 65530, ssrc: 42 });
  const dp = new H26xDepacketizer({ codec: 'h265' });
  const out: AccessUnit[] = [];
  let i = 0;
  for (const au of aus) {
    for (const raw of pk.packetize(au).packets) {
      const p = parseRtpPacket(raw);
      assert.ok(p);
      if (!drop(i++)) out.push(...dp.push(p));
    }
  }
  return { out, stats: dp.stats, packets: i };
}

test('packetize + depacketize: large NAL units go as FUs and come back byte-identical, with codec h265', () => {
  const idr = nal(19, 5000, 0x77);
  const trail = nal(1, 900, 0x66);
  const aus: AccessUnit[] = [
    { nalus: [VPS, SPS, PPS, idr], dts: 0, pts: 0, keyframe: true },
    { nalus: [trail], dts: 3600, pts: 3600, keyframe: false },
  ];
  const { out, stats, packets } = roundTrip(aus, 1200);
  assert.equal(packets, 3 + Math.ceil((5000 - 2) / (1200 - 3)) + 1);
  assert.equal(out.length, 2);
  assert.deepEqual(out[0].nalus, [VPS, SPS, PPS, idr]);
  assert.deepEqual(out[1].nalus, [trail]);
  assert.deepEqual(out.map((a) => [a.keyframe, a.codec, a.pts]), [[true, 'h265', 0], [false, 'h265', 3600]]);
  assert.equal(stats.malformed, 0);
});

test('FU packets carry type 49 in the payload header and the original type in the FU header', () => {
  const pk = new H26xPacketizer({ codec: 'h265', maxPayload: 100 });
  const big = nal(19, 250);
  const packets = pk.packetize({ nalus: [big], dts: 0, pts: 0, keyframe: true }).packets.map((p) => parseRtpPacket(p)!);
  assert.equal(packets.length, 3);
  for (const p of packets) {
    assert.equal((p.payload[0] >> 1) & 0x3f, 49);
    assert.equal(p.payload[1], 0x01, 'TID kept');
    assert.equal(p.payload[2] & 0x3f, 19);
  }
  assert.deepEqual(packets.map((p) => p.payload[2] & 0xc0), [0x80, 0x00, 0x40]);
  assert.deepEqual(packets.map((p) => p.marker), [false, false, true]);
});

test('aggregation packet (type 48) yields its NAL units; broken sizes are malformed', () => {
  const sizes = (...n: Buffer[]) => Buffer.concat(n.flatMap((x) => [Buffer.from([x.length >> 8, x.length & 0xff]), x]));
  const ap = Buffer.concat([Buffer.from([48 << 1, 0x01]), sizes(VPS, SPS, PPS)]);
  const dp = new H26xDepacketizer({ codec: 'h265' });
  assert.deepEqual(dp.push(rtp(1, 0, ap)), []);
  const idr = nal(19, 100);
  const [au] = dp.push(rtp(2, 0, idr, true));
  assert.deepEqual(au.nalus, [VPS, SPS, PPS, idr]);
  assert.equal(au.keyframe, true);

  const bad = new H26xDepacketizer({ codec: 'h265' });
  const truncated = Buffer.concat([Buffer.from([48 << 1, 0x01, 0x00, 0xff]), VPS]);
  bad.push(rtp(1, 0, truncated));
  bad.push(rtp(2, 0, nal(19, 50), true));
  assert.equal(bad.stats.malformed, 1);
  assert.equal(bad.stats.brokenUnits, 1);
});

test('FU with both S and E, TID 0, forbidden bit and PACI are malformed; nothing damaged is emitted', () => {
  for (const payload of [
    Buffer.from([49 << 1, 0x01, 0xc0 | 19, 1, 2, 3]), // S and E together
    Buffer.from([1 << 1, 0x00, 1, 2]), // TID 0 is forbidden
    Buffer.from([0x80 | (1 << 1), 0x01, 1, 2]), // F bit
    Buffer.from([50 << 1, 0x01, 0, 0, 0]), // PACI
  ]) {
    const dp = new H26xDepacketizer({ codec: 'h265', requireKeyframe: false });
    const out = [...dp.push(rtp(1, 0, payload)), ...dp.push(rtp(2, 0, nal(1, 10), true))];
    assert.equal(out.length, 0, `payload ${payload.toString('hex')}`);
    assert.equal(dp.stats.malformed, 1);
  }
});

test('a lost FU fragment drops the picture and everything until the next IRAP', () => {
  const aus: AccessUnit[] = [
    { nalus: [VPS, SPS, PPS, nal(19, 3000)], dts: 0, pts: 0, keyframe: true },
    { nalus: [nal(1, 3000)], dts: 3600, pts: 3600, keyframe: false },
    { nalus: [nal(1, 500)], dts: 7200, pts: 7200, keyframe: false },
    { nalus: [nal(21, 500)], dts: 10800, pts: 10800, keyframe: true }, // CRA is an IRAP too
    { nalus: [nal(1, 500)], dts: 14400, pts: 14400, keyframe: false },
  ];
  // Packets: 3 parameter sets + 3 FUs, then 3 FUs (drop the middle one), then singles.
  const { out, stats } = roundTrip(aus, 1200, (i) => i === 7);
  assert.deepEqual(out.map((a) => a.pts), [0, 10800, 14400]);
  assert.equal(stats.lostPackets, 1);
  assert.equal(stats.brokenUnits, 1);
  assert.equal(stats.skippedUnits, 1);
});

test('RTP timestamps unwrap across 2^32 and sequence numbers across 2^16', () => {
  const dp = new H26xDepacketizer({ codec: 'h265' });
  const start = 0xffffffff - 3600;
  const out = [
    ...dp.push(rtp(65535, start, nal(19, 20), true)),
    ...dp.push(rtp(0, start + 3600, nal(1, 20), true)),
    ...dp.push(rtp(1, start + 7200, nal(1, 20), true)),
  ];
  assert.deepEqual(out.map((a) => a.dts - out[0].dts), [0, 3600, 7200]);
  assert.equal(dp.stats.lostPackets, 0);
});

test('H.265 SDP: built, parsed back, chosen as the video track; DONL streams are refused', () => {
  const sdp = buildH265Sdp({ vps: VPS, sps: SPS, pps: PPS, control: 'trackID=0' });
  assert.match(sdp, /a=rtpmap:96 H265\/90000/);
  const t = findH265Track(parseSdp(sdp))!;
  assert.deepEqual([t.vps, t.sps, t.pps, t.control, t.payloadType, t.clockRate], [VPS, SPS, PPS, 'trackID=0', 96, 90000]);
  const v = findVideoTrack(parseSdp(sdp))!;
  assert.equal(v.codec, 'h265');
  const withDon = sdp.replace('sprop-vps=', 'sprop-max-don-diff=2;sprop-vps=');
  assert.equal(findVideoTrack(parseSdp(withDon)), undefined);
  // A camera offering H.264 first keeps H.264.
  const both = 'v=0\r\nm=video 0 RTP/AVP 96 97\r\na=rtpmap:96 H264/90000\r\na=rtpmap:97 H265/90000\r\n';
  assert.equal(findVideoTrack(parseSdp(both))?.codec, 'h264');
});

test('H.264 packetization is unchanged by the codec option (default h264, FU-A type 28)', () => {
  const pk = new H26xPacketizer({ maxPayload: 100 });
  const h264Idr = Buffer.alloc(250, 0x44);
  h264Idr[0] = 0x65;
  const packets = pk.packetize({ nalus: [h264Idr], dts: 0, pts: 0, keyframe: true }).packets.map((p) => parseRtpPacket(p)!);
  assert.equal(packets.length, 3);
  assert.ok(packets.every((p) => (p.payload[0] & 0x1f) === 28 && (p.payload[1] & 0x1f) === 5));
  const dp = new H26xDepacketizer();
  const out = packets.flatMap((p) => dp.push(p));
  assert.deepEqual(out[0].nalus, [h264Idr]);
  assert.equal(out[0].codec, undefined);
});

test('UDP reordering: shuffled packets within the window come out as the same units', async () => {
  const { RtpReorderBuffer } = await import('../../src/media/rtp-depacketizer.ts');
  const pk = new H26xPacketizer({ codec: 'h265', maxPayload: 300, initialSequence: 65500 });
  const aus: AccessUnit[] = [
    { nalus: [VPS, SPS, PPS, nal(19, 2000)], dts: 0, pts: 0, keyframe: true },
    ...Array.from({ length: 6 }, (_, i) => ({ nalus: [nal(1, 700 + i)], dts: (i + 1) * 3600, pts: (i + 1) * 3600, keyframe: false })),
  ];
  const packets = aus.flatMap((au) => pk.packetize(au).packets.map((p) => parseRtpPacket(Buffer.from(p))!));
  // Swap neighbours pairwise (a typical UDP reordering), across the 2^16 sequence wrap. The very
  // first packet stays first: the buffer releases it at once (no start-up delay), so one arriving
  // before it would count as late; that costs at most the first GOP.
  const shuffled = packets.slice();
  for (let i = 1; i + 1 < shuffled.length; i += 3) [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1], shuffled[i]];
  const reorder = new RtpReorderBuffer(8);
  const dp = new H26xDepacketizer({ codec: 'h265' });
  const out = shuffled.flatMap((p) => reorder.push(p)).flatMap((p) => dp.push(p));
  assert.equal(out.length, aus.length);
  assert.deepEqual(out.map((a) => a.nalus), aus.map((a) => a.nalus));
  assert.equal(dp.stats.lostPackets, 0);
});

test('client-side in-band change: parameter sets inside a later keyframe are taken as they come', () => {
  const dp = new H26xDepacketizer({ codec: 'h265' });
  const sps2 = nal(33, 40, 0x99);
  const first = [...dp.push(rtp(1, 0, VPS)), ...dp.push(rtp(2, 0, SPS)), ...dp.push(rtp(3, 0, PPS)), ...dp.push(rtp(4, 0, nal(19, 30), true))];
  const second = [...dp.push(rtp(5, 3600, VPS)), ...dp.push(rtp(6, 3600, sps2)), ...dp.push(rtp(7, 3600, PPS)), ...dp.push(rtp(8, 3600, nal(20, 30), true))];
  assert.deepEqual(first[0].nalus.slice(0, 3), [VPS, SPS, PPS]);
  assert.deepEqual(second[0].nalus.slice(0, 3), [VPS, sps2, PPS]);
  assert.equal(second[0].keyframe, true, 'IDR_N_LP is a keyframe');
});
