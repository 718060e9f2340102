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
