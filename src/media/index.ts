// The media part's public face: H.264/H.265, fMP4 and RTSP, knowing nothing of databases or HTTP.
export type { AccessUnit, H264TrackConfig, H265TrackConfig, TrackConfig, VideoCodec } from './types.ts';
export { VIDEO_CLOCK } from './types.ts';
export { PiecewiseAccessUnit, nalPieces, accessUnitBytes, prependNalus, type NalPieces } from './access-unit.ts';
export { splitAnnexB, groupH264AccessUnits, h264NalType, H264_NAL } from './annexb.ts';
export { MediaError } from './errors.ts';
export { parseSps, h264CodecString, h264TrackConfig, isKeyframe } from './h264.ts';
export { parseH265Sps, h265CodecString, h265TrackConfig, isH265Keyframe, groupH265AccessUnits, h265NalType, H265_NAL } from './h265.ts';
export { initSegment, mediaFragment, mseMimeType, type Sample } from './fmp4.ts';
export { Fmp4Fragmenter, type FragmenterOutput } from './fmp4-fragmenter.ts';
export { DecodeTimeline } from './decode-timeline.ts';
export { RtspClient, splitRtspUrl, type RtspClientOptions, type RtspVideoTrack, type RtspTransport } from './rtsp-client.ts';
export { RtspServer } from './rtsp-server.ts';
export { RtspError, type RtspErrorCode } from './rtsp-errors.ts';
export { encodePng, encodePngAsync } from './png.ts';
export { readFmp4, rebaseFragment, initWithDuration, type Fmp4File, type FragmentInfo } from './fmp4-reader.ts';
export { addEmulationPrevention } from './h264.ts';
export type { RtspMediaSource } from './rtsp-server.ts';
export type { ServerAuthOptions } from './rtsp-auth.ts';
