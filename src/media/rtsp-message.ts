// RTSP/1.0 wire format (RFC 2326): requests, responses and `$`-framed interleaved binary data all
// share one TCP stream. Pure: bytes in, messages out; both the client and the server use it.

/** Header names are lower-cased; repeated headers (several WWW-Authenticate) keep every value. */
export interface RtspResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: Map<string, string[]>;
  body: Buffer;
}

export interface RtspRequest {
  kind: 'request';
  method: string;
  url: string;
  headers: Map<string, string[]>;
  body: Buffer;
}

export interface InterleavedFrame {
  kind: 'interleaved';
  channel: number;
  payload: Buffer;
}

export type RtspWireItem = RtspResponse | RtspRequest | InterleavedFrame;

/** An interleaved frame on `channel` whose payload is buf[start, end). */
export type FrameHandler = (channel: number, buf: Buffer, start: number, end: number) => void;

/** Thrown by RtspWireParser when the stream cannot be RTSP; the caller maps it to its own error. */
export class RtspWireError extends Error {}

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

export function header(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name.toLowerCase())?.[0];
}

/**
 * Incremental parser. Feed it whatever the socket delivered; it returns the complete items and
 * keeps the rest (a frame cut in half by TCP waits for its other half).
 *
 * Items are views into the chunks fed (no copy): a socket read is parsed in place. Only the one
 * interleaved frame that straddles two reads is copied together (at most 64 KiB), because a TCP
 * read nearly always ends mid-packet and concatenating the leftover with the whole next read would
 * copy every received byte once more (the largest cost of recording hundreds of cameras).
 */
export class RtspWireParser {
  #buf: Buffer = EMPTY;

