// A small deterministic mutation engine (AFL-style havoc): bit flips, random and "interesting"
// bytes/words, inserts, deletes, duplicated ranges, splices with other seeds, truncation, and
// protocol tokens for text formats. Case n of a run is a pure function of (seed, n), so any
// failure is replayed from its number alone.

/** mulberry32: tiny, fast, good enough to drive mutations. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
}

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x03, 0x24, 0x0d, 0x0a, 0x20];
const INTERESTING_16 = [0x0000, 0x0001, 0x7fff, 0x8000, 0xffff, 0x00ff, 0x0100, 0xfffe];
const INTERESTING_32 = [0x00000000, 0x00000001, 0x7fffffff, 0x80000000, 0xffffffff, 0x00010000, 0xfffffff8, 0x00000008];
/** Things that change how text protocols and start-code streams are read. */
const TOKENS = [
  '\r\n', '\r\n\r\n', '\n', ':', ';', ',', '=', '"', ' ', '$', '\0',
  'Content-Length: 4294967296\r\n', 'Content-Length: -1\r\n', 'Content-Length: 99\r\n',
  'RTSP/1.0 200 OK\r\n', 'a=fmtp:96 ', 'a=rtpmap:96 H265/90000\r\n', 'm=video 0 RTP/AVP 96\r\n',
  'sprop-parameter-sets=', 'sprop-vps=', 'sprop-max-don-diff=1', 'Digest ', 'Basic ', 'nonce="', 'qop=auth',
  '\x00\x00\x01', '\x00\x00\x00\x01', '\x00\x00\x03', 'moov', 'moof', 'trak', 'mdat', 'trun', 'stsd',
];

function clampCopy(b: Buffer, max: number): Buffer {
  return b.length > max ? b.subarray(0, max) : b;
}

/** Apply 1..6 stacked mutations to a seed; `others` are splice partners. Never returns more than maxLen bytes. */
export function mutate(rng: Rng, seed: Buffer, others: readonly Buffer[], maxLen = 64 * 1024): Buffer {
  let b = Buffer.from(seed);
  const rounds = 1 + rng.int(6);
  for (let r = 0; r < rounds; r++) {
    const op = rng.int(12);
    const pos = b.length ? rng.int(b.length) : 0;
    switch (op) {
      case 0: // flip one bit
        if (b.length) b[pos] ^= 1 << rng.int(8);
        break;
      case 1: // random byte
        if (b.length) b[pos] = rng.int(256);
        break;
      case 2: // interesting byte
        if (b.length) b[pos] = rng.pick(INTERESTING_8);
        break;
      case 3: // interesting 16-bit word (either endianness)
        if (pos + 2 <= b.length) {
          const v = rng.pick(INTERESTING_16);
          if (rng.int(2)) b.writeUInt16BE(v, pos);
          else b.writeUInt16LE(v, pos);
        }
        break;
      case 4: // interesting 32-bit word
        if (pos + 4 <= b.length) b.writeUInt32BE(rng.pick(INTERESTING_32) >>> 0, pos);
        break;
      case 5: { // insert random bytes
        const n = 1 + rng.int(rng.int(2) ? 4 : 64);
        const ins = Buffer.alloc(n);
        for (let i = 0; i < n; i++) ins[i] = rng.int(256);
        b = Buffer.concat([b.subarray(0, pos), ins, b.subarray(pos)]);
        break;
      }
      case 6: { // delete a range
        const n = 1 + rng.int(Math.max(1, Math.min(64, b.length - pos)));
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + n)]);
        break;
      }
      case 7: { // duplicate a range
        const n = 1 + rng.int(Math.max(1, Math.min(256, b.length - pos)));
        b = Buffer.concat([b.subarray(0, pos + n), b.subarray(pos, pos + n), b.subarray(pos + n)]);
        break;
      }
      case 8: { // splice: our head, another seed's tail
        const other = rng.pick(others);
        if (other && other.length) b = Buffer.concat([b.subarray(0, pos), other.subarray(rng.int(other.length))]);
        break;
      }
      case 9: // truncate
        b = b.subarray(0, pos);
        break;
      case 10: { // protocol token
        const t = Buffer.from(rng.pick(TOKENS), 'latin1');
        b = rng.int(2) ? Buffer.concat([b.subarray(0, pos), t, b.subarray(pos)]) : Buffer.concat([b.subarray(0, pos), t, b.subarray(Math.min(b.length, pos + t.length))]);
        break;
      }
      default: { // arithmetic on a byte (lengths and counts off by a little)
        if (b.length) b[pos] = (b[pos] + (rng.int(2) ? 1 : -1) * (1 + rng.int(16))) & 0xff;
      }
    }
  }
  return clampCopy(b, maxLen);
}
