// The one error type of the RTSP/RTP layer. Codes are stable: the recorder decides whether and how
// fast to reconnect from them, and the API maps them to messages operators read.
import { VigilError } from '../core/index.ts';

export type RtspErrorCode =
  /** Connection refused, DNS failure, connect/request timeout: nothing answered. */
  | 'CAMERA_UNREACHABLE'
  /** The camera still answered 401 after we answered its challenge (or we had no credentials). */
  | 'AUTH_FAILED'
  /** The peer spoke something that is not RTSP, or answered with an unexpected status. */
  | 'RTSP_PROTOCOL'
  /** DESCRIBE succeeded but the SDP holds no H.264 video track. */
  | 'NO_VIDEO_TRACK'
  /** Playing, but no RTP arrived for longer than the watchdog allows. */
  | 'STREAM_STALLED'
  /** The camera closed the connection while playing. */
  | 'STREAM_ENDED';

export class RtspError extends VigilError {
  declare readonly code: RtspErrorCode;
  constructor(code: RtspErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
