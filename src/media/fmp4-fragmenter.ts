// Turns a camera's access units (decode order) into an fMP4 init segment and one moof+mdat
// fragment per picture: low latency for live view, and the same bytes for recording.
//
// Why it holds one unit back: trun needs each sample's duration, which is only known when the
// next unit's dts arrives. Why it rewrites timestamps: cameras restart, NTP steps and RTP
// clocks wrap; MSE and players want a decode timeline that only moves forward, so a jump is
// replaced by one plausible frame duration and the output timeline stays continuous.

import { MediaError } from './errors.ts';
import { mediaFragmentParts, initSegment } from './fmp4.ts';
import { h264TrackConfig, parseSps } from './h264.ts';
import { H265_NAL, h265TrackConfig, parseH265Sps } from './h265.ts';
import { nalPieces, piecesLength, type NalPieces } from './access-unit.ts';
import { VIDEO_CLOCK, type AccessUnit, type TrackConfig, type VideoCodec } from './types.ts';

export type FragmenterOutput =
  | { kind: 'init'; data: Buffer; config: TrackConfig }
  | {
      kind: 'fragment';
      /**
       * moof+mdat as the Buffers to write in order: boxes plus views of the unit's NAL bytes, not
       * copies. What the recorder copies into its write batch.
       */
      parts: Buffer[];
      byteLength: number;
      /** The same bytes joined into one Buffer on first use (live viewers need one per message). */
      readonly data: Buffer;
      keyframe: boolean;
      /** Decode time written in tfdt (90 kHz, continuous output timeline). */
      dts: number;
      /** Presentation time on the same timeline. */
      pts: number;
      duration: number;
    };

export interface Fmp4FragmenterOptions {
  /** Track config known up front (from the SDP's sprop-parameter-sets); in-band parameter sets override it. */
  config?: TrackConfig;
  /**
   * The stream's codec when no config is given. Default: each unit's `codec`, else H.265 once an
   * H.265 VPS shows up in-band (its header bytes 0x40 0x01 are NAL type 0 in H.264, which no
   * encoder sends), else H.264.
   */
  codec?: VideoCodec;
  /** Duration used before any good one is seen, when the SPS has no frame rate. Default 3000 (30 fps). */
  defaultDuration?: number;
  /** Gaps between pictures above this (90 kHz) count as timestamp jumps. Default 10 s. */
  maxDuration?: number;
  /**
   * false: emit each picture at once, its duration the last one seen, instead of holding it until
   * the next one arrives. For live-only streams at a low frame rate (a 5 fps sub-stream would wait
   * 200 ms per picture); recordings keep exact durations. Default true.
   */
  holdBack?: boolean;
}

interface HeldUnit {
  nalus: readonly NalPieces[];
  inDts: number;
  outDts: number;
  compositionOffset: number;
  keyframe: boolean;
  codec: VideoCodec;
}

interface ParameterSets {
  vps: Buffer | null;
  sps: Buffer | null;
  pps: Buffer | null;
}

const NAL_SLICE = 1;
const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_PPS = 8;

export class Fmp4Fragmenter {
  #config: TrackConfig | null = null;
  readonly #codecOption: VideoCodec | null;
  #init: Buffer | null = null;
  #initPending = false;
  /** Parameter sets seen in-band before all of a config's parts were known. */
  #partial: ParameterSets = { vps: null, sps: null, pps: null };
  /** False until a keyframe arrives after the (latest) init: decoders cannot start elsewhere. */
  #started = false;
  #held: HeldUnit | null = null;
  #seq = 0;
  #lastDuration: number;
  readonly #maxDuration: number;
  /** Output dts minus input dts; changes only at timestamp jumps. */
  #offset = 0;
  /** Where the last emitted sample ends on the output timeline. */
  #lastOutEnd: number | null = null;
  readonly #holdBack: boolean;
  /** Input dts of the previous picture, when pictures are not held back (to learn the duration). */
  #prevInDts: number | null = null;
  /** The last few gaps between pictures, when not held back. */
  readonly #gaps: number[] = [];

  constructor(options: Fmp4FragmenterOptions = {}) {
    this.#lastDuration = positiveInt(options.defaultDuration) ?? 3000;
    // Capped so a composition offset within it still fits trun's signed 32 bits.
    this.#maxDuration = Math.min(positiveInt(options.maxDuration) ?? 10 * VIDEO_CLOCK, 0x7fffffff);
    this.#codecOption = options.codec ?? null;
    this.#holdBack = options.holdBack ?? true;
    if (options.config) this.#setConfig(options.config);
  }

  /** The current init segment (ftyp+moov), or null until SPS and PPS are known. */
  get initSegment(): Buffer | null {
    return this.#init;
  }

  get config(): TrackConfig | null {
    return this.#config;
  }

