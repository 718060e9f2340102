// Fragmented MP4 (ISO/IEC 14496-12, -15) for one H.264 or H.265 video track. The same bytes go to disk,
// to browsers through Media Source Extensions, and to playback, so they follow what MSE wants:
// an init segment (ftyp+moov with an empty sample table and mvex) and then moof+mdat fragments
// whose sample offsets are relative to the moof (default-base-is-moof). Pure: Buffers in and out.

import { MediaError } from './errors.ts';
import { parseSps } from './h264.ts';
import { H265_NAL, parseH265Sps } from './h265.ts';
import { VIDEO_CLOCK, type H264TrackConfig, type H265TrackConfig, type TrackConfig, type VideoCodec } from './types.ts';

/**
 * One NAL unit without start code: one Buffer, or the pieces it arrived in (header first), which
 * are written one after the other without being joined (access-unit.ts).
 */
export type SampleNal = Buffer | readonly Buffer[];

/** One coded picture to write. */
export interface Sample {
  /** NAL units without start codes; AUD and parameter sets are skipped (they live in avcC/hvcC). */
  nalus: readonly SampleNal[];
  /** Until the next sample's dts, on the 90 kHz clock. */
  duration: number;
  /** pts − dts on the 90 kHz clock; negative is allowed (trun version 1). */
  compositionOffset: number;
  /** Sync sample: an IDR picture, where a decoder can start. */
  keyframe: boolean;
}

export const TRACK_ID = 1;

// ---------------------------------------------------------------------------------------------
// Init segment: written once per stream configuration, so clarity beats speed here.

function box(type: string, ...payload: Buffer[]): Buffer {
  const size = 8 + payload.reduce((n, b) => n + b.length, 0);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...payload], size);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(flags & 0xffffff, 0);
  vf[0] = version;
  return box(type, vf, ...payload);
}

function u8(...values: number[]): Buffer {
  return Buffer.from(values);
}

function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2));
  return b;
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

const zeros = (n: number): Buffer => Buffer.alloc(n);

/** The identity transformation matrix of mvhd/tkhd. */
const MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

/** avcC high-profile extension applies to these profiles (ISO/IEC 14496-15 §5.3.3.1.2). */
const AVCC_EXT_PROFILES = new Set([100, 110, 122, 144]);

function avcC(cfg: H264TrackConfig): Buffer {
  const { sps, pps } = cfg;
  if (sps.length > 0xffff || pps.length > 0xffff) throw new MediaError('BAD_SPS', 'parameter set too large for avcC');
  const parts = [
    u8(1, sps[1], sps[2], sps[3], 0xff /* 4-byte NAL lengths */, 0xe1 /* one SPS */),
    u16(sps.length),
    sps,
    u8(1),
    u16(pps.length),
    pps,
  ];
  if (AVCC_EXT_PROFILES.has(sps[1])) {
    const info = parseSps(sps);
    parts.push(u8(0xfc | info.chromaFormatIdc, 0xf8 | (info.bitDepthLuma - 8), 0xf8 | (info.bitDepthChroma - 8), 0));
  }
  return box('avcC', ...parts);
}

/** HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1), fields taken from the SPS. */
function hvcC(cfg: H265TrackConfig): Buffer {
  const info = parseH265Sps(cfg.sps);
  for (const ps of [cfg.vps, cfg.sps, cfg.pps]) {
    if (ps.length > 0xffff) throw new MediaError('BAD_SPS', 'parameter set too large for hvcC');
  }
  const head = Buffer.alloc(23);
  head[0] = 1; // configurationVersion
  head[1] = (info.profileSpace << 6) | (info.tierFlag << 5) | info.profileIdc;
  head.writeUInt32BE(info.compatibilityFlags >>> 0, 2);
  info.constraintBytes.copy(head, 6);
  head[12] = info.levelIdc;
  head.writeUInt16BE(0xf000, 13); // reserved 1111, min_spatial_segmentation_idc 0
  head[15] = 0xfc; // reserved 111111, parallelismType 0 (unknown)
  head[16] = 0xfc | info.chromaFormatIdc;
  head[17] = 0xf8 | (info.bitDepthLuma - 8);
  head[18] = 0xf8 | (info.bitDepthChroma - 8);
  head.writeUInt16BE(0, 19); // avgFrameRate: unspecified
  // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3 (4-byte lengths)
  head[21] = (info.maxSubLayers << 3) | ((info.temporalIdNesting ? 1 : 0) << 2) | 3;
  head[22] = 3; // numOfArrays
  const arrays = [
    [H265_NAL.VPS, cfg.vps],
    [H265_NAL.SPS, cfg.sps],
    [H265_NAL.PPS, cfg.pps],
  ] as const;
  // array_completeness 1: hvc1 promises every parameter set is here, none needed from samples.
  const parts = arrays.map(([type, nal]) => Buffer.concat([u8(0x80 | type), u16(1), u16(nal.length), nal]));
  return box('hvcC', head, ...parts);
}

function visualSampleEntry(type: string, cfg: TrackConfig, config: Buffer): Buffer {
  return box(
    type,
    zeros(6), // reserved
    u16(1), // data_reference_index
    zeros(16), // pre_defined, reserved, pre_defined[3]
    u16(cfg.width, cfg.height),
    u32(0x00480000, 0x00480000), // 72 dpi
    zeros(4), // reserved
    u16(1), // frame_count
    zeros(32), // compressorname
    u16(0x0018, 0xffff), // depth, pre_defined = -1
    config,
  );
}

function sampleEntry(cfg: TrackConfig): Buffer {
  return cfg.codec === 'h265' ? visualSampleEntry('hvc1', cfg, hvcC(cfg)) : visualSampleEntry('avc1', cfg, avcC(cfg));
}

/** ftyp+moov describing one video track with timescale 90 kHz and no samples (they come in fragments). */
export function initSegment(cfg: TrackConfig): Buffer {
  // Validates the SPS too: a bad config must fail here, not in a browser's decoder.
  if (cfg.codec === 'h265') parseH265Sps(cfg.sps);
  else parseSps(cfg.sps);
  if (!(cfg.width > 0 && cfg.height > 0 && cfg.width <= 0xffff && cfg.height <= 0xffff)) {
    throw new MediaError('BAD_SPS', `bad track size ${cfg.width}x${cfg.height}`);
  }
  const ftyp = box('ftyp', Buffer.from('iso5', 'latin1'), u32(512), Buffer.from('iso5iso6mp41', 'latin1'));
  const mvhd = fullBox(
    'mvhd', 0, 0,
    u32(0, 0, 1000, 0), // creation, modification, timescale, duration
    u32(0x00010000), u16(0x0100), zeros(10), // rate, volume, reserved
    MATRIX,
    zeros(24), // pre_defined
    u32(TRACK_ID + 1), // next_track_ID
  );
  const tkhd = fullBox(
    'tkhd', 0, 0x000003, // enabled, in movie
    u32(0, 0, TRACK_ID, 0, 0), // creation, modification, track_ID, reserved, duration
    zeros(8), // reserved
    u16(0, 0, 0, 0), // layer, alternate_group, volume, reserved
    MATRIX,
    u32(cfg.width * 0x10000, cfg.height * 0x10000), // 16.16 fixed point
  );
  const mdhd = fullBox('mdhd', 0, 0, u32(0, 0, VIDEO_CLOCK, 0), u16(0x55c4 /* "und" */, 0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), zeros(12), Buffer.from('VideoHandler\0', 'latin1'));
  const vmhd = fullBox('vmhd', 0, 1, zeros(8));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(cfg)),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0, 0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', vmhd, dinf, stbl)));
  const trex = fullBox('trex', 0, 0, u32(TRACK_ID, 1, 0, 0, 0));
  return Buffer.concat([ftyp, box('moov', mvhd, trak, box('mvex', trex))]);
}

