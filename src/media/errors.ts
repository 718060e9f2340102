import { VigilError } from '../core/index.ts';

/**
 * Errors from media parsing and muxing. Codes in use:
 * BAD_SPS, BAD_PPS, BAD_VPS (H.265), BAD_NAL (malformed or truncated bitstream), BAD_ACCESS_UNIT (empty or
 * unusable unit), BAD_SAMPLE (a sample the muxer cannot write), plus codes added by the RTSP/RTP
 * client (e.g. CAMERA_UNREACHABLE).
 */
export class MediaError extends VigilError {}
