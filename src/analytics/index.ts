// The analytics part's public face: frames → motion → detector → tracker → rules, per camera.
export { AnalyticsError, type AnalyticsErrorCode } from './errors.ts';
import type { Detector } from './detector-types.ts';
export type { DetClass, Detection, Detector, DetectorInput } from './detector-types.ts';
export { groundAreaM2, toGround, type Homography } from './ground.ts';
export * from './geometry.ts';
export { MotionDetector, type MotionOptions, type MotionResult } from './motion.ts';
export { motionCrops, frameTiles, type PixelRect, type RegionOptions, type TileOptions } from './regions.ts';
export { ByteTracker, NANODET_TRACKER, type Track, type TrackerOptions, type TrackState } from './tracker.ts';
export { MotionBlobDetector } from './motion-blob-detector.ts';
export { CameraPipeline, mergeDetections, type PipelineOptions, type FrameAnalysis, type CropDetection } from './pipeline.ts';
export { DEFAULT_DETECTION, detectionSettings, trackerOptionsFor, lowestScore, type DetectionSettings, type ClassThresholds } from './detection-settings.ts';
export { zoneOccupancy, inZone, standingPoint, type ClassCount } from './rules/occupancy.ts';
export { decodeFrames, probeVideo, scaledSize, redactUrl, type VideoFrame, type FrameSourceOptions, type VideoInfo } from './frame-source.ts';
export { LineCounter, type LineDef, type ClassCounts } from './rules/line-crossing.ts';
export { ZoneIntrusion, ZoneDwell, scheduleActive, type ZoneDef, type ScheduleWindow, type IntrusionOptions } from './rules/zones.ts';
export { LeftObjectRule, type LeftObjectOptions } from './rules/left-object.ts';
export { CrowdDensityRule, type CrowdOptions, type CrowdState } from './rules/crowd.ts';
export { TamperDetector, type TamperOptions, type TamperReason } from './rules/tamper.ts';
export type { RuleEvent, RuleKind, TrackRule, MeasuredPosition } from './rules/types.ts';
export { analyzeVideo, type AnalyzeOptions, type AnalyzeResult, type DetectorFactory, type FrameObserver, type OccupancySample } from './analyze-file.ts';
export { Canvas, annotate, type Annotation } from './annotate.ts';
export { encodePng, encodePngAsync } from '../media/index.ts';
export * from './live/index.ts';
/** Loads the neural detector (onnxruntime and the model) only when asked: they cost memory and start-up. */
export async function loadDetectorModule(): Promise<typeof import('./detector/index.ts')> {
  return import('./detector/index.ts');
}

/**
 * The live node's one NanoDet pool, shared by every camera: each camera's crops carry its own input
 * size (its `analytics.detection`, as `vigil analyze --input`); boxes are reported down to the
 * lowest score any class may be set to, and each camera's pipeline filters per class.
 */
export async function createSharedDetector(): Promise<Detector> {
  const { createDetector } = await loadDetectorModule();
  const { NANODET_TRACKER } = await import('./tracker.ts');
  const { DEFAULT_DETECTION, lowestScore } = await import('./detection-settings.ts');
  return createDetector({ backend: 'onnx-int8', inputSize: DEFAULT_DETECTION.inputSize, scoreThreshold: lowestScore(NANODET_TRACKER, DEFAULT_DETECTION) });
}
