// The analytics part's public face: frames → motion → detector → tracker → rules, per camera.
export { AnalyticsError, type AnalyticsErrorCode } from './errors.ts';
export type { DetClass, Detection, Detector, DetectorInput } from './detector-types.ts';
export * from './geometry.ts';
export { MotionDetector, type MotionOptions, type MotionResult } from './motion.ts';
export { motionCrops, type PixelRect, type RegionOptions } from './regions.ts';
export { ByteTracker, NANODET_TRACKER, type Track, type TrackerOptions, type TrackState } from './tracker.ts';
export { MotionBlobDetector } from './motion-blob-detector.ts';
export { CameraPipeline, mergeDetections, type PipelineOptions, type FrameAnalysis } from './pipeline.ts';
export { decodeFrames, probeVideo, scaledSize, redactUrl, type VideoFrame, type FrameSourceOptions, type VideoInfo } from './frame-source.ts';
export { LineCounter, type LineDef, type ClassCounts } from './rules/line-crossing.ts';
export { ZoneIntrusion, ZoneDwell, scheduleActive, type ZoneDef, type ScheduleWindow, type IntrusionOptions } from './rules/zones.ts';
export { LeftObjectRule, type LeftObjectOptions } from './rules/left-object.ts';
export { CrowdDensityRule, type CrowdOptions } from './rules/crowd.ts';
export { TamperDetector, type TamperOptions, type TamperReason } from './rules/tamper.ts';
export type { RuleEvent, RuleKind } from './rules/types.ts';
export { parseAnalyzeArgs, ANALYZE_HELP, type AnalyzeArgs } from './analyze-args.ts';
export { analyzeVideo, type AnalyzeResult, type DetectorFactory } from './analyze-file.ts';
export { Canvas, annotate, type Annotation } from './annotate.ts';
export { encodePng, encodePngAsync } from '../media/index.ts';
export * from './live/index.ts';
/** Loads the neural detector (onnxruntime and the model) only when asked: they cost memory and start-up. */
export async function loadDetectorModule(): Promise<typeof import('./detector/index.ts')> {
  return import('./detector/index.ts');
}
