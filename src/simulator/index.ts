// Camera simulator: RTSP cameras replaying cached clips, for demos, tests and density benchmarks.
export { startSimulator, type Simulator, type SimulatorOptions } from './simulator.ts';
export { runSimulatorCli, parseSimulatorArgs, SIMULATOR_USAGE } from './cli.ts';
export { ensureClip, availableClipNames, realClipNames, SHARED_VIDEO_DIR, VTEST_AVI, sharedVideoFiles, defaultCacheDir, type CachedClip, type ClipMeta } from './clip-cache.ts';
export { loadClip, clipFromAnnexB, type LoadedClip } from './clip.ts';
export { startOnvifFace, type OnvifFace, type OnvifFaceOptions, type OnvifFaceCamera } from './onvif-face.ts';
export { SimulatorError, type SimulatorErrorCode } from './simulator-errors.ts';
export { captureTimeSei, CAPTURE_TIME_UUID } from '../media/index.ts';
