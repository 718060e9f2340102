// Reads back the fragmented MP4 that src/media/fmp4.ts writes (and any similar single-track fMP4):
// where the init segment ends, where each moof+mdat fragment lies, its decode time, duration and
// whether it starts on a sync sample. Playback and export cut and splice recordings with this
// without decoding anything. Pure: Buffers in, plain values out. A truncated tail (the recorder
// killed mid-write) ends the list instead of failing: every complete fragment stays usable.

import { MediaError } from './errors.ts';
import { BOX, childBoxes, findBox, findBoxPath, fourccName, type Mp4Box as Box } from './mp4-box.ts';

export interface FragmentInfo {
  /** Byte offset of the moof in the file. */
  offset: number;
  /** moof + mdat bytes. */
  size: number;
  /** baseMediaDecodeTime (tfdt), in the track timescale. */
  dts: number;
  /** Sum of the sample durations. */
  duration: number;
  sampleCount: number;
  /** First sample is a sync sample: a decoder can start here. */
  keyframe: boolean;
  /** Offsets, from the moof start, of the tfdt's time field and its width (4 or 8 bytes). */
  tfdtTimeOffset: number;
  tfdtTimeBytes: 4 | 8;
  /** Offset, from the moof start, of mfhd's sequence number. */
  seqOffset: number;
}

export interface Fmp4File {
  /** ftyp + moov (the bytes before the first moof). */
  init: Buffer;
  timescale: number;
  /** 'avc1', 'hvc1', 'hev1', ... */
  sampleEntry: string;
  /** RFC 6381 codec string for MSE, e.g. avc1.64001f. */
  codecString: string;
  fragments: FragmentInfo[];
  /** Bytes after the last complete fragment (a torn write), 0 for a clean file. */
  trailingBytes: number;
}

/** A box must hold the bytes a reader is about to take from it (fuzzing found reads past the end). */
function need(b: Box, bytes: number, what: string): void {
  if (b.end - b.body < bytes) throw new MediaError('BAD_MP4', `${what} box at ${b.start} too short (${b.end - b.body} < ${bytes} bytes)`);
}

const MDHD = [BOX.mdia, BOX.mdhd];
const STSD = [BOX.mdia, BOX.minf, BOX.stbl, BOX.stsd];
const TREX = [BOX.mvex, BOX.trex];

function child(buf: Buffer, parent: Box, type: number): Box | null {
  return findBox(buf, parent.body, parent.end, type);
}

const TRUN_DATA_OFFSET = 0x000001;
const TRUN_FIRST_FLAGS = 0x000004;
const TRUN_DURATION = 0x000100;
const TRUN_SIZE = 0x000200;
const TRUN_FLAGS = 0x000400;
const TRUN_CTS = 0x000800;
const TFHD_BASE_OFFSET = 0x000001;
const TFHD_DESC_INDEX = 0x000002;
const TFHD_DEFAULT_DURATION = 0x000008;
const TFHD_DEFAULT_SIZE = 0x000010;
const TFHD_DEFAULT_FLAGS = 0x000020;
const SAMPLE_IS_NON_SYNC = 0x00010000;

interface Defaults {
  duration: number;
  flags: number;
}

