// Just enough of an fMP4 stream to time analysed frames: the track timescale and picture size from
// the init segment, the decode time (tfdt) of each fragment. Pure: Buffers in, numbers out.

function* boxes(buf: Buffer, start: number, end: number): Generator<{ type: string; body: number; end: number }> {
  let off = start;
  while (off + 8 <= end) {
    let size = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    let body = off + 8;
    if (size === 1) {
      if (off + 16 > end) return;
      size = Number(buf.readBigUInt64BE(off + 8));
      body = off + 16;
    } else if (size === 0) size = end - off;
    if (size < 8 || off + size > end) return;
    yield { type, body, end: off + size };
    off += size;
  }
}

function find(buf: Buffer, path: string[], start = 0, end = buf.length): { body: number; end: number } | null {
  for (const b of boxes(buf, start, end)) {
    if (b.type !== path[0]) continue;
    return path.length === 1 ? b : find(buf, path.slice(1), b.body, b.end);
  }
  return null;
}

export interface InitInfo {
  timescale: number;
  width: number;
  height: number;
}

/** Timescale (mdhd) and picture size (tkhd) of the first track, or null when absent. */
export function readInitInfo(init: Buffer): InitInfo | null {
  const mdhd = find(init, ['moov', 'trak', 'mdia', 'mdhd']);
  const tkhd = find(init, ['moov', 'trak', 'tkhd']);
  if (!mdhd || !tkhd) return null;
  const v = init[mdhd.body];
  const timescale = init.readUInt32BE(mdhd.body + (v === 1 ? 20 : 12));
  // tkhd ends with width and height as 16.16 fixed point.
  const width = init.readUInt32BE(tkhd.end - 8) >>> 16;
  const height = init.readUInt32BE(tkhd.end - 4) >>> 16;
  return timescale > 0 ? { timescale, width, height } : null;
}

/** baseMediaDecodeTime of the fragment's first track run, or null. */
export function readFragmentDts(fragment: Buffer): number | null {
  const tfdt = find(fragment, ['moof', 'traf', 'tfdt']);
  if (!tfdt) return null;
  return fragment[tfdt.body] === 1 ? Number(fragment.readBigUInt64BE(tfdt.body + 4)) : fragment.readUInt32BE(tfdt.body + 4);
}

/** Vigil's capture-time SEI UUID (src/simulator/capture-time-sei.ts writes it). */
const CAPTURE_TIME_UUID = Buffer.from('8d2c4e1a7b3f4c59a6e0d51f93b2c7e4', 'hex');

/**
 * The camera's send time (ms since the epoch) from a capture-time SEI message in the fragment's
 * first sample, or null when there is none (real cameras: their timestamps are in vendor formats
 * or in RTCP, which this does not read). Samples hold 4-byte-length-prefixed NAL units.
 */
export function readCaptureTime(fragment: Buffer, codec: 'h264' | 'h265' = 'h264'): number | null {
  const mdat = find(fragment, ['mdat']);
  if (!mdat) return null;
  for (let off = mdat.body; off + 4 <= mdat.end;) {
    const len = fragment.readUInt32BE(off);
    const start = off + 4;
    const end = start + len;
    if (len === 0 || end > mdat.end) return null;
    const isSei = codec === 'h265' ? ((fragment[start] >> 1) & 0x3f) === 39 : (fragment[start] & 0x1f) === 6;
    const isPicture = codec === 'h265' ? ((fragment[start] >> 1) & 0x3f) < 32 : (fragment[start] & 0x1f) >= 1 && (fragment[start] & 0x1f) <= 5;
    if (isPicture) return null; // SEI precedes the first picture NAL
    if (isSei) {
      const t = captureTimeOfSei(fragment.subarray(start + (codec === 'h265' ? 2 : 1), end));
      if (t !== null) return t;
    }
    off = end;
  }
  return null;
}

function captureTimeOfSei(ebsp: Buffer): number | null {
  // Short messages: strip emulation prevention (00 00 03 -> 00 00) first.
  const rbsp: number[] = [];
  let zeros = 0;
  for (const b of ebsp) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    rbsp.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  let i = 0;
  while (i < rbsp.length && rbsp[i] !== 0x80) {
    let type = 0;
    while (rbsp[i] === 0xff) (type += 255), i++;
    type += rbsp[i++];
    let size = 0;
    while (rbsp[i] === 0xff) (size += 255), i++;
    size += rbsp[i++];
    if (i + size > rbsp.length) return null;
    if (type === 5 && size >= 24 && CAPTURE_TIME_UUID.every((b, k) => rbsp[i + k] === b)) {
      const micros = Buffer.from(rbsp.slice(i + 16, i + 24)).readBigUInt64BE(0);
      return Number(micros) / 1000;
    }
    i += size;
  }
  return null;
}