  /**
   * Feed one access unit in decode order. Throws MediaError for an empty or unparsable unit and
   * stays usable. The unit's NAL buffers are held (not copied) until the next push or flush, and
   * a fragment's `parts` are views of them, so the caller must not reuse them while either is in
   * use. A unit with `parts` (pieces of RTP fragmentation units) is never joined. Output dts follows the input dts and departs
   * from it only at timestamp jumps.
   */
  push(au: AccessUnit): FragmenterOutput[] {
    // Through `parts` when present: reading `nalus` would join a piecewise unit (access-unit.ts).
    const list = au ? (au.parts ?? au.nalus) : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      throw new MediaError('BAD_ACCESS_UNIT', 'access unit has no NAL units');
    }
    if (!Number.isFinite(au.dts)) throw new MediaError('BAD_ACCESS_UNIT', `access unit has bad dts ${au.dts}`);
    const dts = Math.round(au.dts);
    const pts = Number.isFinite(au.pts) ? Math.round(au.pts) : dts;

    if (!au.parts) {
      for (const nal of au.nalus) {
        if (!Buffer.isBuffer(nal)) throw new MediaError('BAD_NAL', 'NAL unit is not a Buffer');
      }
    }
    const nalus = nalPieces(au);
    for (const pieces of nalus) {
      if (!Array.isArray(pieces) || pieces.length === 0 || !pieces.every((b) => Buffer.isBuffer(b))) throw new MediaError('BAD_NAL', 'NAL unit is not a Buffer');
    }
    const codec = au.codec ?? this.#config?.codec ?? this.#codecOption ?? sniffCodec(nalus);
    const found: ParameterSets = { vps: null, sps: null, pps: null };
    let hasPicture = false;
    let keyframeNal = false;
    for (const pieces of nalus) {
      // The first piece starts with the NAL header (two bytes in H.265, one in H.264).
      const b0 = pieces[0].length > 0 ? pieces[0][0] : firstByte(pieces);
      if (codec === 'h265') {
        if (piecesLength(pieces) < 2) continue;
        const t = (b0 >> 1) & 0x3f;
        if (t === H265_NAL.VPS) found.vps = join(pieces);
        else if (t === H265_NAL.SPS) found.sps = join(pieces);
        else if (t === H265_NAL.PPS) found.pps = join(pieces);
        else if (t < 32) {
          hasPicture = true;
          if (t >= H265_NAL.IRAP_FIRST && t <= H265_NAL.IRAP_LAST) keyframeNal = true;
        }
      } else {
        if (piecesLength(pieces) === 0) continue;
        const t = b0 & 0x1f;
        if (t === NAL_SPS) found.sps = join(pieces);
        else if (t === NAL_PPS) found.pps = join(pieces);
        else if (t >= NAL_SLICE && t <= NAL_IDR) {
          hasPicture = true;
          if (t === NAL_IDR) keyframeNal = true;
        }
      }
    }

    // Decide on a new config before touching any state, so a bad SPS leaves us as we were.
    let newConfig: TrackConfig | null = null;
    if (found.vps || found.sps || found.pps) {
      // Parameter sets of another codec than the current config's say nothing about it.
      const cur = this.#config?.codec === codec ? this.#config : null;
      const curVps = cur?.codec === 'h265' ? cur.vps : null;
      const cand: ParameterSets = {
        vps: found.vps ?? curVps ?? this.#partial.vps,
        sps: found.sps ?? cur?.sps ?? this.#partial.sps,
        pps: found.pps ?? cur?.pps ?? this.#partial.pps,
      };
      // A broken in-band SPS is an error even when the other parts are not yet known.
      if (found.sps) {
        if (codec === 'h265') parseH265Sps(found.sps);
        else parseSps(found.sps);
      }
      const complete = cand.sps && cand.pps && (codec === 'h264' || cand.vps);
      const changed = !cur || !cand.sps!.equals(cur.sps) || !cand.pps!.equals(cur.pps) || (codec === 'h265' && curVps && !cand.vps!.equals(curVps));
      if (complete && changed) {
        newConfig = codec === 'h265' ? h265TrackConfig(cand.vps!, cand.sps!, cand.pps!) : h264TrackConfig(cand.sps!, cand.pps!);
      } else if (!complete) {
        if (found.vps) this.#partial.vps = Buffer.from(found.vps);
        if (found.sps) this.#partial.sps = Buffer.from(found.sps);
        if (found.pps) this.#partial.pps = Buffer.from(found.pps);
      }
    }

