export { LiveHub } from './live-hub.ts';
export type { CameraRuntime, CameraStatus, CameraState, LiveSink } from './types.ts';
