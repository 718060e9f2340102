// Calibration from two lane lines and known lengths, for roads without four surveyed points: each
// lane line is given by two image points, placed so that the near ends of the two lines are level
// with each other across the road (a stop line, the ends of dashes side by side) and so are the
// far ends; the lane width and the length between near and far ends are known (marking
// standards: e.g. 3 m dashes every 12 m and 3.5 m lanes on Dutch motorways). That is a rectangle
// on the ground, hence four point pairs for the homography. If the ends are not level the ground
// frame is sheared: distances along the lane stay right, distances across it do not. Pure.
import type { Point } from '../analytics/index.ts';
import { fitHomography, type Calibration, type CalibrationOptions, type CalibrationPoint } from './homography.ts';
import { TrafficError } from './errors.ts';

export interface LaneLines {
  /** first lane line: near end, far end (normalised image points) */
  a: [Point, Point];
  /** second lane line, its ends level with the first's */
  b: [Point, Point];
  /** distance between the two lines, metres */
  widthM: number;
  /** distance between the near and the far ends along the lane, metres */
  lengthM: number;
}

export function laneLinePoints(l: LaneLines): CalibrationPoint[] {
  if (!(l.widthM > 0) || !(l.lengthM > 0)) throw new TrafficError('BAD_TRAFFIC_SPEC', `lane lines: the width and the length must be > 0 metres, got ${l.widthM} and ${l.lengthM}`);
  return [
    { image: l.a[0], ground: [0, 0] }, { image: l.a[1], ground: [0, l.lengthM] },
    { image: l.b[0], ground: [l.widthM, 0] }, { image: l.b[1], ground: [l.widthM, l.lengthM] },
  ];
}

export function fitLaneLines(l: LaneLines, opts?: CalibrationOptions): Calibration {
  return fitHomography(laneLinePoints(l), opts);
}
