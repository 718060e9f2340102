// H.264 bitstream parsing (ITU-T H.264 §7.3): just enough to describe a track to a muxer and
// to a browser. Pure functions; every read is bounds-checked so a hostile or truncated NAL unit
// ends in a MediaError, never a RangeError or a bogus multi-gigapixel size.

import { MediaError } from './errors.ts';
import type { H264TrackConfig } from './types.ts';

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

/** Largest picture side we accept (H.264 level 6.2 tops out at 8192; leave headroom). */
const MAX_SIDE = 16384;

/**
 * Remove emulation-prevention bytes: every 0x00 0x00 0x03 becomes 0x00 0x00.
 * Returns the input itself when there is nothing to remove (the common case), so no copy.
 */
export function unescapeRbsp(nal: Buffer): Buffer {
  let first = -1;
  for (let i = 2; i < nal.length; i++) {
    if (nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) {
      first = i;
      break;
    }
  }
  if (first < 0) return nal;
  const out = Buffer.allocUnsafe(nal.length);
  nal.copy(out, 0, 0, first);
  let o = first;
  let zeros = 0;
  for (let i = first + 1; i < nal.length; i++) {
    const b = nal[i];
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[o++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, o);
}

/** Inserts 0x03 after two zero bytes wherever the next byte is 0..3 (H.264 7.4.1). */
export function addEmulationPrevention(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** MSB-first bit reader with Exp-Golomb codes over an RBSP (emulation prevention already removed). */
export class BitReader {
  readonly #buf: Buffer;
  readonly #errorCode: string;
  #pos = 0; // in bits

  constructor(buf: Buffer, errorCode = 'BAD_NAL') {
    this.#buf = buf;
    this.#errorCode = errorCode;
  }

  get bitsLeft(): number {
    return this.#buf.length * 8 - this.#pos;
  }

  #need(n: number): void {
    if (n > this.bitsLeft) {
      throw new MediaError(this.#errorCode, `bitstream truncated: need ${n} bits, ${this.bitsLeft} left`);
    }
  }

  bit(): number {
    this.#need(1);
    const b = (this.#buf[this.#pos >> 3] >> (7 - (this.#pos & 7))) & 1;
    this.#pos++;
    return b;
  }

  bool(): boolean {
    return this.bit() === 1;
  }

  /** Read n ≤ 32 bits as an unsigned number. */
  bits(n: number): number {
    this.#need(n);
    let v = 0;
    for (let i = 0; i < n; i++) {
      v = v * 2 + ((this.#buf[this.#pos >> 3] >> (7 - (this.#pos & 7))) & 1);
      this.#pos++;
    }
    return v;
  }

  skip(n: number): void {
    this.#need(n);
    this.#pos += n;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      zeros++;
      // 32 leading zeros would encode a value beyond 2^32-1, which no syntax element allows.
      if (zeros > 31) throw new MediaError(this.#errorCode, 'Exp-Golomb code longer than 32 bits');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

export interface Sps {
  profileIdc: number;
  /** constraint_set0..5 flags and the two reserved bits, as the byte in the SPS. */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  frameMbsOnly: boolean;
  /** Displayed size after cropping. */
  width: number;
  height: number;
  /** Frame rate from VUI timing info, when the camera sends it (null otherwise). */
  fps: number | null;
  /**
   * max_num_reorder_frames from the VUI bitstream restriction: how far output order may lag decode
   * order (B-frames). Null when the SPS does not say; 0 for profiles without B-frames.
   */
  maxNumReorderFrames: number | null;
}

/** Profiles whose SPS carries chroma format, bit depth and scaling matrices (§7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127) throw new MediaError('BAD_SPS', 'scaling list delta out of range');
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

function checkRange(name: string, v: number, max: number): number {
  if (v > max) throw new MediaError('BAD_SPS', `${name} ${v} out of range (max ${max})`);
  return v;
}

/** Parse a sequence parameter set NAL unit (with its 1-byte NAL header, without start code). */
export function parseSps(sps: Buffer): Sps {
  if (!Buffer.isBuffer(sps) || sps.length < 4) throw new MediaError('BAD_SPS', 'SPS too short');
  if ((sps[0] & 0x1f) !== NAL_SPS) throw new MediaError('BAD_SPS', `not an SPS (NAL type ${sps[0] & 0x1f})`);
  if (sps[0] & 0x80) throw new MediaError('BAD_SPS', 'forbidden_zero_bit set');
  const r = new BitReader(unescapeRbsp(sps.subarray(1)), 'BAD_SPS');
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  const spsId = checkRange('seq_parameter_set_id', r.ue(), 31);
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = checkRange('chroma_format_idc', r.ue(), 3);
    if (chromaFormatIdc === 3) separateColourPlane = r.bool();
    bitDepthLuma = checkRange('bit_depth_luma_minus8', r.ue(), 6) + 8;
    bitDepthChroma = checkRange('bit_depth_chroma_minus8', r.ue(), 6) + 8;
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.bool()) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) {
        if (r.bool()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
  }
  checkRange('log2_max_frame_num_minus4', r.ue(), 12);
  const pocType = checkRange('pic_order_cnt_type', r.ue(), 2);
  if (pocType === 0) {
    checkRange('log2_max_pic_order_cnt_lsb_minus4', r.ue(), 12);
  } else if (pocType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = checkRange('num_ref_frames_in_pic_order_cnt_cycle', r.ue(), 255);
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = checkRange('pic_width_in_mbs_minus1', r.ue(), MAX_SIDE / 16) + 1;
  const heightMapUnits = checkRange('pic_height_in_map_units_minus1', r.ue(), MAX_SIDE / 16) + 1;
  const frameMbsOnly = r.bool();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  r.skip(1); // direct_8x8_inference_flag
  let cropLeft = 0;
  let cropRight = 0;
  let cropTop = 0;
  let cropBottom = 0;
  if (r.bool()) {
    cropLeft = r.ue();
    cropRight = r.ue();
    cropTop = r.ue();
    cropBottom = r.ue();
  }
  // §7.4.2.1.1: crop units depend on the chroma subsampling and on field coding.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const fieldFactor = frameMbsOnly ? 1 : 2;
  const cropUnitX = chromaArrayType === 0 ? 1 : chromaFormatIdc === 3 ? 1 : 2;
  const cropUnitY = (chromaArrayType === 0 ? 1 : chromaFormatIdc === 1 ? 2 : 1) * fieldFactor;
  const width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
  const height = fieldFactor * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
  if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new MediaError('BAD_SPS', `implausible picture size ${width}x${height}`);
  }
  const vui = r.bitsLeft > 0 ? readVui(r) : { fps: null, maxNumReorderFrames: null };
  // Baseline (and its constrained form) has no B slices: nothing is ever reordered.
  const maxNumReorderFrames = vui.maxNumReorderFrames ?? (profileIdc === 66 ? 0 : null);
  return { profileIdc, constraintFlags, levelIdc, spsId, chromaFormatIdc, bitDepthLuma, bitDepthChroma, frameMbsOnly, width, height, fps: vui.fps, maxNumReorderFrames };
}

interface VuiInfo {
  fps: number | null;
  maxNumReorderFrames: number | null;
}

/** Frame rate and reorder depth from the VUI, best effort: what we cannot read is null, not an error. */
function readVui(r: BitReader): VuiInfo {
  const info: VuiInfo = { fps: null, maxNumReorderFrames: null };
  try {
    if (!r.bool()) return info; // vui_parameters_present_flag
    if (r.bool()) {
      // aspect_ratio_info_present_flag
      if (r.bits(8) === 255) r.skip(32); // Extended_SAR: sar_width, sar_height
    }
    if (r.bool()) r.skip(1); // overscan_info_present_flag → overscan_appropriate_flag
    if (r.bool()) {
      // video_signal_type_present_flag
      r.skip(4); // video_format, video_full_range_flag
      if (r.bool()) r.skip(24); // colour_description_present_flag
    }
    if (r.bool()) {
      // chroma_loc_info_present_flag
      r.ue();
      r.ue();
    }
    if (r.bool()) {
      // timing_info_present_flag
      const numUnitsInTick = r.bits(32);
      const timeScale = r.bits(32);
      r.skip(1); // fixed_frame_rate_flag
      // One frame is two ticks (a tick is a field) for the usual progressive streams.
      const fps = numUnitsInTick && timeScale ? timeScale / (2 * numUnitsInTick) : 0;
      if (fps > 0 && fps <= 1000) info.fps = fps;
    }
    const nalHrd = r.bool();
    if (nalHrd) skipHrd(r);
    const vclHrd = r.bool();
    if (vclHrd) skipHrd(r);
    if (nalHrd || vclHrd) r.skip(1); // low_delay_hrd_flag
    r.skip(1); // pic_struct_present_flag
    if (r.bool()) {
      // bitstream_restriction_flag
      r.skip(1); // motion_vectors_over_pic_boundaries_flag
      r.ue(); // max_bytes_per_pic_denom
      r.ue(); // max_bits_per_mb_denom
      r.ue(); // log2_max_mv_length_horizontal
      r.ue(); // log2_max_mv_length_vertical
      const reorder = r.ue();
      r.ue(); // max_dec_frame_buffering
      if (reorder <= 16) info.maxNumReorderFrames = reorder;
    }
    return info;
  } catch (err) {
    if (err instanceof MediaError) return info;
    throw err;
  }
}

/** hrd_parameters() (Annex E.1.2): only skipped, to reach the bitstream restriction after it. */
function skipHrd(r: BitReader): void {
  const cpbCnt = r.ue() + 1;
  if (cpbCnt > 32) throw new MediaError('BAD_SPS', 'cpb_cnt_minus1 out of range');
  r.skip(8); // bit_rate_scale, cpb_size_scale
  for (let i = 0; i < cpbCnt; i++) {
    r.ue(); // bit_rate_value_minus1
    r.ue(); // cpb_size_value_minus1
    r.skip(1); // cbr_flag
  }
  r.skip(20); // four 5-bit lengths
}

/** RFC 6381 codec string, "avc1.PPCCLL" (profile, constraint flags, level as hex bytes). */
export function h264CodecString(sps: Buffer): string {
  if (!Buffer.isBuffer(sps) || sps.length < 4) throw new MediaError('BAD_SPS', 'SPS too short');
  const hex = (b: number): string => b.toString(16).padStart(2, '0');
  return `avc1.${hex(sps[1])}${hex(sps[2])}${hex(sps[3])}`;
}

/** Check a picture parameter set enough to put it in an avcC box. */
export function checkPps(pps: Buffer): void {
  if (!Buffer.isBuffer(pps) || pps.length < 2) throw new MediaError('BAD_PPS', 'PPS too short');
  if ((pps[0] & 0x1f) !== NAL_PPS) throw new MediaError('BAD_PPS', `not a PPS (NAL type ${pps[0] & 0x1f})`);
  const r = new BitReader(unescapeRbsp(pps.subarray(1)), 'BAD_PPS');
  checkRangePps('pic_parameter_set_id', r.ue(), 255);
  checkRangePps('seq_parameter_set_id', r.ue(), 31);
}

function checkRangePps(name: string, v: number, max: number): void {
  if (v > max) throw new MediaError('BAD_PPS', `${name} ${v} out of range (max ${max})`);
}

/** Describe an H.264 track from its SPS and PPS (both with NAL header, no start code). */
export function h264TrackConfig(sps: Buffer, pps: Buffer): H264TrackConfig {
  const info = parseSps(sps);
  checkPps(pps);
  // Copy: the caller's NAL units usually point into a large network/file buffer we must not pin.
  return {
    codec: 'h264',
    sps: Buffer.from(sps),
    pps: Buffer.from(pps),
    width: info.width,
    height: info.height,
    codecString: h264CodecString(sps),
  };
}

/** True when the unit holds an IDR slice: a decoder can start there. */
export function isKeyframe(nalus: readonly Buffer[]): boolean {
  for (const nal of nalus) {
    if (nal.length > 0 && (nal[0] & 0x1f) === NAL_IDR) return true;
  }
  return false;
}
