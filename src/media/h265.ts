// H.265/HEVC bitstream parsing (ITU-T H.265 §7.3): enough to describe a track to a muxer (hvcC) and
// to a browser (RFC 6381 codec string), to find keyframes and picture boundaries. Pure functions;
// every read is bounds-checked, so a hostile or truncated NAL unit ends in a MediaError.

import { MediaError } from './errors.ts';
import { BitReader, unescapeRbsp } from './h264.ts';
import type { H265TrackConfig } from './types.ts';

export const H265_NAL = {
  /** IRAP pictures (BLA, IDR, CRA and reserved IRAP types) are 16..23: a decoder can start there. */
  IRAP_FIRST: 16,
  IRAP_LAST: 23,
  IDR_W_RADL: 19,
  IDR_N_LP: 20,
  CRA: 21,
  VPS: 32,
  SPS: 33,
  PPS: 34,
  AUD: 35,
  EOS: 36,
  EOB: 37,
  FD: 38,
  SEI_PREFIX: 39,
  SEI_SUFFIX: 40,
  /** RFC 7798 payload structures. */
  AP: 48,
  FU: 49,
  PACI: 50,
} as const;

/** Largest picture side we accept (level 6.2 allows 8444 luma samples a side; leave headroom). */
const MAX_SIDE = 16384;

/** nal_unit_type: bits 1..6 of the first byte of the two-byte NAL header. */
export function h265NalType(nal: Buffer): number {
  return (nal[0] >> 1) & 0x3f;
}

/** VCL NAL units (coded slices) are types 0..31. */
export function isH265Vcl(type: number): boolean {
  return type < 32;
}

export interface H265Sps {
  vpsId: number;
  spsId: number;
  maxSubLayers: number;
  temporalIdNesting: boolean;
  profileSpace: number;
  tierFlag: number;
  profileIdc: number;
  /** general_profile_compatibility_flag[0..31], flag 0 in the most significant bit (as sent). */
  compatibilityFlags: number;
  /** The 48 bits from general_progressive_source_flag on, as the 6 bytes in the SPS. */
  constraintBytes: Buffer;
  levelIdc: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Displayed size after the conformance window. */
  width: number;
  height: number;
  /** sps_max_num_reorder_pics of the highest sub-layer: how far output order may lag decode order. */
  maxNumReorderPics: number;
}

function checkRange(name: string, v: number, max: number): number {
  if (v > max) throw new MediaError('BAD_SPS', `${name} ${v} out of range (max ${max})`);
  return v;
}

/** Parse an H.265 sequence parameter set (with its two-byte NAL header, without start code). */
export function parseH265Sps(sps: Buffer): H265Sps {
  if (!Buffer.isBuffer(sps) || sps.length < 4) throw new MediaError('BAD_SPS', 'SPS too short');
  if (sps[0] & 0x80) throw new MediaError('BAD_SPS', 'forbidden_zero_bit set');
  if (h265NalType(sps) !== H265_NAL.SPS) throw new MediaError('BAD_SPS', `not an H.265 SPS (NAL type ${h265NalType(sps)})`);
  const r = new BitReader(unescapeRbsp(sps.subarray(2)), 'BAD_SPS');
  const vpsId = r.bits(4);
  const maxSubLayersMinus1 = r.bits(3);
  if (maxSubLayersMinus1 > 6) throw new MediaError('BAD_SPS', `sps_max_sub_layers_minus1 ${maxSubLayersMinus1} out of range`);
  const temporalIdNesting = r.bool();
  // profile_tier_level(1, sps_max_sub_layers_minus1), §7.3.3
  const profileSpace = r.bits(2);
  const tierFlag = r.bit();
  const profileIdc = r.bits(5);
  const compatibilityFlags = r.bits(32);
  const constraintBytes = Buffer.alloc(6);
  for (let i = 0; i < 6; i++) constraintBytes[i] = r.bits(8);
  const levelIdc = r.bits(8);
  const subProfilePresent: boolean[] = [];
  const subLevelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    subProfilePresent.push(r.bool());
    subLevelPresent.push(r.bool());
  }
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (subProfilePresent[i]) r.skip(88);
    if (subLevelPresent[i]) r.skip(8);
  }
  const spsId = checkRange('sps_seq_parameter_set_id', r.ue(), 15);
  const chromaFormatIdc = checkRange('chroma_format_idc', r.ue(), 3);
  const separateColourPlane = chromaFormatIdc === 3 ? r.bool() : false;
  const codedWidth = checkRange('pic_width_in_luma_samples', r.ue(), MAX_SIDE);
  const codedHeight = checkRange('pic_height_in_luma_samples', r.ue(), MAX_SIDE);
  let left = 0;
  let right = 0;
  let top = 0;
  let bottom = 0;
  if (r.bool()) {
    left = checkRange('conf_win_left_offset', r.ue(), MAX_SIDE);
    right = checkRange('conf_win_right_offset', r.ue(), MAX_SIDE);
    top = checkRange('conf_win_top_offset', r.ue(), MAX_SIDE);
    bottom = checkRange('conf_win_bottom_offset', r.ue(), MAX_SIDE);
  }
  const bitDepthLuma = checkRange('bit_depth_luma_minus8', r.ue(), 8) + 8;
  const bitDepthChroma = checkRange('bit_depth_chroma_minus8', r.ue(), 8) + 8;
  checkRange('log2_max_pic_order_cnt_lsb_minus4', r.ue(), 12);
  const orderingInfoForAll = r.bool();
  let maxNumReorderPics = 0;
  for (let i = orderingInfoForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    const maxDecMinus1 = checkRange('sps_max_dec_pic_buffering_minus1', r.ue(), 15);
    maxNumReorderPics = checkRange('sps_max_num_reorder_pics', r.ue(), maxDecMinus1);
    r.ue(); // sps_max_latency_increase_plus1
  }
  // §7.4.3.2.1: the conformance window is in chroma sample units.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const width = codedWidth - subWidthC * (left + right);
  const height = codedHeight - subHeightC * (top + bottom);
  if (width <= 0 || height <= 0) throw new MediaError('BAD_SPS', `implausible picture size ${width}x${height}`);
  return {
    vpsId, spsId, maxSubLayers: maxSubLayersMinus1 + 1, temporalIdNesting,
    profileSpace, tierFlag, profileIdc, compatibilityFlags, constraintBytes, levelIdc,
    chromaFormatIdc, bitDepthLuma, bitDepthChroma, width, height, maxNumReorderPics,
  };
}

