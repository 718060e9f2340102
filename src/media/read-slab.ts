// Where a camera's TCP socket reads land. By default Node allocates 64 KiB for every read, then a
// second buffer of the exact size it got, copies into it and wraps it in a new ArrayBuffer: at
// hundreds of cameras that is tens of thousands of native allocations, copies and ArrayBuffers
// (for the garbage collector to track) per second. With `onread`, reads go into one buffer per
// socket, used as a ring: each read lands right after the previous one, so a frame cut by the read
// boundary is contiguous with its rest (the wire parser then joins them without copying), and
// when the room runs out the next read starts at the front again.
//
// Only for readers that keep nothing of a read once it is handled (and its microtasks have run):
// the RTSP client copies every NAL unit out (nal-assembler.ts, 'copy'), and the wire parser
// copies message bodies and is told to detach its unparsed tail before the room is reused.
export class ReadRing {
  readonly #ring: Buffer;
  readonly #minFree: number;
  #pos = 0;

  /** size: bytes in the ring; minFree: a read is never offered less room than this. */
  constructor(size = 128 * 1024, minFree = 16 * 1024) {
    this.#ring = Buffer.allocUnsafeSlow(size);
    this.#minFree = Math.min(minFree, size);
  }

  /**
   * Room for the next read (Node's onread.buffer). `beforeWrap` runs when the ring starts over:
   * whoever still holds a view of it must copy what it needs.
   */
  next(beforeWrap: () => void): Buffer {
    if (this.#ring.length - this.#pos < this.#minFree) {
      beforeWrap();
      this.#pos = 0;
    }
    return this.#ring.subarray(this.#pos);
  }

  /** The read just made into `room` (Node's onread.callback): a view valid until the ring wraps. */
  take(room: Buffer, n: number): Buffer {
    if (room.buffer === this.#ring.buffer) this.#pos = room.byteOffset - this.#ring.byteOffset + n;
    return room.subarray(0, n);
  }
}
