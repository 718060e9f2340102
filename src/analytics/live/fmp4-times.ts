// Just enough of an fMP4 stream to time analysed frames: the track timescale and picture size from
// the init segment, the decode time (tfdt) of each fragment, the camera's capture time. Runs on
// every fragment of every analysed camera: media's box walker, no strings or arrays per box. Pure:
// Buffers in, numbers out.
import { BOX, captureTimeOfSei, findBox, findBoxPath } from '../../media/index.ts';

const MDHD = [BOX.moov, BOX.trak, BOX.mdia, BOX.mdhd];
const TKHD = [BOX.moov, BOX.trak, BOX.tkhd];
const TFDT = [BOX.moof, BOX.traf, BOX.tfdt];

export interface InitInfo {
  timescale: number;
  width: number;
  height: number;
}

/** Timescale (mdhd) and picture size (tkhd) of the first track, or null when absent. */
export function readInitInfo(init: Buffer): InitInfo | null {
  const mdhd = findBoxPath(init, 0, init.length, MDHD);
  const tkhd = findBoxPath(init, 0, init.length, TKHD);
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
  const tfdt = findBoxPath(fragment, 0, fragment.length, TFDT);
  if (!tfdt) return null;
  return fragment[tfdt.body] === 1 ? Number(fragment.readBigUInt64BE(tfdt.body + 4)) : fragment.readUInt32BE(tfdt.body + 4);
}

/**
 * The camera's send time (ms since the epoch) from a capture-time SEI message in the fragment's
 * first sample, or null when there is none (real cameras: their timestamps are in vendor formats
 * or in RTCP, which this does not read). Samples hold 4-byte-length-prefixed NAL units.
 */
export function readCaptureTime(fragment: Buffer, codec: 'h264' | 'h265' = 'h264'): number | null {
  const mdat = findBox(fragment, 0, fragment.length, BOX.mdat);
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
