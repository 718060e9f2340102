// Access units -> RTP packets: H.264 (RFC 6184, packetization-mode 1: single NAL units and FU-A)
// and H.265 (RFC 7798: single NAL units and FUs, no DONL).
// A unit is packetized once into one buffer laid out as interleaved TCP frames, so a server can
// write the same bytes to every TCP viewer and hand sub-slices of it to every UDP viewer.
import type { AccessUnit, VideoCodec } from './types.ts';

export interface H26xPacketizerOptions {
  payloadType?: number;
  ssrc?: number;
  /** Largest RTP payload; 1400 keeps packets under a 1500-byte Ethernet MTU with IP/UDP headers. */
  maxPayload?: number;
  initialSequence?: number;
  /** Default 'h264'. */
  codec?: VideoCodec;
}

export interface RtpBatch {
  /** RTP packets (no framing), sub-slices of `framed`. */
  packets: Buffer[];
  /** All packets as `$`-framed interleaved frames on channel 0. */
  framed: Buffer;
  /** The same frames for another channel (copies only when channel != 0). */
  interleaved(channel: number): Buffer;
}

export class H26xPacketizer {
  readonly payloadType: number;
  readonly ssrc: number;
  readonly codec: VideoCodec;
  readonly #maxPayload: number;
  #seq: number;

  constructor(opts: H26xPacketizerOptions = {}) {
    this.payloadType = opts.payloadType ?? 96;
    this.ssrc = (opts.ssrc ?? Math.floor(Math.random() * 0x100000000)) >>> 0;
    this.#maxPayload = Math.max(16, opts.maxPayload ?? 1400);
    this.#seq = (opts.initialSequence ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
    this.codec = opts.codec ?? 'h264';
  }

  /** Sequence number the next packet will carry. */
  get nextSequence(): number {
    return this.#seq;
  }

  packetize(au: AccessUnit): RtpBatch {
    const max = this.#maxPayload;
    const h265 = this.codec === 'h265';
    // Bytes of the NAL header a fragment replaces, and of FU indicator/header it adds.
    const hdr = h265 ? 2 : 1;
    const fuOverhead = h265 ? 3 : 2;
    const nalus = au.nalus.filter((n) => n.length >= hdr);
    // Layout pass: payload sizes of every packet, so that one allocation holds them all.
    const sizes: number[] = [];
    for (const nal of nalus) {
      if (nal.length <= max) sizes.push(nal.length);
      else {
        let rest = nal.length - hdr;
        while (rest > 0) {
          const chunk = Math.min(rest, max - fuOverhead);
          sizes.push(chunk + fuOverhead);
          rest -= chunk;
        }
      }
    }
    let total = 0;
    for (const s of sizes) total += 16 + s;
    const framed = Buffer.allocUnsafe(total);
    const packets: Buffer[] = [];
    const ts = au.pts % 0x100000000;
    let off = 0;
    let k = 0;
    const writeHeader = (payloadLen: number, marker: boolean): number => {
      framed[off] = 0x24;
      framed[off + 1] = 0;
      framed.writeUInt16BE(12 + payloadLen, off + 2);
      const h = off + 4;
      framed[h] = 0x80;
      framed[h + 1] = (marker ? 0x80 : 0) | this.payloadType;
      framed.writeUInt16BE(this.#seq, h + 2);
      framed.writeUInt32BE(ts, h + 4);
      framed.writeUInt32BE(this.ssrc, h + 8);
      this.#seq = (this.#seq + 1) & 0xffff;
      packets.push(framed.subarray(h, h + 12 + payloadLen));
      return h + 12;
    };
    for (const nal of nalus) {
      if (nal.length <= max) {
        const p = writeHeader(nal.length, ++k === sizes.length);
        nal.copy(framed, p);
        off = p + nal.length;
        continue;
      }
      let pos = hdr;
      while (pos < nal.length) {
        const chunk = Math.min(nal.length - pos, max - fuOverhead);
        const first = pos === hdr;
        const last = pos + chunk === nal.length;
        const p = writeHeader(chunk + fuOverhead, ++k === sizes.length);
        const flags = (first ? 0x80 : 0) | (last ? 0x40 : 0);
        if (h265) {
          framed[p] = (nal[0] & 0x81) | (49 << 1); // FU payload header keeps F, layer id and TID
          framed[p + 1] = nal[1];
          framed[p + 2] = flags | ((nal[0] >> 1) & 0x3f);
        } else {
          framed[p] = (nal[0] & 0xe0) | 28;
          framed[p + 1] = flags | (nal[0] & 0x1f);
        }
        nal.copy(framed, p + fuOverhead, pos, pos + chunk);
        off = p + fuOverhead + chunk;
        pos += chunk;
      }
    }
    const byChannel = new Map<number, Buffer>([[0, framed]]);
    return {
      packets,
      framed,
      interleaved(channel: number): Buffer {
        let b = byChannel.get(channel);
        if (!b) {
          b = Buffer.from(framed);
          for (let o = 0; o < b.length; o += 4 + b.readUInt16BE(o + 2)) b[o + 1] = channel;
          byChannel.set(channel, b);
        }
        return b;
      },
    };
  }
}
