// RTP (RFC 3550) packet parsing and the depacketizers of RFC 6184 for H.264 (single NAL unit,
// STAP-A, FU-A) and RFC 7798 for H.265 (single NAL unit, AP, FU; no DONL, i.e.
// sprop-max-don-diff=0 as every camera sends). Pure: packets in, access units out. The depacketizer never emits a unit it knows to be
// damaged: a sequence gap drops the unit being assembled and, by default, everything until the
// next IDR, because a decoder fed a picture that references a lost one shows garbage until then.
import type { AccessUnit, VideoCodec } from './types.ts';
import { PiecewiseAccessUnit, type NalPieces } from './access-unit.ts';
import { CopyAssembler, PiecesAssembler, type NalAssembler } from './nal-assembler.ts';

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequence: number;
  /** The 32-bit RTP timestamp as sent. */
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parse one RTP packet; null when it cannot be one (wrong version, truncated, bad padding). */
export function parseRtpPacket(buf: Buffer): RtpPacket | null {
  if (buf.length < 12) return null;
  const b0 = buf[0];
  if (b0 >> 6 !== 2) return null;
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let off = 12 + csrcCount * 4;
  if (off > buf.length) return null;
  if (extension) {
    if (off + 4 > buf.length) return null;
    off += 4 + buf.readUInt16BE(off + 2) * 4;
    if (off > buf.length) return null;
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1];
    if (pad === 0 || end - pad < off) return null;
    end -= pad;
  }
  return {
    marker: (buf[1] & 0x80) !== 0,
    payloadType: buf[1] & 0x7f,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(off, end),
  };
}

/** RTP header fields of a packet read in place (parseRtpHeaderAt); one object reused per reader. */
export interface RtpHeaderView {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** The payload is the buffer's [payloadStart, payloadEnd). */
  payloadStart: number;
  payloadEnd: number;
}

/** parseRtpPacket for the packet buf[start, end), into `h`: false when it cannot be RTP. No allocation. */
export function parseRtpHeaderAt(buf: Buffer, start: number, end: number, h: RtpHeaderView): boolean {
  if (end - start < 12) return false;
  const b0 = buf[start];
  if (b0 >> 6 !== 2) return false;
  let off = start + 12 + (b0 & 0x0f) * 4;
  if (off > end) return false;
  if ((b0 & 0x10) !== 0) {
    if (off + 4 > end) return false;
    off += 4 + ((buf[off + 2] << 8) | buf[off + 3]) * 4;
    if (off > end) return false;
  }
  let stop = end;
  if ((b0 & 0x20) !== 0) {
    const pad = buf[end - 1];
    if (pad === 0 || stop - pad < off) return false;
    stop -= pad;
  }
  const b1 = buf[start + 1];
  h.marker = (b1 & 0x80) !== 0;
  h.payloadType = b1 & 0x7f;
  h.sequence = (buf[start + 2] << 8) | buf[start + 3];
  h.timestamp = buf.readUInt32BE(start + 4);
  h.ssrc = buf.readUInt32BE(start + 8);
  h.payloadStart = off;
  h.payloadEnd = stop;
  return true;
}

/** Extends 32-bit RTP timestamps to a monotonic number line (the wrap at 2^32 comes every 13 h at 90 kHz). */
export class TimestampUnwrapper {
  #last: number | undefined;
  #value = 0;

  unwrap(ts32: number): number {
    if (this.#last === undefined) {
      this.#value = ts32;
    } else {
      // Signed 32-bit difference: small steps back (reordering) stay small, a wrap becomes +delta.
      this.#value += (ts32 - this.#last) | 0;
    }
    this.#last = ts32;
    return this.#value;
  }
}

export interface H26xDepacketizerOptions {
  /**
   * Emit nothing until an IDR, at the start and after any loss (default true), so that every
   * emitted unit can be decoded.
   */
  requireKeyframe?: boolean;
  /** Payload format: RFC 6184 H.264 (default) or RFC 7798 H.265. */
  codec?: VideoCodec;
  /**
   * 'pieces' (default): NAL units are views of the packets, a fragmented one in pieces. 'copy':
   * each NAL unit copied once into a slab, one Buffer each, so the packets' memory is free after
   * push() (nal-assembler.ts says when which is cheaper). 'ring': the same into one reused slab;
   * a unit's bytes are overwritten about 256 KiB of video later (for consumers done with a unit
   * by then, like the recorder).
   */
  assemble?: 'pieces' | 'copy' | 'ring';
}