function parseMoof(buf: Buffer, moof: Box, defaults: Defaults): Omit<FragmentInfo, 'offset' | 'size'> {
  const mfhd = child(buf, moof, BOX.mfhd);
  const traf = child(buf, moof, BOX.traf);
  if (!mfhd || !traf) throw new MediaError('BAD_MP4', `moof at ${moof.start} lacks mfhd or traf`);
  const tfhd = child(buf, traf, BOX.tfhd);
  const tfdt = child(buf, traf, BOX.tfdt);
  const trun = child(buf, traf, BOX.trun);
  if (!tfhd || !tfdt || !trun) throw new MediaError('BAD_MP4', `traf at ${traf.start} lacks tfhd, tfdt or trun`);

  need(mfhd, 8, 'mfhd');
  let defaultDuration = defaults.duration;
  let defaultFlags = defaults.flags;
  need(tfhd, 8, 'tfhd');
  const tfhdFlags = buf.readUInt32BE(tfhd.body) & 0xffffff;
  need(tfhd, 8 + (tfhdFlags & TFHD_BASE_OFFSET ? 8 : 0) + (tfhdFlags & TFHD_DESC_INDEX ? 4 : 0) + (tfhdFlags & TFHD_DEFAULT_DURATION ? 4 : 0)
    + (tfhdFlags & TFHD_DEFAULT_SIZE ? 4 : 0) + (tfhdFlags & TFHD_DEFAULT_FLAGS ? 4 : 0), 'tfhd');
  let p = tfhd.body + 8; // version/flags, track_ID
  if (tfhdFlags & TFHD_BASE_OFFSET) p += 8;
  if (tfhdFlags & TFHD_DESC_INDEX) p += 4;
  if (tfhdFlags & TFHD_DEFAULT_DURATION) (defaultDuration = buf.readUInt32BE(p)), (p += 4);
  if (tfhdFlags & TFHD_DEFAULT_SIZE) p += 4;
  if (tfhdFlags & TFHD_DEFAULT_FLAGS) defaultFlags = buf.readUInt32BE(p);

  need(tfdt, 8, 'tfdt');
  const tfdtVersion = buf[tfdt.body];
  if (tfdtVersion === 1) need(tfdt, 12, 'tfdt');
  const tfdtTimeBytes = tfdtVersion === 1 ? 8 : 4;
  const dts = tfdtVersion === 1 ? Number(buf.readBigUInt64BE(tfdt.body + 4)) : buf.readUInt32BE(tfdt.body + 4);

  need(trun, 8, 'trun');
  need(trun, 8 + (buf.readUInt32BE(trun.body) & TRUN_DATA_OFFSET ? 4 : 0) + (buf.readUInt32BE(trun.body) & TRUN_FIRST_FLAGS ? 4 : 0), 'trun');
  const trunFlags = buf.readUInt32BE(trun.body) & 0xffffff;
  const sampleCount = buf.readUInt32BE(trun.body + 4);
  p = trun.body + 8;
  if (trunFlags & TRUN_DATA_OFFSET) p += 4;
  let firstFlags: number | null = null;
  if (trunFlags & TRUN_FIRST_FLAGS) (firstFlags = buf.readUInt32BE(p)), (p += 4);
  const perSample =
    (trunFlags & TRUN_DURATION ? 4 : 0) + (trunFlags & TRUN_SIZE ? 4 : 0) + (trunFlags & TRUN_FLAGS ? 4 : 0) + (trunFlags & TRUN_CTS ? 4 : 0);
  if (p + perSample * sampleCount > trun.end) throw new MediaError('BAD_MP4', `trun at ${trun.start} is shorter than its ${sampleCount} samples`);
  let duration = 0;
  let keyflags = firstFlags ?? defaultFlags;
  // Without per-sample fields a 4-byte count could ask for 4 billion loop turns (fuzzing found it).
  if (perSample === 0) duration = defaultDuration * sampleCount;
  else for (let i = 0; i < sampleCount; i++) {
    let q = p + i * perSample;
    if (trunFlags & TRUN_DURATION) (duration += buf.readUInt32BE(q)), (q += 4);
    else duration += defaultDuration;
    if (trunFlags & TRUN_SIZE) q += 4;
    if (i === 0 && firstFlags === null && trunFlags & TRUN_FLAGS) keyflags = buf.readUInt32BE(q);
  }
  return {
    dts,
    duration,
    sampleCount,
    keyframe: (keyflags & SAMPLE_IS_NON_SYNC) === 0,
    tfdtTimeOffset: tfdt.body + 4 - moof.start,
    tfdtTimeBytes,
    seqOffset: mfhd.body + 4 - moof.start,
  };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** RFC 6381 codec string from the sample entry (avcC / hvcC); ISO/IEC 14496-15 Annex E for HEVC. */
function codecStringOf(buf: Buffer, entry: Box): string {
  // VisualSampleEntry: 8 bytes SampleEntry + 70 bytes of visual fields before child boxes.
  const kids = childBoxes(buf, entry.body + 78, entry.end);
  const avcC = kids.find((b) => b.type === BOX.avcC);
  if (avcC) need(avcC, 4, 'avcC');
  const hvcCBox = kids.find((b) => b.type === BOX.hvcC);
  if (hvcCBox) need(hvcCBox, 13, 'hvcC');
  if (avcC) return `${fourccName(entry.type)}.${hex2(buf[avcC.body + 1])}${hex2(buf[avcC.body + 2])}${hex2(buf[avcC.body + 3])}`;
  const hvcC = kids.find((b) => b.type === BOX.hvcC);
  if (hvcC) {
    const h = hvcC.body;
    const space = (buf[h + 1] >> 6) & 3;
    const tier = (buf[h + 1] >> 5) & 1;
    const profile = buf[h + 1] & 0x1f;
    const compat = buf.readUInt32BE(h + 2);
    let reversed = 0;
    for (let i = 0; i < 32; i++) if (compat & (1 << i)) reversed |= 1 << (31 - i);
    const constraints = [...buf.subarray(h + 6, h + 12)];
    while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
    const parts = [fourccName(entry.type), `${['', 'A', 'B', 'C'][space]}${profile}`, (reversed >>> 0).toString(16).toUpperCase(), `${tier ? 'H' : 'L'}${buf[h + 12]}`];
    for (const c of constraints) parts.push(c.toString(16).toUpperCase());
    return parts.join('.');
  }
  return fourccName(entry.type);
}

/** Parses a whole fMP4 file (or a prefix of one). Throws MediaError BAD_MP4 when there is no usable init. */
export function readFmp4(buf: Buffer): Fmp4File {
  const top = childBoxes(buf, 0, buf.length);
  const moovIdx = top.findIndex((b) => b.type === BOX.moov);
  if (moovIdx < 0) throw new MediaError('BAD_MP4', 'no moov box: not an MP4 init segment');
  const moov = top[moovIdx];
  const trak = child(buf, moov, BOX.trak);
  const mdhd = trak && findBoxPath(buf, trak.body, trak.end, MDHD);
  const stsd = trak && findBoxPath(buf, trak.body, trak.end, STSD);
  if (!mdhd || !stsd) throw new MediaError('BAD_MP4', 'moov lacks trak/mdia/mdhd or stsd');
  need(mdhd, buf[mdhd.body] === 1 ? 24 : 16, 'mdhd');
  need(stsd, 8, 'stsd');
  const timescale = buf[mdhd.body] === 1 ? buf.readUInt32BE(mdhd.body + 20) : buf.readUInt32BE(mdhd.body + 12);
  const entry = childBoxes(buf, stsd.body + 8, stsd.end)[0];
  if (!entry) throw new MediaError('BAD_MP4', 'stsd has no sample entry');
  const trex = findBoxPath(buf, moov.body, moov.end, TREX);
  if (trex) need(trex, 24, 'trex');
  const defaults: Defaults = trex ? { duration: buf.readUInt32BE(trex.body + 12), flags: buf.readUInt32BE(trex.body + 20) } : { duration: 0, flags: 0 };

  const fragments: FragmentInfo[] = [];
  let initEnd = moov.end;
  let cleanEnd = moov.end;
  for (let i = moovIdx + 1; i < top.length; i++) {
    const b = top[i];
    if (b.type !== BOX.moof) {
      if (fragments.length === 0 && b.type !== BOX.mdat) initEnd = cleanEnd = b.end;
      continue;
    }
    const mdat = top[i + 1];
    if (!mdat || mdat.type !== BOX.mdat) break; // torn write: moof without its data
    fragments.push({ offset: b.start, size: mdat.end - b.start, ...parseMoof(buf, b, defaults) });
    cleanEnd = mdat.end;
    i++;
  }
  return {
    init: buf.subarray(0, initEnd),
    timescale,
    sampleEntry: fourccName(entry.type),
    codecString: codecStringOf(buf, entry),
    fragments,
    trailingBytes: buf.length - cleanEnd,
  };
}

/** A copy of one fragment with a new decode time and sequence number (for splicing recordings). */
export function rebaseFragment(file: Buffer, frag: FragmentInfo, dts: number, seq: number): Buffer {
  if (!Number.isSafeInteger(dts) || dts < 0) throw new MediaError('BAD_SAMPLE', `bad decode time ${dts}`);
  const out = Buffer.from(file.subarray(frag.offset, frag.offset + frag.size));
  if (frag.tfdtTimeBytes === 8) out.writeBigUInt64BE(BigInt(dts), frag.tfdtTimeOffset);
  else {
    if (dts > 0xffffffff) throw new MediaError('BAD_SAMPLE', 'decode time does not fit a version 0 tfdt');
    out.writeUInt32BE(dts, frag.tfdtTimeOffset);
  }
  out.writeUInt32BE(seq >>> 0, frag.seqOffset);
  return out;
}

/**
 * The init segment with a movie-extends header (mehd) saying how long the whole fragmented file is,
 * so players show a duration and a seek bar for an exported file. `durationMs` is in the movie
 * timescale when that is 1000 (as written by fmp4.ts); other timescales are converted.
 */
export function initWithDuration(init: Buffer, durationMs: number): Buffer {
  const top = childBoxes(init, 0, init.length);
  const moov = top.find((b) => b.type === BOX.moov);
  const mvex = moov && child(init, moov, BOX.mvex);
  const mvhd = moov && child(init, moov, BOX.mvhd);
  if (!moov || !mvex || !mvhd) throw new MediaError('BAD_MP4', 'init segment lacks moov/mvex/mvhd');
  need(mvhd, init[mvhd.body] === 1 ? 24 : 16, 'mvhd');
  if (child(init, mvex, BOX.mehd)) return init;
  const movieScale = init[mvhd.body] === 1 ? init.readUInt32BE(mvhd.body + 20) : init.readUInt32BE(mvhd.body + 12);
  const mehd = Buffer.alloc(20);
  mehd.writeUInt32BE(20, 0);
  mehd.write('mehd', 4, 'latin1');
  mehd.writeUInt32BE(0x01000000, 8); // version 1: 64-bit fragment_duration
  mehd.writeBigUInt64BE(BigInt(Math.round((durationMs * movieScale) / 1000)), 12);
  const out = Buffer.concat([init.subarray(0, mvex.body), mehd, init.subarray(mvex.body)]);
  // Grow the two enclosing boxes (32-bit sizes as fmp4.ts writes them).
  out.writeUInt32BE(out.readUInt32BE(moov.start) + 20, moov.start);
  out.writeUInt32BE(out.readUInt32BE(mvex.start) + 20, mvex.start);
  return out;
}

const MOOF_TFDT = [BOX.moof, BOX.traf, BOX.tfdt];

/**
 * The decode time (tfdt) of one moof+mdat fragment, in its track's timescale, or null when the
 * bytes are not such a fragment. For the live view's clock: cheap, reads three box headers.
 */
export function fragmentDecodeTime(buf: Buffer): number | null {
  const tfdt = findBoxPath(buf, 0, buf.length, MOOF_TFDT);
  if (!tfdt || tfdt.end - tfdt.body < 8) return null;
  if (buf[tfdt.body] === 1) return tfdt.end - tfdt.body >= 12 ? Number(buf.readBigUInt64BE(tfdt.body + 4)) : null;
  return buf.readUInt32BE(tfdt.body + 4);
}

/** The track timescale of an init segment, or null when it has none readable. */
export function initTimescale(init: Buffer): number | null {
  try {
    const t = readFmp4(init).timescale;
    return t > 0 ? t : null;
  } catch {
    return null;
  }
}
