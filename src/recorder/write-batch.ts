// A camera's fragments waiting to be written, copied into one buffer as they come. Holding the
// muxer's Buffers instead would keep several small objects per picture alive for about a second
// each, which at hundreds of cameras is most of the garbage collector's work (they all survive
// young-generation collections); a native copy of ~10 KB per picture costs far less, and the
// kernel then gets one buffer per write instead of three per picture. Two buffers per camera take
// turns: one fills while the other is being written, so steady recording allocates nothing.
export class WriteBatch {
  #buf: Buffer | null = null;
  #used = 0;
  #spare: Buffer | null = null;
  /** Size to start a batch with: the largest batch seen so far (a second of video, typically). */
  #hint: number;

  constructor(initialBytes = 64 * 1024) {
    this.#hint = initialBytes;
  }

  get bytes(): number {
    return this.#used;
  }

  /** Copy a fragment (one Buffer or its parts in order) to the end of the batch. */
  append(fragment: Buffer | readonly Buffer[]): void {
    if (Buffer.isBuffer(fragment)) return this.#append(fragment);
    for (const b of fragment) this.#append(b);
  }

  /** The batch so far, handed over for writing; give it back with release() once written. */
  take(): Buffer | null {
    if (!this.#buf || this.#used === 0) return null;
    const out = this.#buf.subarray(0, this.#used);
    this.#hint = Math.max(this.#hint, this.#used);
    this.#buf = null;
    this.#used = 0;
    return out;
  }

  /** Forget what is queued (its segment failed). */
  discard(): void {
    this.#used = 0;
  }

  /** A taken batch is on disk (or failed): its memory serves the next batch. */
  release(batch: Buffer): void {
    const whole = Buffer.from(batch.buffer, batch.byteOffset, batch.buffer.byteLength - batch.byteOffset);
    if (!this.#spare || whole.length > this.#spare.length) this.#spare = whole;
  }

  #append(b: Buffer): void {
    if (!this.#buf) {
      const spare = this.#spare;
      this.#spare = null;
      this.#buf = spare && spare.length >= Math.min(this.#hint, 4 << 20) ? spare : Buffer.allocUnsafeSlow(Math.max(this.#hint, b.length) + (this.#hint >> 2));
    }
    if (this.#used + b.length > this.#buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#used + b.length));
      this.#buf.copy(grown, 0, 0, this.#used);
      this.#buf = grown;
    }
    this.#used += b.copy(this.#buf, this.#used);
  }
}
