// Issue 14: the camera behind a ground calibration (focal length, height, where a point above the
// road appears), recovered from the homography alone, against cameras whose geometry is known;
// and the highest a vehicle's top can appear, which tells a box over the whole view from a vehicle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraFromCalibration, fitHomography, parseCalibrationSpec, vehicleTopBound, type CalibrationPoint } from '../../src/traffic/index.ts';

/** A pinhole camera `height` m over the ground at the origin, looking along +y, tilted down, panned; focal in frame widths. */
function pinhole(height: number, tiltDeg: number, panDeg: number, focal: number, aspect: number) {
  const t = (tiltDeg * Math.PI) / 180, p = (panDeg * Math.PI) / 180;
  const see = (x: number, y: number, z: number): [number, number] => {
    const lx = x * Math.cos(p) - y * Math.sin(p), ly = x * Math.sin(p) + y * Math.cos(p), lz = z - height;
    const forward = ly * Math.cos(t) - lz * Math.sin(t), down = -ly * Math.sin(t) - lz * Math.cos(t);
    return [0.5 + (focal * lx) / forward, 0.5 + ((focal * down) / forward) * aspect];
  };
  /** the ground point seen at an image point */
  const ground = (u: number, v: number): [number, number] => {
    const rx = (u - 0.5) / focal, rd = (v - 0.5) / (focal * aspect);
    const ly = Math.cos(t) - rd * Math.sin(t), lz = -Math.sin(t) - rd * Math.cos(t);
    const s = height / -lz, lx = rx * s, lyg = ly * s;
    return [lx * Math.cos(p) + lyg * Math.sin(p), -lx * Math.sin(p) + lyg * Math.cos(p)];
  };
  return { see, ground };
}
const IMAGE_POINTS: [number, number][] = [[0.2, 0.9], [0.8, 0.9], [0.35, 0.55], [0.65, 0.55], [0.5, 0.7], [0.1, 0.65]];

test('a camera recovered from its calibration: focal length, height, and points above the road where the camera sees them', () => {
  for (const [height, tilt, pan, focal, aspect] of [[9, 12, 8, 1.2, 16 / 9], [5, 8, -15, 0.8, 4 / 3], [14, 20, 30, 2.5, 16 / 9]] as const) {
    const { see, ground: groundAt } = pinhole(height, tilt, pan, focal, aspect);
    const ground = IMAGE_POINTS.map(([u, v]) => groundAt(u, v));
    const points: CalibrationPoint[] = ground.map(([x, y]) => ({ image: see(x, y, 0), ground: [x, y] }));
    const cam = cameraFromCalibration(fitHomography(points), aspect);
    assert.ok(cam, 'a camera');
    assert.ok(Math.abs(cam.focal - focal * aspect) < 1e-6 * focal, `focal ${cam.focal} vs ${focal * aspect}`);
    assert.ok(Math.abs(cam.centre[2] - height) < 1e-6, `height ${cam.centre[2]} vs ${height}`);
    const g = ground[4];
    const got = cam.project([g[0], g[1], 4])!, want = see(g[0], g[1], 4);
    assert.ok(Math.hypot(got[0] - want[0], got[1] - want[1]) < 1e-9, `4 m above a road point: ${got} vs ${want}`);
  }
});

test('a ground frame that fits no camera (stretched along one axis) gives none; a camera lower than a lorry bounds nothing', () => {
  const cam = pinhole(9, 12, 25, 1.2, 16 / 9); // (looking straight along one ground axis, a stretch along it is another camera: tilted, zoomed)
  const points: CalibrationPoint[] = IMAGE_POINTS.map(([u, v]) => { const g = cam.ground(u, v); return { image: [u, v], ground: [g[0], g[1] * 1.5] }; });
  assert.equal(cameraFromCalibration(fitHomography(points), 16 / 9), null);
  const low = pinhole(3, 3, 0, 1.2, 16 / 9);
  const lowPoints: CalibrationPoint[] = IMAGE_POINTS.map(([u, v]) => ({ image: [u, v], ground: low.ground(u, v) }));
  assert.ok(cameraFromCalibration(fitHomography(lowPoints), 16 / 9));
  assert.equal(vehicleTopBound(fitHomography(lowPoints), 16 / 9), null);
});

test('the motorway view (highway_nl, calibrated from its lane dashes): a box from the frame\'s bottom to its top reaches higher than any vehicle; the cars seen there do not', () => {
  const cal = fitHomography(parseCalibrationSpec('0.3672,0.5796=0,0;0.3870,0.5019=0,3;0.4260,0.3537=0,12;0.4344,0.3204=0,15;0.4531,0.2444=0,24;0.4568,0.2259=0,27;0.6677,0.5593=7,0;0.6536,0.4833=7,3;0.6193,0.3407=7,12;0.6120,0.3074=7,15;0.5943,0.2389=7,24;0.5901,0.2204=7,27'));
  const cam = cameraFromCalibration(cal, 16 / 9)!;
  assert.ok(cam.centre[2] > 5 && cam.centre[2] < 12, `an overpass camera: ${cam.centre[2].toFixed(1)} m`);
  const bound = vehicleTopBound(cal, 16 / 9)!;
  // the detector's whole-view box: bottom at the frame's bottom, top at 0.01
  assert.ok(bound([0.5, 1])! > 0.06, `a vehicle standing at the frame's bottom reaches y = ${bound([0.5, 1])!.toFixed(3)} at most`);
  // cars the detector found on this clip (box tops and bottoms): each within the bound
  for (const b of [[0.53, 0.40, 0.65, 0.62], [0.52, 0.14, 0.56, 0.20], [0.72, 0.57, 0.89, 0.88], [0.54, 0.81, 0.69, 1.0], [0.77, 0.66, 0.96, 0.99]]) {
    const top = bound([(b[0] + b[2]) / 2, b[3]]);
    assert.ok(top !== null && b[1] >= top, `${JSON.stringify(b)}: top ${b[1]} under the bound ${top}`);
  }
});
