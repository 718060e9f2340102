// The evidence part (issue 14): one signed package per traffic violation — clip, frames with the
// measured positions, the measurement and the calibration, the plate (read only here, only for
// the violator). Checked by `vigil export verify` like any export.
export { EvidenceError, type EvidenceErrorCode } from './errors.ts';
export { ViolationEvidence, VIOLATION_FILE, type ViolationEvidenceOptions } from './violation-evidence.ts';
export { spareViolator, boxAt, type TimedBox } from './bystander-redaction.ts';
export { VIOLATION_KINDS, violationKind, violationRecord, positionsAt, gapStatement, type ViolationRecord, type ViolationKind, type PlateEntry, type CalibrationEntry } from './violation-record.ts';
