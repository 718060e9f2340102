// The alarms part: live analytics on each camera's sub-stream (or main stream's live fan-out), rule hits recorded as events with
// head-blurred snapshots, per-minute line counts, and the operator's acknowledgement.
export { AlarmError, type AlarmErrorCode } from './errors.ts';
export { LiveAnalytics, parseAnalyticsSettings, type LiveAnalyticsOptions, type DetectorKind } from './live-analytics.ts';
export { AlarmRecorder, ALARM_KIND_PREFIX, type AlarmTopics, type AlarmAck } from './alarm-recorder.ts';
export { CameraAnalyser, pipelineOptions, type AnalysedFrame, type AnalyserStats } from './camera-analyser.ts';
export { LiveFrameSource, type LiveFrame } from './live-frames.ts';
export { blurHeads, headBand, type HeadBlurOptions } from './head-blur.ts';
export { readInitInfo, readFragmentDts, readCaptureTime, type InitInfo } from './fmp4-times.ts';
export { bucketCounts, type CountBucket } from './counts.ts';
export { PaceMeter, PACE_WINDOW_S, type Pace } from './analysis-pace.ts';