/** RFC 6381 MIME type for MediaSource.addSourceBuffer / isTypeSupported. */
export function mseMimeType(cfg: TrackConfig): string {
  return `video/mp4; codecs="${cfg.codecString}"`;
}

// ---------------------------------------------------------------------------------------------
// Media fragments: written for every picture of every camera, so one allocation and offsets.

const NAL_SPS = 7;
const NAL_PPS = 8;
const NAL_AUD = 9;

// Sample flags (ISO/IEC 14496-12 §8.8.3.1): sync = depends on nothing; else depends on others
// and is_non_sync_sample.
const FLAGS_SYNC = 0x02000000;
const FLAGS_NON_SYNC = 0x01010000;

const TRUN_DATA_OFFSET = 0x000001;
const TRUN_DURATION = 0x000100;
const TRUN_SIZE = 0x000200;
const TRUN_FLAGS = 0x000400;
const TRUN_CTS = 0x000800;
const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

const MAX_U32 = 0xffffffff;

function firstByte(nal: SampleNal): number | undefined {
  if (Buffer.isBuffer(nal)) return nal[0];
  for (const piece of nal) if (piece.length > 0) return piece[0];
  return undefined;
}

function nalLength(nal: SampleNal): number {
  if (Buffer.isBuffer(nal)) return nal.length;
  let n = 0;
  for (const piece of nal) n += piece.length;
  return n;
}

function keepInSample(nal: SampleNal, codec: VideoCodec): boolean {
  const b0 = firstByte(nal);
  if (b0 === undefined) return false;
  if (codec === 'h265') {
    const t = (b0 >> 1) & 0x3f;
    return t !== H265_NAL.AUD && t !== H265_NAL.VPS && t !== H265_NAL.SPS && t !== H265_NAL.PPS;
  }
  const t = b0 & 0x1f;
  return t !== NAL_AUD && t !== NAL_SPS && t !== NAL_PPS;
}

/** Bytes the sample takes in mdat (4-byte length before each kept NAL unit). */
export function avccSampleSize(nalus: readonly SampleNal[], codec: VideoCodec = 'h264'): number {
  let n = 0;
  for (const nal of nalus) if (keepInSample(nal, codec)) n += 4 + nalLength(nal);
  return n;
}

/**
 * moof+mdat holding `samples` (decode order) whose first sample decodes at `baseDts` (90 kHz), as
 * one Buffer. `seq` is the fragment sequence number (mfhd), starting at 1 and increasing per
 * fragment. `codec` says how to read NAL headers (which units are parameter sets to leave out).
 */
