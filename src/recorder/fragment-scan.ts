// Reads what a segment file really holds after a crash: the init segment, then complete
// moof+mdat pairs. A kill -9 (or a full disk) can leave a half-written fragment at the end; the
// file is playable again once cut back to `validBytes`. Pure: a Buffer in, numbers out.

export interface FragmentScan {
  /** Bytes of ftyp+moov, or 0 when the init segment itself is incomplete. */
  initBytes: number;
  /** End of the last complete moof+mdat pair (or of the init segment when there is none). */
  validBytes: number;
  fragments: number;
  /** Track timescale from mdhd (90000 for Vigil's files). */
  timescale: number;
  /** Decode time of the first fragment, and where the last sample ends, in timescale units. */
  firstDts: number | null;
  endDts: number | null;
}

interface BoxHead {
  type: string;
  start: number;
  headerSize: number;
  /** Total size; Infinity for "to the end of the file" (size 0). */
  size: number;
}

function readBox(buf: Buffer, at: number, end: number): BoxHead | null {
  if (at + 8 > end) return null;
  let size = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  if (size === 1) {
    if (at + 16 > end) return null;
    size = Number(buf.readBigUInt64BE(at + 8));
    headerSize = 16;
  } else if (size === 0) {
    return { type, start: at, headerSize, size: Infinity };
  }
  if (size < headerSize) return null;
  return { type, start: at, headerSize, size };
}

function* children(buf: Buffer, from: number, to: number): Generator<BoxHead> {
  let at = from;
  while (at < to) {
    const b = readBox(buf, at, to);
    if (!b || !Number.isFinite(b.size) || at + b.size > to) return;
    yield b;
    at += b.size;
  }
}

function find(buf: Buffer, from: number, to: number, type: string): BoxHead | null {
  for (const b of children(buf, from, to)) if (b.type === type) return b;
  return null;
}

function mdhdTimescale(buf: Buffer, moov: BoxHead): number | null {
  const body = (b: BoxHead) => [b.start + b.headerSize, b.start + b.size] as const;
  const trak = find(buf, ...body(moov), 'trak');
  const mdia = trak && find(buf, ...body(trak), 'mdia');
  const mdhd = mdia && find(buf, ...body(mdia), 'mdhd');
  if (!mdhd) return null;
  const p = mdhd.start + mdhd.headerSize;
  const version = buf[p];
  const at = p + 4 + (version === 1 ? 16 : 8);
  return at + 4 <= mdhd.start + mdhd.size ? buf.readUInt32BE(at) : null;
}

/** Decode time and total duration of the first track fragment of a moof. */
function fragmentTiming(buf: Buffer, moof: BoxHead): { dts: number; duration: number } | null {
  const traf = find(buf, moof.start + moof.headerSize, moof.start + moof.size, 'traf');
  if (!traf) return null;
  const from = traf.start + traf.headerSize;
  const to = traf.start + traf.size;
  let defaultDuration = 0;
  let dts: number | null = null;
  let duration = 0;
  for (const b of children(buf, from, to)) {
    const p = b.start + b.headerSize;
    const flags = buf.readUInt32BE(p) & 0xffffff;
    const version = buf[p];
    if (b.type === 'tfhd') {
      let q = p + 8; // version/flags, track_ID
      if (flags & 0x01) q += 8; // base_data_offset
      if (flags & 0x02) q += 4; // sample_description_index
      if (flags & 0x08) defaultDuration = buf.readUInt32BE(q);
    } else if (b.type === 'tfdt') {
      dts = version === 1 ? Number(buf.readBigUInt64BE(p + 4)) : buf.readUInt32BE(p + 4);
    } else if (b.type === 'trun') {
      const count = buf.readUInt32BE(p + 4);
      let q = p + 8;
      if (flags & 0x01) q += 4; // data_offset
      if (flags & 0x04) q += 4; // first_sample_flags
      const per = ((flags & 0x100) ? 4 : 0) + ((flags & 0x200) ? 4 : 0) + ((flags & 0x400) ? 4 : 0) + ((flags & 0x800) ? 4 : 0);
      if (q + per * count > to) return null;
      for (let i = 0; i < count; i++, q += per) duration += flags & 0x100 ? buf.readUInt32BE(q) : defaultDuration;
    }
  }
  return dts === null ? null : { dts, duration };
}

export function scanFragments(buf: Buffer): FragmentScan {
  const scan: FragmentScan = { initBytes: 0, validBytes: 0, fragments: 0, timescale: 90000, firstDts: null, endDts: null };
  let at = 0;
  let sawMoov = false;
  let pendingMoof: BoxHead | null = null;
  while (at < buf.length) {
    const b = readBox(buf, at, buf.length);
    if (!b || !Number.isFinite(b.size) || at + b.size > buf.length) break;
    if (!sawMoov) {
      if (b.type === 'moov') {
        sawMoov = true;
        scan.timescale = mdhdTimescale(buf, b) ?? scan.timescale;
        scan.initBytes = scan.validBytes = at + b.size;
      } else if (b.type !== 'ftyp') break;
    } else if (b.type === 'moof') {
      pendingMoof = b;
    } else if (b.type === 'mdat' && pendingMoof) {
      const t = fragmentTiming(buf, pendingMoof);
      if (!t) break;
      scan.fragments++;
      scan.firstDts ??= t.dts;
      scan.endDts = t.dts + t.duration;
      scan.validBytes = at + b.size;
      pendingMoof = null;
    } else if (b.type !== 'styp' && b.type !== 'sidx' && b.type !== 'free') {
      break; // not a file Vigil writes: keep what was valid so far
    }
    at += b.size;
  }
  return scan;
}
