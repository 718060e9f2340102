// How the depacketizer turns RTP payload bytes into NAL units. Two ways, same bytes:
//
// - pieces (default): views of the packets, a fragmented NAL unit kept as its pieces (no copy;
//   access-unit.ts). Every piece is a Buffer object that lives as long as the picture is queued
//   for disk (about a second), and so do the packets' memory.
// - copy: every NAL unit copied once, packet by packet, into a slab shared by the camera's units,
//   giving one Buffer per NAL unit. At hundreds of cameras this is cheaper than the pieces: a
//   native copy of ~1.4 KB costs less than the garbage collector's work on the ~180 pieces per
//   camera per second that outlive a young-generation collection, and the socket reads are free
//   again as soon as they are parsed. The RTSP client uses it.
import type { NalPieces } from './access-unit.ts';

export interface NalAssembler {
  /** A fragmented NAL unit is being assembled. */
  readonly open: boolean;
  /** A whole NAL unit: p[from, to). */
  whole(p: Buffer, from: number, to: number): NalPieces;
  /** First fragment: the NAL header (one byte, or two for H.265: h1 >= 0), then p[from, to). */
  start(h0: number, h1: number, p: Buffer, from: number, to: number): void;
  /** Next fragment: p[from, to). */
  add(p: Buffer, from: number, to: number): void;
  /** Last fragment added: the NAL unit. */
  finish(): NalPieces;
  /** Drop the NAL unit in progress, if any. */
  abort(): void;
}

export class PiecesAssembler implements NalAssembler {
  #fu: Buffer[] | null = null;

  get open(): boolean {
    return this.#fu !== null;
  }

  whole(p: Buffer, from: number, to: number): NalPieces {
    return [from === 0 && to === p.length ? p : p.subarray(from, to)];
  }

  start(h0: number, h1: number, p: Buffer, from: number, to: number): void {
    this.#fu = [Buffer.from(h1 >= 0 ? [h0, h1] : [h0]), p.subarray(from, to)];
  }

  add(p: Buffer, from: number, to: number): void {
    this.#fu!.push(p.subarray(from, to));
  }

  finish(): NalPieces {
    const fu = this.#fu!;
    this.#fu = null;
    return fu;
  }

  abort(): void {
    this.#fu = null;
  }
}

export class CopyAssembler implements NalAssembler {
  readonly #slabSize: number;
  readonly #ring: boolean;
  #slab: Buffer;
  #pos = 0;
  /** Start of the NAL unit in progress in #slab, or -1. */
  #start = -1;

  /**
   * slabSize: bytes per slab; a NAL unit larger than that gets a slab of its own.
   * ring: reuse the one slab from its start when it is full, overwriting the NAL units handed out
   * one slab ago. Fresh memory costs a page fault per 4 KiB on first touch (measured: ~6x the
   * copy itself), so this is much cheaper, but only for a consumer that is done with a unit long
   * before a slab's worth of video follows it (the recorder: two pictures).
   */
  constructor(slabSize = 256 * 1024, ring = false) {
    this.#slabSize = slabSize;
    this.#ring = ring;
    this.#slab = Buffer.allocUnsafeSlow(slabSize);
  }

  get open(): boolean {
    return this.#start >= 0;
  }

  whole(p: Buffer, from: number, to: number): NalPieces {
    this.#begin();
    this.#append(p, from, to);
    return this.finish();
  }

  start(h0: number, h1: number, p: Buffer, from: number, to: number): void {
    this.#begin();
    this.#room(2);
    this.#slab[this.#pos++] = h0;
    if (h1 >= 0) this.#slab[this.#pos++] = h1;
    this.#append(p, from, to);
  }

  add(p: Buffer, from: number, to: number): void {
    this.#append(p, from, to);
  }

  finish(): NalPieces {
    const nal = this.#slab.subarray(this.#start, this.#pos);
    this.#start = -1;
    return [nal];
  }

  abort(): void {
    // Nothing was handed out from the unfinished unit: its room is reused.
    if (this.#start >= 0) this.#pos = this.#start;
    this.#start = -1;
  }

  #begin(): void {
    this.#start = this.#pos;
  }

  #append(p: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.#room(n);
    p.copy(this.#slab, this.#pos, from, to);
    this.#pos += n;
  }

  /** Make room for n more bytes of the unit in progress, moving it to a new slab if needed. */
  #room(n: number): void {
    if (this.#pos + n <= this.#slab.length) return;
    const partialLength = this.#pos - this.#start;
    // A ring starts over at the front, taking the unit in progress along, while units stay small
    // against it (a quarter), so what it overwrites was handed out most of a ring ago.
    if (this.#ring && (partialLength + n) * 4 <= this.#slab.length) {
      this.#slab.copyWithin(0, this.#start, this.#pos);
      this.#pos = partialLength;
      this.#start = 0;
      return;
    }
    // Otherwise a new slab (a ring grows to keep units under a quarter of it); grow by at least
    // half again, so a unit larger than a slab moves O(log n) times, not per packet.
    const need = partialLength + n;
    const size = this.#ring ? Math.max(this.#slab.length * 2, need * 4) : Math.max(this.#slabSize, Math.ceil(need * 1.5));
    const slab = Buffer.allocUnsafeSlow(size);
    this.#slab.copy(slab, 0, this.#start, this.#pos);
    this.#slab = slab;
    this.#pos = partialLength;
    this.#start = 0;
  }
}