export interface DepacketizerStats {
  packets: number;
  lostPackets: number;
  /** Units dropped because part of them was lost or malformed. */
  brokenUnits: number;
  /** Intact units dropped while waiting for a keyframe. */
  skippedUnits: number;
  /** Payloads that are not valid H.264/H.265 RTP (bad STAP-A/AP sizes, FU without start, ...). */
  malformed: number;
  /**
   * Units dropped (damaged, or skipped until the next keyframe) after the first picture was
   * delivered: pictures lost mid-stream, not the wait for the stream's first keyframe.
   */
  lostUnits: number;
}

/** Shared answer of pushAt() when a packet completes no unit (most packets): no array per packet. */
const NO_UNITS: AccessUnit[] = Object.freeze([]) as unknown as AccessUnit[];

export class H26xDepacketizer {
  readonly stats: DepacketizerStats = { packets: 0, lostPackets: 0, brokenUnits: 0, skippedUnits: 0, malformed: 0, lostUnits: 0 };
  /** A picture was delivered: from now on a dropped unit is a lost picture. */
  #delivering = false;
  readonly #requireKeyframe: boolean;
  #needKeyframe: boolean;
  #unwrapper = new TimestampUnwrapper();
  #lastSeq = -1;
  #lastSsrc = -1;
  #ts: number | undefined;
  /** NAL units of the unit in progress, each as pieces: a fragmented one is not joined (access-unit.ts). */
  #nalus: NalPieces[] = [];
  #broken = false;
  /** Assembles NAL units, the fragmented one in progress included. */
  readonly #asm: NalAssembler;
  #codec: VideoCodec;

  constructor(opts: H26xDepacketizerOptions = {}) {
    this.#requireKeyframe = opts.requireKeyframe ?? true;
    this.#needKeyframe = this.#requireKeyframe;
    this.#codec = opts.codec ?? 'h264';
    this.#asm = opts.assemble === 'copy' || opts.assemble === 'ring' ? new CopyAssembler(256 * 1024, opts.assemble === 'ring') : new PiecesAssembler();
  }

  get codec(): VideoCodec {
    return this.#codec;
  }

