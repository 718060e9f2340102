// Shared media types. Pure data: no I/O here.

/** One coded picture: all NAL units that share an RTP timestamp / a picture in the byte stream. */
export interface AccessUnit {
  /** NAL units without start codes or length prefixes. */
  nalus: Buffer[];
  /** Decode timestamp on a 90 kHz clock, unwrapped (monotonic, may exceed 2^32). */
  dts: number;
  /** Presentation timestamp on a 90 kHz clock, unwrapped. Equals dts without B-frames. */
  pts: number;
  /** True when the unit holds an IDR picture (H.264 NAL type 5). */
  keyframe: boolean;
}

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

export type TrackConfig = H264TrackConfig;

/** 90 kHz: the RTP clock of video and the timescale of every track Vigil writes. */
export const VIDEO_CLOCK = 90_000;
