// The traffic part's public face: calibration (image → ground homography), speed per track, lane
// rules (speeding, wrong way, stopped vehicle, congestion) and counts. Plates are never read here
// except for a vehicle that committed a violation.
export { TrafficError, type TrafficErrorCode } from './errors.ts';
export { fitHomography, imageToGround, groundToImage, localScale, measuredGround, type Calibration, type CalibrationPoint, type CalibrationOptions } from './homography.ts';
export { cameraFromCalibration, vehicleTopBound, VEHICLE_MAX_HEIGHT_M, VEHICLE_MAX_LENGTH_M, type CameraPose } from './camera-pose.ts';
export { parseCalibrationSpec, formatCalibrationSpec } from './calibration-spec.ts';
export { fitLaneLines, laneLinePoints, type LaneLines } from './lane-calibration.ts';
export { groundGrid, type GridOptions } from './ground-grid.ts';
export { estimateSpeed, type GroundSample, type SpeedEstimate, type SpeedOptions } from './speed.ts';
export {
  TrafficAnalyser, NOMINAL_LENGTH_M, type LaneDef, type SpeedRuleDef, type TrafficOptions, type TrafficEvent, type TrafficEventKind,
  type TrackSummary, type LaneStats, type MeasuredPosition,
} from './traffic-analyser.ts';
export { TrafficRule, prepareTrafficRule, trafficOptions, toRuleEvent, speedBin, minutesOf, type MinuteCount, type TrafficSnapshot, type CountedVehicles, type CountSink } from './live-rule.ts';
