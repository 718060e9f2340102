// Access units whose NAL units may still be in the pieces they arrived in. An RTP fragmentation
// unit (H.264 FU-A, H.265 FU) splits one NAL unit over several packets; joining them costs an
// allocation and a copy of nearly every byte of video, which the recorder does not need: the fMP4
// muxer emits fragments as parts that point into the pieces, and the recorder copies those once,
// into its write batch (recorder/write-batch.ts). Consumers that want whole NAL units read
// `nalus`, which joins them on first use. Pure: no I/O.
import type { AccessUnit, VideoCodec } from './types.ts';
import { H264_NAL } from './annexb.ts';
import { H265_NAL } from './h265.ts';

/** One NAL unit as a list of byte ranges that, concatenated, are the NAL unit (header first). */
export type NalPieces = readonly Buffer[];

/**
 * An access unit built from pieces. `nalus` is joined lazily (and cached); `parts` are the pieces,
 * until someone replaces `nalus`. Both are accessors on the prototype, so `{ ...unit }` copies only
 * dts, pts, keyframe and codec: a spread that sets `nalus` cannot end up with stale parts.
 */
export class PiecewiseAccessUnit implements AccessUnit {
  dts: number;
  pts: number;
  keyframe: boolean;
  declare codec?: VideoCodec;
  #parts: NalPieces[] | undefined;
  #nalus: Buffer[] | undefined;

  constructor(parts: NalPieces[], dts: number, pts: number, keyframe: boolean, codec?: VideoCodec) {
    this.#parts = parts;
    this.dts = dts;
    this.pts = pts;
    this.keyframe = keyframe;
    if (codec) this.codec = codec;
  }

  get nalus(): Buffer[] {
    return (this.#nalus ??= this.#parts!.map((p) => (p.length === 1 ? p[0] : Buffer.concat(p))));
  }

  set nalus(nalus: Buffer[]) {
    this.#nalus = nalus;
    this.#parts = undefined;
  }

  get parts(): readonly NalPieces[] | undefined {
    return this.#parts;
  }
}

/** The NAL units of any access unit as pieces, without joining anything. */
export function nalPieces(au: AccessUnit): readonly NalPieces[] {
  return au.parts ?? au.nalus.map((n) => [n]);
}

/** Byte length of a NAL unit given as pieces. */
export function piecesLength(pieces: NalPieces): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

/** Total NAL bytes of a unit (no start codes or length prefixes), without joining pieces. */
export function accessUnitBytes(au: AccessUnit): number {
  let n = 0;
  if (au.parts) for (const pieces of au.parts) n += piecesLength(pieces);
  else for (const nal of au.nalus) n += nal.length;
  return n;
}

/** Whole NAL units put in front of a unit's (parameter sets before a keyframe), keeping its pieces. */
export function prependNalus(au: AccessUnit, extra: readonly Buffer[]): AccessUnit {
  if (extra.length === 0) return au;
  if (au.parts) {
    return new PiecewiseAccessUnit([...extra.map((n) => [n]), ...au.parts], au.dts, au.pts, au.keyframe, au.codec);
  }
  return { ...au, nalus: [...extra, ...au.nalus] };
}

/** Parameter sets known for a stream (from its SDP or seen in band), to put before keyframes. */
export interface KnownParameterSets {
  vps?: Buffer;
  sps?: Buffer;
  pps?: Buffer;
}

/**
 * A keyframe with the parameter sets it lacks put in front (VPS for H.265, SPS, PPS, in that
 * order), from `known`. Many cameras send them only in the SDP, never in band, and whoever starts
 * decoding or muxing at this keyframe (a segment, a viewer joining) needs them. Other units, and
 * keyframes that carry their own, are returned as they are; pieces stay unjoined.
 */
export function withParameterSets(au: AccessUnit, codec: VideoCodec, known: KnownParameterSets): AccessUnit {
  if (!au.keyframe) return au;
  let hasVps = false;
  let hasSps = false;
  let hasPps = false;
  for (const n of nalPieces(au)) {
    if (codec === 'h265') {
      const t = (n[0][0] >> 1) & 0x3f;
      if (t === H265_NAL.VPS) hasVps = true;
      else if (t === H265_NAL.SPS) hasSps = true;
      else if (t === H265_NAL.PPS) hasPps = true;
    } else {
      const t = n[0][0] & 0x1f;
      if (t === H264_NAL.SPS) hasSps = true;
      else if (t === H264_NAL.PPS) hasPps = true;
    }
  }
  const add: Buffer[] = [];
  if (codec === 'h265' && !hasVps && known.vps) add.push(known.vps);
  if (!hasSps && known.sps) add.push(known.sps);
  if (!hasPps && known.pps) add.push(known.pps);
  return prependNalus(au, add);
}