    const out: FragmenterOutput[] = [];
    if (newConfig) {
      // The held picture belongs to the old stream: close it with this unit's dts.
      if (this.#held) out.push(this.#emitHeld(this.#durationUntil(dts)));
      this.#setConfig(newConfig);
    }
    if (!hasPicture || !this.#config || this.#config.codec !== codec) return out;
    const keyframe = au.keyframe || keyframeNal;
    if (!this.#started && !keyframe) return out;

    let outDts: number;
    if (this.#held) {
      const duration = this.#durationUntil(dts);
      outDts = this.#held.outDts + duration;
      out.push(this.#emitHeld(duration));
    } else {
      outDts = this.#resumeAt(dts);
    }
    this.#offset = outDts - dts;
    if (this.#initPending && this.#init) {
      out.push({ kind: 'init', data: this.#init, config: this.#config });
      this.#initPending = false;
    }
    this.#started = true;
    let compositionOffset = pts - dts;
    // A presentation time more than a max gap away from decode is a broken clock, not reordering.
    if (Math.abs(compositionOffset) > this.#maxDuration) compositionOffset = 0;
    this.#held = { nalus, inDts: dts, outDts, compositionOffset, keyframe, codec };
    if (!this.#holdBack) {
      // The shortest recent gap is the frame interval: a picture that came late must not lengthen
      // the next one's guess (an overlap would push the timeline, and then every picture, later).
      const d = this.#prevInDts === null ? 0 : dts - this.#prevInDts;
      this.#prevInDts = dts;
      if (d > 0 && d <= this.#maxDuration) {
        this.#gaps.push(d);
        if (this.#gaps.length > 8) this.#gaps.shift();
        this.#lastDuration = Math.min(...this.#gaps);
      }
      out.push(this.#emitHeld(this.#lastDuration));
    }
    return out;
  }

  /** Emit the held unit (end of stream or before a pause), with the last known duration. */
  flush(): FragmenterOutput[] {
    if (!this.#held) return [];
    return [this.#emitHeld(this.#lastDuration)];
  }

  #setConfig(config: TrackConfig): void {
    const data = initSegment(config);
    this.#config = config;
    this.#init = data;
    this.#initPending = true;
    this.#started = false;
    this.#partial = { vps: null, sps: null, pps: null };
    // H.265 VUI timing is not parsed: the first real frame duration takes over quickly anyway.
    const fps = config.codec === 'h264' ? parseSps(config.sps).fps : null;
    // A VUI may claim any rate (fuzzing found 0.00005 fps): only a duration a picture can have counts.
    const fromFps = fps ? Math.round(VIDEO_CLOCK / fps) : 0;
    if (fromFps >= 1 && fromFps <= this.#maxDuration && this.#lastOutEnd === null) this.#lastDuration = fromFps;
  }

  /** Duration of the held unit given the next dts; jumps become the last good duration. */
  #durationUntil(nextDts: number): number {
    const held = this.#held;
    if (!held) return this.#lastDuration;
    const d = nextDts - held.inDts;
    if (d > 0 && d <= this.#maxDuration) {
      this.#lastDuration = d;
      return d;
    }
    return this.#lastDuration;
  }

  /** Output dts for a unit with nothing held: keep the input clock unless it jumped. */
  #resumeAt(dts: number): number {
    let outDts = dts + this.#offset;
    const end = this.#lastOutEnd;
    if (end !== null && (outDts < end || outDts > end + this.#maxDuration)) outDts = end;
    if (outDts < 0) outDts = end ?? 0;
    return outDts;
  }

  #emitHeld(duration: number): FragmenterOutput {
    const held = this.#held as HeldUnit;
    this.#held = null;
    this.#seq = this.#seq >= 0xffffffff ? 1 : this.#seq + 1;
    const parts = mediaFragmentParts(this.#seq, held.outDts, [
      { nalus: held.nalus, duration, compositionOffset: held.compositionOffset, keyframe: held.keyframe },
    ], held.codec);
    let byteLength = 0;
    for (const p of parts) byteLength += p.length;
    let joined: Buffer | null = null;
    this.#lastOutEnd = held.outDts + duration;
    return {
      kind: 'fragment',
      parts,
      byteLength,
      get data(): Buffer {
        return (joined ??= parts.length === 1 ? parts[0] : Buffer.concat(parts, byteLength));
      },
      keyframe: held.keyframe,
      dts: held.outDts,
      pts: held.outDts + held.compositionOffset,
      duration,
    };
  }
}

/** H.265 when the unit carries an H.265 VPS (layer 0, temporal id 0), else H.264. */
function sniffCodec(nalus: readonly NalPieces[]): VideoCodec {
  for (const pieces of nalus) {
    if (piecesLength(pieces) > 2 && byteAt(pieces, 0) === 0x40 && byteAt(pieces, 1) === 0x01) return 'h265';
  }
  return 'h264';
}

/** Byte i of a NAL unit in pieces (i within its length). */
function byteAt(pieces: NalPieces, i: number): number {
  for (const p of pieces) {
    if (i < p.length) return p[i];
    i -= p.length;
  }
  return -1;
}

function join(pieces: NalPieces): Buffer {
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

function firstByte(pieces: NalPieces): number {
  for (const p of pieces) if (p.length > 0) return p[0];
  return 0;
}

function positiveInt(v: number | undefined): number | null {
  return v !== undefined && Number.isInteger(v) && v > 0 ? v : null;
}