  /** Switch the payload format (e.g. once the SDP is known); drops whatever was in progress. */
  set codec(codec: VideoCodec) {
    if (codec === this.#codec) return;
    this.#codec = codec;
    this.#ts = undefined;
    this.#nalus = [];
    this.#asm.abort();
    this.#broken = false;
  }

  /** Feed packets in sequence order; returns the units they completed (usually zero or one). */
  push(pkt: RtpPacket): AccessUnit[] {
    return this.pushAt(pkt.sequence, pkt.timestamp, pkt.marker, pkt.ssrc, pkt.payload, 0, pkt.payload.length);
  }

  /**
   * push() for a packet whose payload is buf[from, to), read in place: the RTSP client's path,
   * which makes no object per packet. The array returned is shared and empty when no unit was
   * completed (nearly every packet): do not modify it.
   */
  pushAt(sequence: number, timestamp: number, marker: boolean, ssrc: number, buf: Buffer, from: number, to: number): AccessUnit[] {
    let out = NO_UNITS;
    this.stats.packets++;
    let gap = false;
    if (this.#lastSsrc !== -1 && ssrc !== this.#lastSsrc) {
      gap = true; // a new stream from the sender: whatever was in progress is incomplete
    } else if (this.#lastSeq >= 0) {
      const missing = (sequence - this.#lastSeq - 1) & 0xffff;
      if (missing >= 0x8000) {
        // Late duplicate or reordered packet behind us: drop it, it was already accounted for.
        this.stats.packets--;
        return out;
      }
      if (missing > 0) {
        gap = true;
        this.stats.lostPackets += missing;
      }
    }
    this.#lastSeq = sequence;
    this.#lastSsrc = ssrc;
    if (gap) this.#markLoss();
    if (this.#ts !== undefined && timestamp !== this.#ts) out = this.#finishInto(out);
    if (gap) this.#broken = true; // the lost packets may have been the start of this new unit
    this.#ts = timestamp;
    this.#handlePayload(buf, from, to);
    if (marker) out = this.#finishInto(out);
    return out;
  }

  #finishInto(out: AccessUnit[]): AccessUnit[] {
    const u = this.#finish();
    if (!u) return out;
    if (out === NO_UNITS) return [u];
    out.push(u);
    return out;
  }

  /** Emit the unit in progress (e.g. at end of stream when the marker bit never came). */
  flush(): AccessUnit[] {
    const u = this.#ts !== undefined ? this.#finish() : null;
    return u ? [u] : [];
  }

  #markLoss(): void {
    this.#broken = true;
    this.#asm.abort();
    if (this.#requireKeyframe) this.#needKeyframe = true;
  }

  #malformed(): void {
    this.stats.malformed++;
    this.#markLoss();
  }

  /** The payload is p[b, e): a view of the packet, read in place (no subarray per packet). */
  #handlePayload(p: Buffer, b: number, e: number): void {
    if (this.#codec === 'h265') return this.#handleH265Payload(p, b, e);
    if (e - b < 1 || (p[b] & 0x80) !== 0) return this.#malformed();
    const type = p[b] & 0x1f;
    if (type >= 1 && type <= 23) {
      if (this.#asm.open) return this.#malformed(); // a fragmented NAL never got its end
      this.#nalus.push(this.#asm.whole(p, b, e));
    } else if (type === 24) {
      if (this.#asm.open) return this.#malformed();
      const found = this.#splitAggregate(p, b + 1, e, 1);
      if (!found) return this.#malformed();
      this.#nalus.push(...found);
    } else if (type === 28) {
      if (e - b < 3) return this.#malformed();
      const fuHeader = p[b + 1];
      const start = (fuHeader & 0x80) !== 0;
      const end = (fuHeader & 0x40) !== 0;
      if (start) {
        if (this.#asm.open) return this.#malformed();
        this.#asm.start((p[b] & 0xe0) | (fuHeader & 0x1f), -1, p, b + 2, e);
      } else {
        if (!this.#asm.open) {
          // The start was lost (already counted as a gap) or never sent: drop the fragment.
          if (!this.#broken) this.#malformed();
          return;
        }
        this.#asm.add(p, b + 2, e);
      }
      if (end) this.#nalus.push(this.#asm.finish());
    } else {
      // STAP-B, MTAP, FU-B (interleaved mode) and reserved types: not used in packetization-mode 1.
      this.#malformed();
    }
  }

  /**
   * The NAL units of an aggregation packet (H.264 STAP-A, H.265 AP): a 16-bit size before each, from
   * `off` to `e`. Null when a size runs past the end, is under `minSize` (the NAL header) or a unit
   * has its forbidden bit set.
   */
  #splitAggregate(p: Buffer, off: number, e: number, minSize: number): NalPieces[] | null {
    const found: NalPieces[] = [];
    while (off < e) {
      if (off + 2 > e) return null;
      const size = (p[off] << 8) | p[off + 1];
      off += 2;
      if (size < minSize || off + size > e || (p[off] & 0x80) !== 0) return null;
      found.push(this.#asm.whole(p, off, off + size));
      off += size;
    }
    return found;
  }

  /** RFC 7798 §4.4: the payload header is a two-byte NAL header whose type says the structure. */
  #handleH265Payload(p: Buffer, b: number, e: number): void {
    if (e - b < 2 || (p[b] & 0x80) !== 0 || (p[b + 1] & 0x07) === 0) return this.#malformed(); // F bit, TID 0
    const type = (p[b] >> 1) & 0x3f;
    if (type < 48) {
      if (this.#asm.open) return this.#malformed();
      this.#nalus.push(this.#asm.whole(p, b, e));
    } else if (type === 48) {
      // Aggregation packet: 16-bit size before each NAL unit (no DONL/DOND without sprop-max-don-diff).
      if (this.#asm.open) return this.#malformed();
      const found = this.#splitAggregate(p, b + 2, e, 2);
      if (!found || found.length === 0) return this.#malformed();
      this.#nalus.push(...found);
    } else if (type === 49) {
      if (e - b < 4) return this.#malformed();
      const fuHeader = p[b + 2];
      const start = (fuHeader & 0x80) !== 0;
      const end = (fuHeader & 0x40) !== 0;
      const fuType = fuHeader & 0x3f;
      if (start && end) return this.#malformed(); // §4.4.3: S and E must not both be set
      if (start) {
        if (this.#asm.open) return this.#malformed();
        // The NAL header comes back from the payload header with the FU's type put in.
        this.#asm.start((p[b] & 0x81) | (fuType << 1), p[b + 1], p, b + 3, e);
      } else {
        if (!this.#asm.open) {
          if (!this.#broken) this.#malformed();
          return;
        }
        this.#asm.add(p, b + 3, e);
      }
      if (end) this.#nalus.push(this.#asm.finish());
    } else {
      // PACI (50) and reserved types: not produced by the cameras and servers we talk to.
      this.#malformed();
    }
  }

  /** From each NAL unit's first piece, which starts with its header. */
  #isKeyframe(nalus: NalPieces[]): boolean {
    if (this.#codec === 'h265') return nalus.some((n) => { const t = (n[0][0] >> 1) & 0x3f; return t >= 16 && t <= 23; });
    return nalus.some((n) => (n[0][0] & 0x1f) === 5);
  }

  #finish(): AccessUnit | null {
    const ts = this.#ts!;
    const dts = this.#unwrapper.unwrap(ts);
    if (this.#asm.open) {
      this.#broken = true;
      this.#asm.abort();
      if (this.#requireKeyframe) this.#needKeyframe = true;
    }
    const nalus = this.#nalus;
    const broken = this.#broken;
    this.#ts = undefined;
    this.#nalus = [];
    this.#broken = false;
    if (broken) {
      this.stats.brokenUnits++;
      if (this.#delivering) this.stats.lostUnits++;
      return null;
    }
    if (nalus.length === 0) return null;
    const keyframe = this.#isKeyframe(nalus);
    if (this.#needKeyframe && !keyframe) {
      this.stats.skippedUnits++;
      if (this.#delivering) this.stats.lostUnits++;
      return null;
    }
    this.#needKeyframe = false;
    this.#delivering = true;
    // RTP timestamps are presentation times; dts is derived later when pictures are reordered.
    return new PiecewiseAccessUnit(nalus, dts, dts, keyframe, this.#codec === 'h265' ? 'h265' : undefined);
  }
}

/**
 * Puts UDP packets back in sequence order within a small window. TCP never needs it. A packet
 * that stays missing while `window` later ones wait is given up on: the depacketizer then sees
 * the gap.
 */
export class RtpReorderBuffer {
  readonly #window: number;
  #expected = -1;
  #held = new Map<number, RtpPacket>();

  constructor(window = 16) {
    this.#window = window;
  }

  push(pkt: RtpPacket): RtpPacket[] {
    if (this.#expected < 0) this.#expected = pkt.sequence;
    const ahead = (pkt.sequence - this.#expected) & 0xffff;
    if (ahead >= 0x8000) return []; // older than what was already released
    this.#held.set(pkt.sequence, pkt);
    const out: RtpPacket[] = [];
    this.#drain(out);
    if (this.#held.size > this.#window) {
      // Skip the hole: jump to the oldest packet we hold.
      let best = -1;
      let bestDist = 0x10000;
      for (const seq of this.#held.keys()) {
        const d = (seq - this.#expected) & 0xffff;
        if (d < bestDist) {
          bestDist = d;
          best = seq;
        }
      }
      this.#expected = best;
      this.#drain(out);
    }
    return out;
  }

  #drain(out: RtpPacket[]): void {
    for (;;) {
      const p = this.#held.get(this.#expected);
      if (!p) return;
      this.#held.delete(this.#expected);
      out.push(p);
      this.#expected = (this.#expected + 1) & 0xffff;
    }
  }
}
