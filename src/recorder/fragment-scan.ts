// Reads what a segment file really holds after a crash: the init segment, then complete
// moof+mdat pairs. A kill -9 (or a full disk) can leave a half-written fragment at the end; the
// file is playable again once cut back to `validBytes`. Pure: a Buffer in, numbers out. Built on
// media's box walker; allocation-light, since recovery runs it over every segment file at start-up.
import { BOX, findBox, findBoxPath, readBox, type Mp4Box } from '../media/index.ts';

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

const MDHD = [BOX.trak, BOX.mdia, BOX.mdhd];

function mdhdTimescale(buf: Buffer, moov: Mp4Box): number | null {
  const mdhd = findBoxPath(buf, moov.body, moov.end, MDHD);
  if (!mdhd) return null;
  const p = mdhd.body;
  const version = buf[p];
  const at = p + 4 + (version === 1 ? 16 : 8);
  return at + 4 <= mdhd.end ? buf.readUInt32BE(at) : null;
}

/** Decode time and total duration of the first track fragment of a moof. */
function fragmentTiming(buf: Buffer, moof: Mp4Box): { dts: number; duration: number } | null {
  const traf = findBox(buf, moof.body, moof.end, BOX.traf);
  if (!traf) return null;
  const to = traf.end;
  let defaultDuration = 0;
  let dts: number | null = null;
  let duration = 0;
  for (let b = readBox(buf, traf.body, to); b && !b.toEnd; b = readBox(buf, b.end, to)) {
    const p = b.body;
    const flags = buf.readUInt32BE(p) & 0xffffff;
    const version = buf[p];
    if (b.type === BOX.tfhd) {
      let q = p + 8; // version/flags, track_ID
      if (flags & 0x01) q += 8; // base_data_offset
      if (flags & 0x02) q += 4; // sample_description_index
      if (flags & 0x08) defaultDuration = buf.readUInt32BE(q);
    } else if (b.type === BOX.tfdt) {
      dts = version === 1 ? Number(buf.readBigUInt64BE(p + 4)) : buf.readUInt32BE(p + 4);
    } else if (b.type === BOX.trun) {
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
  let sawMoov = false;
  let pendingMoof: Mp4Box | null = null;
  // A box "to the end of the file" (size 0) is not one the recorder writes, and a half-written
  // file may hold one whose real size was never patched in: stop before it.
  for (let b = readBox(buf, 0, buf.length); b && !b.toEnd; b = readBox(buf, b.end, buf.length)) {
    if (!sawMoov) {
      if (b.type === BOX.moov) {
        sawMoov = true;
        scan.timescale = mdhdTimescale(buf, b) ?? scan.timescale;
        scan.initBytes = scan.validBytes = b.end;
      } else if (b.type !== BOX.ftyp) break;
    } else if (b.type === BOX.moof) {
      pendingMoof = b;
    } else if (b.type === BOX.mdat && pendingMoof) {
      const t = fragmentTiming(buf, pendingMoof);
      if (!t) break;
      scan.fragments++;
      scan.firstDts ??= t.dts;
      scan.endDts = t.dts + t.duration;
      scan.validBytes = b.end;
      pendingMoof = null;
    } else if (b.type !== BOX.styp && b.type !== BOX.sidx && b.type !== BOX.free) {
      break; // not a file Vigil writes: keep what was valid so far
    }
  }
  return scan;
}
