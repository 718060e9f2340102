// H.264 access units -> RTP packets (RFC 6184, packetization-mode 1: single NAL units and FU-A).
// A unit is packetized once into one buffer laid out as interleaved TCP frames, so a server can
// write the same bytes to every TCP viewer and hand sub-slices of it to every UDP viewer.
import type { AccessUnit } from './types.ts';

export interface H264PacketizerOptions {
  payloadType?: number;
  ssrc?: number;
  /** Largest RTP payload; 1400 keeps packets under a 1500-byte Ethernet MTU with IP/UDP headers. */
  maxPayload?: number;
  initialSequence?: number;
}

export interface RtpBatch {
  /** RTP packets (no framing), sub-slices of `framed`. */
  packets: Buffer[];
  /** All packets as `$`-framed interleaved frames on channel 0. */
  framed: Buffer;
  /** The same frames for another channel (copies only when channel != 0). */
  interleaved(channel: number): Buffer;
}

export class H264Packetizer {
  readonly payloadType: number;
  readonly ssrc: number;
  readonly #maxPayload: number;
  #seq: number;

  constructor(opts: H264PacketizerOptions = {}) {
    this.payloadType = opts.payloadType ?? 96;
    this.ssrc = (opts.ssrc ?? Math.floor(Math.random() * 0x100000000)) >>> 0;
    this.#maxPayload = Math.max(16, opts.maxPayload ?? 1400);
    this.#seq = (opts.initialSequence ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
  }

  /** Sequence number the next packet will carry. */
  get nextSequence(): number {
    return this.#seq;
  }

  packetize(au: AccessUnit): RtpBatch {
    const max = this.#maxPayload;
    const nalus = au.nalus.filter((n) => n.length > 0);
    // Layout pass: payload sizes of every packet, so that one allocation holds them all.
    const sizes: number[] = [];
    for (const nal of nalus) {
      if (nal.length <= max) sizes.push(nal.length);
      else {
        let rest = nal.length - 1;
        while (rest > 0) {
          const chunk = Math.min(rest, max - 2);
          sizes.push(chunk + 2);
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
      const indicator = (nal[0] & 0xe0) | 28;
      const type = nal[0] & 0x1f;
      let pos = 1;
      while (pos < nal.length) {
        const chunk = Math.min(nal.length - pos, max - 2);
        const first = pos === 1;
        const last = pos + chunk === nal.length;
        const p = writeHeader(chunk + 2, ++k === sizes.length);
        framed[p] = indicator;
        framed[p + 1] = (first ? 0x80 : 0) | (last ? 0x40 : 0) | type;
        nal.copy(framed, p + 2, pos, pos + chunk);
        off = p + 2 + chunk;
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
