// Issue 14 item 7: a crop that is not square is letterboxed into the model's square input (one
// scale, bars of the network's mean colour) instead of stretched, so a 16:9 frame's cars keep
// their shape (stretched they were 0.56 as wide as tall as they should be and scored 0.2–0.4 on
// highway_nl); boxes come back in frame coordinates, cut to the crop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NANODET_NORM, fitOf, inputRegion, writeCropTensor } from '../../src/analytics/detector/preprocess.ts';

const plain = { order: 'rgb', mean: [10, 20, 30], std: [1, 1, 1] } as const;

test('a 2:1 crop letterboxed into a square: the picture in the middle rows at one scale, mean-coloured bars above and below', () => {
  // 4×2 white image → 4×4 input: rows 1 and 2 the picture, rows 0 and 3 the bars
  const rgb = new Uint8Array(4 * 2 * 3).fill(255);
  assert.deepEqual(fitOf({ width: 4, height: 2, fit: 'letterbox' }, 4), { x: 0, y: 1, w: 4, h: 2 });
  const f = new Float32Array(3 * 16);
  writeCropTensor({ rgb, width: 4, height: 2, region: [0, 0, 1, 1], fit: 'letterbox' }, 4, f, 0, plain);
  const row = (plane: number, y: number) => Array.from(f.slice(plane * 16 + y * 4, plane * 16 + y * 4 + 4));
  for (const plane of [0, 1, 2]) {
    assert.deepEqual(row(plane, 0), [0, 0, 0, 0], 'bar: the mean, 0 once normalised');
    assert.deepEqual(row(plane, 3), [0, 0, 0, 0]);
    assert.deepEqual(row(plane, 1), new Array(4).fill(255 - plain.mean[plane]));
  }
  // uint8 (the int8 model normalises inside): the bars are the mean's bytes, in planes and in s2d order
  const u = new Uint8Array(3 * 16);
  writeCropTensor({ rgb, width: 4, height: 2, region: [0, 0, 1, 1], fit: 'letterbox' }, 4, u, 0, NANODET_NORM);
  assert.equal(u[0], 104, 'B plane bar'); assert.equal(u[16], 116); assert.equal(u[32], 124, 'R plane bar');
  assert.equal(u[4], 255, 'picture');
  const s = new Uint8Array(3 * 16);
  writeCropTensor({ rgb, width: 4, height: 2, region: [0, 0, 1, 1], fit: 'letterbox' }, 4, s, 0, NANODET_NORM, 's2d');
  // s2d: [2, 2, 12], 12 = (dy·2 + dx)·3 + channel; block (0,0) holds rows 0–1: row 0 bar, row 1 picture
  assert.deepEqual(Array.from(s.slice(0, 6)), [104, 116, 124, 104, 116, 124], 'row 0 of block (0,0): bar');
  assert.deepEqual(Array.from(s.slice(6, 12)), [255, 255, 255, 255, 255, 255], 'row 1: picture');
  // stretched (the default) fills the whole input
  const st = new Float32Array(3 * 16);
  writeCropTensor({ rgb, width: 4, height: 2, region: [0, 0, 1, 1] }, 4, st, 0, plain);
  assert.ok(st.slice(0, 16).every((v) => v === 245));
  // a square crop is the same either way
  assert.deepEqual(fitOf({ width: 5, height: 5, fit: 'letterbox' }, 4), { x: 0, y: 0, w: 4, h: 4 });
});

test('a box found in the letterboxed input maps back to the frame: the bars lie beyond the crop', () => {
  // a 640×360 frame letterboxed into 320: picture 320×180 from row 70
  const fit = fitOf({ width: 640, height: 360, fit: 'letterbox' }, 320);
  assert.deepEqual(fit, { x: 0, y: 70, w: 320, h: 180 });
  const r = inputRegion([0, 0, 1, 1], fit, 320);
  // the input's top row is 70/180 of the frame's height above it; its bottom as far below
  assert.ok(Math.abs(r[1] + 70 / 180) < 1e-12 && Math.abs(r[3] - (1 + 70 / 180)) < 1e-12 && r[0] === 0 && r[2] === 1);
  // an input-space point (row 70 + 90 = the picture's middle) is the frame's middle
  const y = r[1] + (160 / 320) * (r[3] - r[1]);
  assert.ok(Math.abs(y - 0.5) < 1e-12);
  // a crop inside the frame: the same mapping within its region
  const c = inputRegion([0.5, 0.25, 0.75, 0.5], fitOf({ width: 200, height: 100, fit: 'letterbox' }, 320), 320);
  assert.ok(Math.abs(c[1] - (0.25 - 0.125)) < 1e-12 && Math.abs(c[3] - (0.5 + 0.125)) < 1e-12);
});
