// Shared media types. Pure data: no I/O here.

/** One coded picture: all NAL units that share an RTP timestamp / a picture in the byte stream. */
export interface AccessUnit {
  /** NAL units without start codes or length prefixes. */
  nalus: Buffer[];
  /** Decode timestamp on a 90 kHz clock, unwrapped (monotonic, may exceed 2^32). */
  dts: number;
  /** Presentation timestamp on a 90 kHz clock, unwrapped. Equals dts without B-frames. */
  pts: number;
  /** True when a decoder can start here: an IDR picture (H.264 type 5) or an IRAP picture (H.265 types 16..23). */
  keyframe: boolean;
  /** The codec of the NAL units; absent means H.264 (what every producer wrote before H.265 came). */
  codec?: VideoCodec;
  /**
   * The same NAL units as they arrived, when a producer has them in pieces (RTP fragmentation
   * units): parts[i] concatenated is nalus[i]. Lets the fMP4 writer pass the pieces on without
   * joining them (access-unit.ts); everything else reads nalus.
   */
  readonly parts?: readonly (readonly Buffer[])[];
}

export type VideoCodec = 'h264' | 'h265';

/** What a muxer needs to describe an H.264 track. */
export interface H264TrackConfig {
  codec: 'h264';
  sps: Buffer;
  pps: Buffer;
  width: number;
  height: number;
  /** RFC 6381 codec string for MSE, e.g. "avc1.64001f". */
  codecString: string;
}

/** What a muxer needs to describe an H.265 track (hvc1 sample entry, parameter sets in hvcC). */
export interface H265TrackConfig {
  codec: 'h265';
  vps: Buffer;
  sps: Buffer;
  pps: Buffer;
  width: number;
  height: number;
  /** RFC 6381 codec string for MSE, e.g. "hvc1.1.6.L93.B0". */
  codecString: string;
}

export type TrackConfig = H264TrackConfig | H265TrackConfig;

/** 90 kHz: the RTP clock of video and the timescale of every track Vigil writes. */
export const VIDEO_CLOCK = 90_000;
