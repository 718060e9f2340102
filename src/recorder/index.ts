// The recorder's public face: camera supervision, segment files and their index, gaps,
// crash recovery and retention.
export { CameraFleet, type FleetOptions } from './camera-fleet.ts';
export { CameraRecorder, type CameraTarget, type Connector, type RecorderOptions } from './camera-recorder.ts';
export { rtspConnector } from './rtsp-connector.ts';
export { SegmentWriter, type SegmentWriterOptions } from './segment-writer.ts';
export { SegmentIndexQueue } from './segment-index.ts';
export { GapTracker, MIN_GAP_MS } from './gap-tracker.ts';
export { scanFragments, type FragmentScan } from './fragment-scan.ts';
export { recoverSegments, recoverAtStart, repairSegmentFile, type RecoveryReport, type RecoveredSegment } from './recovery.ts';
export {
  RetentionSweeper, overlapsLock, mergeRanges, retentionPolicyFromConfig,
  type RetentionPolicy, type RetentionRule, type SweepTrigger, type SweepReport, type VolumeUsage, type RetentionDeps,
} from './retention.ts';
export { RecorderError } from './errors.ts';
export { diskFullHandler, type DiskFullDeps } from './disk-full.ts';
