// The privacy part: what keeps people unidentifiable in what Vigil shows and keeps. Heads
// pixelated on alarm snapshots; privacy masks burned into live view, playback, HLS, exports and
// snapshots for users who may not see under them, and lifts of liftable masks.
export { blurHeads, headBand, type HeadBlurOptions, type Box } from './head-blur.ts';
export { PrivacyError } from './errors.ts';
export { validatePolygon, maskBounds, rasterizeMask } from './mask-geometry.ts';
export { selfCrossing, signedArea, polygonProblem, type Point, type PolygonProblem } from './polygon.ts';
export { MaskBurner, BoxSplitter, coverImage, frameSizeOfInit, burnFile, type BurnerOutput, type BurnerOptions } from './mask-burner.ts';
export { burnStream, type BurnedStream } from './burn-stream.ts';
export { MaskedLive } from './masked-live.ts';
export { PrivacyService, DEFAULT_PURPOSES, DEFAULT_LIFT_MINUTES, MAX_LIFT_MINUTES, type NewMask, type MaskView, type PrivacyStore } from './privacy-service.ts';
export { maskPng, decodePngRgb, paintMasks } from './mask-png.ts';
export { checkLookBack, validateLookBackPolicy, lookBackPolicyForApi, DEFAULT_LOOK_BACK, type LookBackPolicy, type PurposeEntry, type PurposeRecord, type StatedPurpose } from './look-back.ts';
export { buildTransparencyReport, transparencyHtml, monthOfDay, REPORT_ACTIONS, type TransparencyReport, type ReportCamera, type DailyCount, type ReportCounter, type PurposeGroup } from './transparency.ts';
export { pickReportLanguage, REPORT_LANGUAGES, REPORT_TEXT, type ReportLanguage } from './transparency-text.ts';
export { findPlates, grow, type PixelRect, type PlateSearchOptions } from './plate-finder.ts';
export { regionsOf, regionsBetween, pixelateYuv420, paintCoverYuv420, yuv420ToRgbScaled, VEHICLE_CLASSES, type Region, type RedactionKind, type FoundObject } from './redaction-regions.ts';
export { plausibleObjects, implausibleVehicle, MAX_FOOTPRINT_M, type PlausibilityOptions, type Implausible } from './vehicle-plausibility.ts';
export { redactVideo, probeStream, type ObjectFinder, type RedactVideoOptions, type RedactionSummary } from './redact-video.ts';
export { redactExportFile, type ExportFileRedaction } from './export-redaction.ts';
export { CameraPurposes, validateCameraPurpose, locksBeyondRetention, LEGAL_BASES, DEFAULT_RETENTION_HOURS, type CameraPurposeInput, type CameraPurposeStore } from './camera-purposes.ts';
// issue 13: retention of events, snapshots, exports, counts and the audit log
export {
  DATA_RETENTION_KINDS, DEFAULT_DATA_RETENTION, DATA_RETENTION_SETTING, MIN_AUDIT_DAYS, validateDataRetention, effectiveDataRetention, dataRetentionNotices, dataRetentionKey,
  type DataRetentionKind, type DataRetentionPolicy,
} from './data-retention-policy.ts';
export { DELETION_ACTIONS, deletionOf, latestDeletions, type DeletionAction, type DeletionView } from './retention-deletions.ts';
export { RETENTION_NOTICE_CODES, type RetentionNotice, type RetentionNoticeCode } from './retention-notice.ts';
export { DataRetention, type DataRetentionOptions, type DataRetentionStore, type DataSweepReport } from './data-retention.ts';
