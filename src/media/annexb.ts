// H.264/H.265 Annex B byte streams (start-code delimited), as ffmpeg writes `.h264` files.

/** Split an Annex B buffer into NAL units (start codes removed, trailing zero bytes trimmed). */
export function splitAnnexB(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const n = buf.length;
  let i = 0;
  let start = -1;
  while (i + 2 < n) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      if (start >= 0) out.push(trimZeros(buf.subarray(start, i)));
      i += 3;
      start = i;
    } else {
      i++;
    }
  }
  if (start >= 0 && start < n) out.push(trimZeros(buf.subarray(start, n)));
  return out.filter((b) => b.length > 0);
}

function trimZeros(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
}

/** H.264 nal_unit_type (low 5 bits of the first byte). */
export function h264NalType(nal: Buffer): number {
  return nal[0] & 0x1f;
}

export const H264_NAL = {
  SLICE: 1,
  IDR: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
  STAP_A: 24,
  FU_A: 28,
} as const;

/**
 * Group an H.264 NAL sequence into access units: a new unit begins at an AUD, an SPS/PPS/SEI
 * after a picture, or a slice whose first_mb_in_slice is 0 (top bit of the slice header set).
 */
export function groupH264AccessUnits(nalus: Buffer[]): Buffer[][] {
  const units: Buffer[][] = [];
  let cur: Buffer[] = [];
  let hasPicture = false;
  for (const nal of nalus) {
    const t = h264NalType(nal);
    const isSlice = t === H264_NAL.SLICE || t === H264_NAL.IDR;
    const firstSliceOfPicture = isSlice && nal.length > 1 && (nal[1] & 0x80) !== 0;
    const startsNew = hasPicture && (t === H264_NAL.AUD || t === H264_NAL.SPS || t === H264_NAL.PPS || t === H264_NAL.SEI || firstSliceOfPicture);
    if (startsNew) {
      units.push(cur);
      cur = [];
      hasPicture = false;
    }
    cur.push(nal);
    if (isSlice) hasPicture = true;
  }
  if (cur.length) units.push(cur);
  return units;
}