/** Reverse the 32 bits of v (ISO/IEC 14496-15 E.3 prints the compatibility flags that way). */
function reverseBits32(v: number): number {
  let out = 0;
  for (let i = 0; i < 32; i++) {
    out = out * 2 + (v & 1);
    v = Math.floor(v / 2);
  }
  return out >>> 0;
}

/**
 * RFC 6381 / ISO/IEC 14496-15 Annex E codec string, e.g. "hvc1.1.6.L93.B0": profile space and
 * profile, compatibility flags bit-reversed in hex, tier and level, then the constraint bytes in
 * hex with trailing zero bytes left out.
 */
export function h265CodecString(sps: H265Sps): string {
  const space = ['', 'A', 'B', 'C'][sps.profileSpace] ?? '';
  const compat = reverseBits32(sps.compatibilityFlags).toString(16).toUpperCase();
  const bytes = [...sps.constraintBytes];
  while (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes.pop();
  const constraints = bytes.map((b) => '.' + b.toString(16).toUpperCase()).join('');
  return `hvc1.${space}${sps.profileIdc}.${compat}.${sps.tierFlag ? 'H' : 'L'}${sps.levelIdc}${constraints}`;
}

function checkHeader(nal: Buffer, type: number, code: string, what: string): void {
  if (!Buffer.isBuffer(nal) || nal.length < 3) throw new MediaError(code, `${what} too short`);
  if (nal[0] & 0x80) throw new MediaError(code, `${what}: forbidden_zero_bit set`);
  if (h265NalType(nal) !== type) throw new MediaError(code, `not an H.265 ${what} (NAL type ${h265NalType(nal)})`);
}

/** Check a PPS enough to put it in an hvcC box. */
export function checkH265Pps(pps: Buffer): void {
  checkHeader(pps, H265_NAL.PPS, 'BAD_PPS', 'PPS');
  const r = new BitReader(unescapeRbsp(pps.subarray(2)), 'BAD_PPS');
  if (r.ue() > 63) throw new MediaError('BAD_PPS', 'pps_pic_parameter_set_id out of range');
  if (r.ue() > 15) throw new MediaError('BAD_PPS', 'pps_seq_parameter_set_id out of range');
}

/** Describe an H.265 track from its VPS, SPS and PPS (NAL header included, no start code). */
export function h265TrackConfig(vps: Buffer, sps: Buffer, pps: Buffer): H265TrackConfig {
  checkHeader(vps, H265_NAL.VPS, 'BAD_VPS', 'VPS');
  const info = parseH265Sps(sps);
  checkH265Pps(pps);
  // Copies: the caller's NAL units usually point into a large network/file buffer.
  return {
    codec: 'h265',
    vps: Buffer.from(vps),
    sps: Buffer.from(sps),
    pps: Buffer.from(pps),
    width: info.width,
    height: info.height,
    codecString: h265CodecString(info),
  };
}

/** True when the unit holds an IRAP picture (IDR, CRA, BLA): a decoder can start there. */
export function isH265Keyframe(nalus: readonly Buffer[]): boolean {
  for (const nal of nalus) {
    if (nal.length < 2) continue;
    const t = h265NalType(nal);
    if (t >= H265_NAL.IRAP_FIRST && t <= H265_NAL.IRAP_LAST) return true;
  }
  return false;
}

/**
 * Group an H.265 NAL sequence into access units (§7.4.2.4.4): a new unit begins at an AUD, a
 * VPS/SPS/PPS/prefix SEI after a picture, or a slice with first_slice_segment_in_pic_flag set.
 */
export function groupH265AccessUnits(nalus: Buffer[]): Buffer[][] {
  const units: Buffer[][] = [];
  let cur: Buffer[] = [];
  let hasPicture = false;
  for (const nal of nalus) {
    if (nal.length < 2) continue;
    const t = h265NalType(nal);
    const vcl = isH265Vcl(t);
    const firstSlice = vcl && nal.length > 2 && (nal[2] & 0x80) !== 0;
    const prefix = t === H265_NAL.AUD || t === H265_NAL.VPS || t === H265_NAL.SPS || t === H265_NAL.PPS || t === H265_NAL.SEI_PREFIX || (t >= 41 && t <= 44);
    if (hasPicture && (prefix || firstSlice)) {
      units.push(cur);
      cur = [];
      hasPicture = false;
    }
    cur.push(nal);
    if (vcl) hasPicture = true;
  }
  if (cur.length) units.push(cur);
  return units;
}