  /** Bytes waiting for the rest of their message. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Copy the unparsed tail out of the caller's buffer, which is about to be reused. */
  detach(): void {
    if (this.#buf.length > 0) this.#buf = Buffer.from(this.#buf);
  }

  /**
   * onFrame: interleaved frames are handed to it as buf[start, end) instead of being returned as
   * items (no object per packet: the RTSP client's path). Frames are views valid during the call.
   */
  feed(chunk: Buffer, onFrame?: FrameHandler): RtspWireItem[] {
    const items: RtspWireItem[] = [];
    let buf = chunk;
    let off = 0;
    const left = this.#buf;
    if (left.length > 0 && left.buffer === chunk.buffer && left.byteOffset + left.length === chunk.byteOffset) {
      // The read landed right after the unparsed tail (a reader that fills one buffer in turn):
      // one view over both, no copy.
      buf = Buffer.from(chunk.buffer, left.byteOffset, left.length + chunk.length);
    } else if (left.length > 0) {
      const need = straddlingFrameRest(left, chunk);
      if (need >= 0 && need <= chunk.length) {
        // Complete the straddling frame from the head of this read, then parse the rest in place.
        const frame = Buffer.concat([left, chunk.subarray(0, need)]);
        if (onFrame) onFrame(frame[1], frame, 4, frame.length);
        else items.push({ kind: 'interleaved', channel: frame[1], payload: frame.subarray(4) });
        off = need;
      } else {
        // Still incomplete, or a text message (rare: setup and keep-alive answers): join them.
        buf = Buffer.concat([left, chunk]);
      }
    }
    off = parseItems(buf, off, items, onFrame);
    // The leftover is a view: it pins this read only until the next one completes it.
    this.#buf = off >= buf.length ? EMPTY : buf.subarray(off);
    return items;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * When `left` (unparsed bytes) starts an interleaved frame whose 4-byte header is known from
 * `left` and `next`: how many bytes of `next` complete it. -1 otherwise.
 */
function straddlingFrameRest(left: Buffer, next: Buffer): number {
  if (left[0] !== 0x24 /* $ */ || left.length + next.length < 4) return -1;
  const at = (i: number): number => (i < left.length ? left[i] : next[i - left.length]);
  const len = (at(2) << 8) | at(3);
  return Math.max(0, 4 + len - left.length);
}

/** Parse complete items of buf from off; returns where the first incomplete one starts. */
function parseItems(buf: Buffer, off: number, items: RtspWireItem[], onFrame: FrameHandler | undefined): number {
  while (off < buf.length) {
    if (buf[off] === 0x24 /* $ */) {
      if (buf.length - off < 4) break;
      const len = (buf[off + 2] << 8) | buf[off + 3];
      if (buf.length - off < 4 + len) break;
      if (onFrame) onFrame(buf[off + 1], buf, off + 4, off + 4 + len);
      else items.push({ kind: 'interleaved', channel: buf[off + 1], payload: buf.subarray(off + 4, off + 4 + len) });
      off += 4 + len;
      continue;
    }
    // Some servers put stray CR/LF between messages.
    if (buf[off] === 0x0d || buf[off] === 0x0a) {
      off++;
      continue;
    }
    const end = findHeaderEnd(buf, off);
    if (end < 0) {
      if (buf.length - off > MAX_HEADER_BYTES) throw new RtspWireError('RTSP header too long');
      // A start line must look like RTSP early on: reject binary garbage without waiting for 64 KiB.
      checkStartLooksValid(buf.subarray(off, Math.min(buf.length, off + 16)));
      break;
    }
    const head = buf.subarray(off, end).toString('latin1');
    const bodyStart = end + (buf[end] === 0x0d ? 4 : 2);
    const msg = parseHead(head);
    const cl = header(msg.headers, 'content-length');
    const bodyLen = cl === undefined ? 0 : Number(cl);
    if (!Number.isInteger(bodyLen) || bodyLen < 0 || bodyLen > MAX_BODY_BYTES) throw new RtspWireError(`bad Content-Length: ${cl}`);
    if (buf.length - bodyStart < bodyLen) break;
    // A copy: messages are rare, and the caller's buffer may be reused once feed() returns.
    msg.body = Buffer.from(buf.subarray(bodyStart, bodyStart + bodyLen));
    items.push(msg);
    off = bodyStart + bodyLen;
  }
  return off;
}

function findHeaderEnd(buf: Buffer, from: number): number {
  for (let i = from; i + 1 < buf.length; i++) {
    if (buf[i] === 0x0a && buf[i + 1] === 0x0a) return i; // bare LF LF
    if (buf[i] === 0x0d && i + 3 < buf.length && buf[i + 1] === 0x0a && buf[i + 2] === 0x0d && buf[i + 3] === 0x0a) return i;
  }
  return -1;
}

const TOKEN_START = /^[A-Z_]/;

function checkStartLooksValid(start: Buffer): void {
  const s = start.toString('latin1');
  if (s.length >= 5 && !s.startsWith('RTSP/') && !/^[A-Z_]+[ A-Z_]/.test(s)) throw new RtspWireError('not an RTSP message');
  if (s.length > 0 && !TOKEN_START.test(s)) throw new RtspWireError('not an RTSP message');
}

function parseHead(head: string): RtspResponse | RtspRequest {
  const lines = head.split(/\r?\n/);
  const start = lines[0];
  const headers = new Map<string, string[]>();
  let last: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      const vals = headers.get(last)!;
      vals[vals.length - 1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RtspWireError(`malformed header line: ${line.slice(0, 80)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const vals = headers.get(name);
    if (vals) vals.push(value);
    else headers.set(name, [value]);
    last = name;
  }
  const resp = /^RTSP\/1\.\d (\d{3})(?: (.*))?$/.exec(start);
  if (resp) return { kind: 'response', status: Number(resp[1]), reason: resp[2] ?? '', headers, body: Buffer.alloc(0) };
  const req = /^([A-Z_]+) (\S+) RTSP\/1\.\d$/.exec(start);
  if (req) return { kind: 'request', method: req[1], url: req[2], headers, body: Buffer.alloc(0) };
  throw new RtspWireError(`malformed start line: ${start.slice(0, 80)}`);
}

export function serializeRequest(method: string, url: string, headers: Record<string, string | number>, body?: string): Buffer {
  return serialize(`${method} ${url} RTSP/1.0`, headers, body);
}

export function serializeResponse(status: number, reason: string, headers: Record<string, string | number>, body?: string): Buffer {
  return serialize(`RTSP/1.0 ${status} ${reason}`, headers, body);
}

function serialize(start: string, headers: Record<string, string | number>, body?: string): Buffer {
  let s = start + '\r\n';
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  const b = body ? Buffer.from(body, 'utf8') : undefined;
  if (b) s += `Content-Length: ${b.length}\r\n`;
  s += '\r\n';
  return b ? Buffer.concat([Buffer.from(s, 'latin1'), b]) : Buffer.from(s, 'latin1');
}

/** Frame one RTP/RTCP packet for an interleaved TCP channel. */
export function interleavedFrame(channel: number, packet: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + packet.length);
  out[0] = 0x24;
  out[1] = channel;
  out.writeUInt16BE(packet.length, 2);
  packet.copy(out, 4);
  return out;
}
