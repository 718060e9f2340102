// Live analytics: the same pipeline as `vigil analyze`, run on cameras. Frames come from each
// camera's sub-stream (or its main stream's live fan-out) through ffmpeg; the analyser keeps pace
// with the stream and says when it falls behind; rule hits go to the AlarmRecorder, which writes
// them as events with head-pixelated snapshots.
export { LiveAnalytics, parseAnalyticsSettings, describePolygonProblem, seedAnalyticsFromConfig, type LiveAnalyticsOptions, type DetectorKind } from './live-analytics.ts';
export { AlarmRecorder, type AlarmRecorderOptions } from './alarm-recorder.ts';
export { CameraAnalyser, pipelineOptions, costPerFrame, type AnalysedFrame, type AnalyserStats } from './camera-analyser.ts';
export { LiveFrameSource, type LiveFrame } from './live-frames.ts';
export { readInitInfo, readFragmentDts, readCaptureTime, type InitInfo } from './fmp4-times.ts';
export { PaceMeter, PACE_WINDOW_S, type Pace } from './analysis-pace.ts';
export { grabStill, type StillOptions } from './still-frame.ts';
export { previewRules, type PreviewHit, type PreviewResult, type PreviewSource } from './rule-preview.ts';
