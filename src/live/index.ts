export { LiveHub } from './live-hub.ts';
export type { CameraRuntime, CameraStatus, CameraState, LiveSink, StreamKind } from './types.ts';
