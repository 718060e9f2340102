// What the HTTP layer needs from the cameras that are running: their health and their live
// fragments. The recorder's CameraFleet implements it.

export type CameraState = 'connecting' | 'online' | 'offline' | 'disabled';

export interface CameraStatus {
  state: CameraState;
  lastFrameAt: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  error: string | null;
  reconnects: number;
  /** Audio tracks are announced by the camera but not recorded or played yet. */
  audioDropped: boolean;
  /**
   * The sub-stream connection: none (no sub-stream configured), idle (nobody watches it), up, or
   * down (its viewers, such as live analytics, get the main stream meanwhile). Absent: none.
   */
  subStream?: 'none' | 'idle' | 'up' | 'down';
  /**
   * issue 15: pictures the camera sent that could not be recorded since this process started
   * (damaged by lost packets, skipped until the next keyframe, refused by the muxer). Absent: not counted.
   */
  lostFrames?: number;
}

/** A live viewer (a browser's WebSocket). Implementations must never throw. */
export interface LiveSink {
  /** A new stream configuration: the MSE mime type and the fMP4 init segment. */
  init(mime: string, initSegment: Buffer): void;
  /** One fMP4 fragment (moof+mdat). */
  fragment(data: Buffer): void;
  status(state: CameraState, message: string | null): void;
  /**
   * The wall-clock time of the picture at `mediaSec` on the stream's media timeline (sent at each
   * keyframe), so a viewer can show when its frame was taken rather than how long it has played.
   */
  clock?(wallMs: number, mediaSec: number): void;
  /** Bytes queued towards the viewer and not yet sent, for backpressure. */
  readonly bufferedBytes: number;
}

/**
 * Which of a camera's streams a viewer wants: the main stream (recorded), or the sub-stream (smaller,
 * at about the analysis rate; live analytics, small tiles). A camera without a sub-stream serves
 * its main stream to both.
 */
export type StreamKind = 'main' | 'sub';

export interface CameraRuntime {
  status(cameraId: string): CameraStatus;
  /** Subscribe a viewer (to the main stream unless told otherwise); returns the unsubscribe function. */
  watch(cameraId: string, sink: LiveSink, stream?: StreamKind): () => void;
}
