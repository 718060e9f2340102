import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitHomography, fitLaneLines, imageToGround, groundToImage, groundGrid, parseCalibrationSpec, formatCalibrationSpec, TrafficError, type CalibrationPoint } from '../../src/traffic/index.ts';
import { projectGround, type PinholeCamera } from '../../bench/lib/pinhole-camera.ts';

const CAM: PinholeCamera = { height: 8, tiltDeg: 15, panDeg: 10, focal: 1.1, aspect: 9 / 16, x: -2, y: -15 };

function pointsFor(cam: PinholeCamera, ground: [number, number][]): CalibrationPoint[] {
  return ground.map((g) => ({ image: projectGround(cam, g)!, ground: g }));
}

test('four exact points give the camera\'s mapping: other ground points come back to the metre', () => {
  const cal = fitHomography(pointsFor(CAM, [[0, 0], [7, 0], [0, 40], [7, 40]]));
  assert.ok(cal.rmsGroundM < 1e-6, `rms ${cal.rmsGroundM}`);
  for (const g of [[3.5, 20], [1, 5], [6, 33], [10, 60], [-3, 12]] as [number, number][]) {
    const back = imageToGround(cal, projectGround(CAM, g)!)!;
    assert.ok(Math.hypot(back[0] - g[0], back[1] - g[1]) < 1e-4, `${g} → ${back}`);
    const img = groundToImage(cal, g)!;
    const want = projectGround(CAM, g)!;
    assert.ok(Math.hypot(img[0] - want[0], img[1] - want[1]) < 1e-7);
  }
  // with four points nothing is over-determined: the uncertainty is the placing precision alone
  assert.ok(cal.groundSigmaM > 0 && cal.scaleSigma > 0 && cal.scaleSigma < 0.05, `σ ${cal.groundSigmaM} m, scale ${cal.scaleSigma}`);
});

test('more points with placing noise: least squares keeps the error near the noise and reports it', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5);
  const ground: [number, number][] = [];
  for (const x of [0, 3.5, 7]) for (const y of [0, 10, 20, 30, 40]) ground.push([x, y]);
  const noisy = pointsFor(CAM, ground).map((p) => ({ ...p, image: [p.image[0] + rnd() * 0.002, p.image[1] + rnd() * 0.002] as [number, number] }));
  const cal = fitHomography(noisy);
  assert.ok(cal.rmsGroundM > 0.005 && cal.rmsGroundM < 0.5, `rms ${cal.rmsGroundM} m`);
  assert.equal(cal.residuals.length, 15);
  assert.ok(cal.rmsImage > 0 && cal.rmsImage < 0.002);
  // a 30 m stretch measured through the noisy fit
  const a = imageToGround(cal, projectGround(CAM, [3.5, 5])!)!, b = imageToGround(cal, projectGround(CAM, [3.5, 35])!)!;
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  assert.ok(Math.abs(len - 30) < 0.3, `30 m measured as ${len}`);
  assert.ok(cal.scaleSigma > 0 && cal.scaleSigma < 0.05);
});

test('degenerate points are refused with the reason', () => {
  const refuse = (pts: CalibrationPoint[], re: RegExp) => assert.throws(() => fitHomography(pts), (e: unknown) => e instanceof TrafficError && e.code === 'DEGENERATE_CALIBRATION' && re.test(e.message));
  refuse(pointsFor(CAM, [[0, 0], [7, 0], [0, 40]]), /at least 4 points .*got 3/);
  // three of four on one line in the ground (and so in the image)
  refuse(pointsFor(CAM, [[0, 0], [0, 10], [0, 20], [7, 5]]), /points 1, 2, 3 lie on one line/);
  // every point along one lane line, however many
  refuse(pointsFor(CAM, [[0, 0], [0, 10], [0, 20], [0, 30], [0, 40]]), /lie on one line.*at least four/);
  // the same place twice
  const p = pointsFor(CAM, [[0, 0], [7, 0], [0, 40], [7, 40]]);
  refuse([...p.slice(0, 3), { image: p[0].image, ground: [9, 9] }], /points 1 and 4 are at the same image position/);
  // ground positions swapped between two points: the fit would fold the plane
  const swapped = [p[0], p[1], { image: p[2].image, ground: p[3].ground }, { image: p[3].image, ground: p[2].ground }];
  refuse(swapped, /arrangement|line/);
  refuse([{ image: [1.2, 0.5], ground: [0, 0] }, ...p.slice(1)], /outside 0..1/);
});

test('ground grid: the calibrated lines land on the image of the road', () => {
  const cal = fitHomography(pointsFor(CAM, [[0, 0], [7, 0], [0, 40], [7, 40]]));
  const grid = groundGrid(cal, { step: 5 });
  assert.equal(grid.step, 5);
  assert.ok(grid.lines.length >= 10);
  // every grid point is the image of a ground point on a 5 m line
  for (const line of grid.lines) for (const p of line) {
    const g = imageToGround(cal, p)!;
    const onX = Math.abs(g[0] / 5 - Math.round(g[0] / 5)) < 1e-6, onY = Math.abs(g[1] / 5 - Math.round(g[1] / 5)) < 1e-6;
    assert.ok(onX || onY, `grid point maps to ${g}`);
  }
});

test('the calibration spec text round-trips and refuses bad input with the field', () => {
  const pts = parseCalibrationSpec('0.1,0.9=0,0; 0.9,0.9=7,0;0.6,0.3=7,40;0.4,0.3=0,40');
  assert.equal(pts.length, 4);
  assert.deepEqual(pts[2], { image: [0.6, 0.3], ground: [7, 40] });
  assert.deepEqual(parseCalibrationSpec(formatCalibrationSpec(pts)), pts);
  assert.throws(() => parseCalibrationSpec('0.1,0.9=0'), /point 1 .*ground position/);
  assert.throws(() => parseCalibrationSpec('0.1,1.9=0,0'), /normalised/);
  assert.throws(() => parseCalibrationSpec(''), /expected/);
});

test('two lane lines with level ends and known width and length: distances along the lane come out right', () => {
  const img = (g: [number, number]) => projectGround(CAM, g)!;
  const cal = fitLaneLines({ a: [img([0, 10]), img([0, 34])], b: [img([3.5, 10]), img([3.5, 34])], widthM: 3.5, lengthM: 24 });
  const p = imageToGround(cal, img([1.75, 15]))!, q = imageToGround(cal, img([1.75, 27]))!;
  assert.ok(Math.abs(Math.hypot(q[0] - p[0], q[1] - p[1]) - 12) < 1e-6);
  // ends not level (the second line's marked 2 m further on): along the lane still right
  const sheared = fitLaneLines({ a: [img([0, 10]), img([0, 34])], b: [img([3.5, 12]), img([3.5, 36])], widthM: 3.5, lengthM: 24 });
  const s1 = imageToGround(sheared, img([1.75, 15]))!, s2 = imageToGround(sheared, img([1.75, 27]))!;
  assert.ok(Math.abs(s2[1] - s1[1] - 12) < 0.05 && Math.abs(s2[0] - s1[0]) < 1e-6, `${s1} → ${s2}`);
  assert.throws(() => fitLaneLines({ a: [img([0, 10]), img([0, 34])], b: [img([3.5, 10]), img([3.5, 34])], widthM: 0, lengthM: 24 }), /width and the length/);
});