export function mediaFragment(seq: number, baseDts: number, samples: readonly Sample[], codec: VideoCodec = 'h264'): Buffer {
  const parts = mediaFragmentParts(seq, baseDts, samples, codec);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * The same bytes as mediaFragment, as a list of Buffers to be written in order: the boxes and
 * length prefixes in one new Buffer, the NAL bytes as the caller's own Buffers (views, not copies).
 * Copying every picture into one new Buffer was, with the FU-A joins, most of the recorder's CPU at
 * hundreds of cameras; the recorder copies these parts once, straight into its write batch.
 */
export function mediaFragmentParts(seq: number, baseDts: number, samples: readonly Sample[], codec: VideoCodec = 'h264'): Buffer[] {
  if (samples.length === 0) throw new MediaError('BAD_SAMPLE', 'a fragment needs at least one sample');
  if (!Number.isSafeInteger(baseDts) || baseDts < 0) throw new MediaError('BAD_SAMPLE', `bad base dts ${baseDts}`);
  if (!Number.isInteger(seq) || seq < 0 || seq > MAX_U32) throw new MediaError('BAD_SAMPLE', `bad sequence number ${seq}`);

  let withCts = false;
  let mdatPayload = 0;
  const sizes = new Array<number>(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const size = avccSampleSize(s.nalus, codec);
    if (size === 0) throw new MediaError('BAD_SAMPLE', `sample ${i} holds no picture data`);
    if (!Number.isInteger(s.duration) || s.duration < 0 || s.duration > MAX_U32) {
      throw new MediaError('BAD_SAMPLE', `sample ${i} has bad duration ${s.duration}`);
    }
    if (!Number.isInteger(s.compositionOffset) || Math.abs(s.compositionOffset) > 0x7fffffff) {
      throw new MediaError('BAD_SAMPLE', `sample ${i} has bad composition offset ${s.compositionOffset}`);
    }
    if (s.compositionOffset !== 0) withCts = true;
    sizes[i] = size;
    mdatPayload += size;
  }

  const perSample = withCts ? 16 : 12;
  const trunSize = 12 + 4 + 4 + perSample * samples.length; // header+version/flags, count, data_offset
  const tfdtSize = 12 + 8;
  const tfhdSize = 12 + 4;
  const trafSize = 8 + tfhdSize + tfdtSize + trunSize;
  const mfhdSize = 12 + 4;
  const moofSize = 8 + mfhdSize + trafSize;
  const mdatSize = 8 + mdatPayload;
  const total = moofSize + mdatSize;
  if (total > MAX_U32) throw new MediaError('BAD_SAMPLE', 'fragment larger than 4 GiB');

  let kept = 0;
  for (const s of samples) for (const nal of s.nalus) if (keepInSample(nal, codec)) kept++;
  // Boxes, then the mdat header, then every kept NAL unit's 4-byte length prefix.
  const headerBytes = moofSize + 8;
  const b = Buffer.allocUnsafe(headerBytes + 4 * kept);
  let o = 0;
  const head = (size: number, type: string): void => {
    b.writeUInt32BE(size, o);
    b.write(type, o + 4, 4, 'latin1');
    o += 8;
  };
  const u32at = (v: number): void => {
    b.writeUInt32BE(v >>> 0, o);
    o += 4;
  };

  head(moofSize, 'moof');
  head(mfhdSize, 'mfhd');
  u32at(0);
  u32at(seq);
  head(trafSize, 'traf');
  head(tfhdSize, 'tfhd');
  u32at(TFHD_DEFAULT_BASE_IS_MOOF);
  u32at(TRACK_ID);
  head(tfdtSize, 'tfdt');
  u32at(0x01000000); // version 1: 64-bit decode time, cameras run for years at 90 kHz
  u32at(Math.floor(baseDts / 0x100000000));
  u32at(baseDts % 0x100000000);
  head(trunSize, 'trun');
  const trunFlags = TRUN_DATA_OFFSET | TRUN_DURATION | TRUN_SIZE | TRUN_FLAGS | (withCts ? TRUN_CTS : 0);
  // Version 1 makes composition offsets signed, so pictures may present before they decode.
  u32at(((withCts ? 1 : 0) << 24) | trunFlags);
  u32at(samples.length);
  u32at(moofSize + 8); // data_offset: from the moof start to the first sample byte in mdat
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    u32at(s.duration);
    u32at(sizes[i]);
    u32at(s.keyframe ? FLAGS_SYNC : FLAGS_NON_SYNC);
    if (withCts) {
      b.writeInt32BE(s.compositionOffset, o);
      o += 4;
    }
  }
  head(mdatSize, 'mdat');
  const parts: Buffer[] = [];
  let written = headerBytes;
  let from = 0; // start of the header bytes not yet in parts
  for (const s of samples) {
    for (const nal of s.nalus) {
      if (!keepInSample(nal, codec)) continue;
      const len = nalLength(nal);
      b.writeUInt32BE(len, o);
      o += 4;
      parts.push(b.subarray(from, o));
      from = o;
      if (Buffer.isBuffer(nal)) parts.push(nal);
      else for (const piece of nal) if (piece.length > 0) parts.push(piece);
      written += 4 + len;
    }
  }
  if (o !== b.length || written !== total) throw new Error(`fMP4 writer bug: wrote ${written} of ${total} bytes`);
  return parts;
}
