// The int8 model's calibration frames are part of its identity: a machine with the shared clips and
// one with vtest.avi alone build different models (highway_overpass 27 vs 26 of 27 in
// eval:analytics), so their cached files must never be taken for one another.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { builtInt8Models, calibrationKey } from '../../src/analytics/detector/model-build.ts';
import { onnxModelPath } from '../../src/analytics/detector/model-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-cal-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const clip = (name: string, bytes: number) => { const p = join(dir, name); writeFileSync(p, Buffer.alloc(bytes)); return p; };

test('calibration key: same frames same key, other clips, frame counts or sizes another', () => {
  const vtest = clip('vtest.avi', 1000);
  const overpass = clip('highway_overpass.avi', 2000);
  const base = calibrationKey({ clips: [vtest], perClip: 6, size: 320 });
  assert.match(base, /^[0-9a-f]{10}$/);
  assert.equal(calibrationKey({ clips: [vtest], perClip: 6, size: 320 }), base);
  const withShared = calibrationKey({ clips: [overpass, vtest], perClip: 6, size: 320 });
  assert.notEqual(withShared, base, 'the shared clips present change the key');
  assert.equal(calibrationKey({ clips: [vtest, overpass], perClip: 6, size: 320 }), withShared, 'order of listing does not');
  assert.notEqual(calibrationKey({ clips: [vtest], perClip: 3, size: 320 }), base, 'frames per clip change it');
  assert.notEqual(calibrationKey({ clips: [vtest], perClip: 6, size: 416 }), base, 'the calibration size changes it');
  mkdirSync(join(dir, 'other'));
  const other = clip('other/vtest.avi', 1001);
  assert.notEqual(calibrationKey({ clips: [other], perClip: 6, size: 320 }), base, 'another file of the same name changes it');
});

test('int8 model files are named by their calibration key', () => {
  const a = onnxModelPath('int8', 'aaaaaaaaaa');
  const b = onnxModelPath('int8', 'bbbbbbbbbb');
  assert.notEqual(a, b);
  assert.match(basename(a), /^nanodet-int8-.*-calaaaaaaaaaa\.onnx$/);
  assert.equal(basename(onnxModelPath('fp32')), 'nanodet-fp32.onnx');
});

test('without frames to calibrate on, the int8 models already built are found, newest first', () => {
  const models = join(dir, 'models');
  mkdirSync(models);
  const old = process.env.VIGIL_MODEL_DIR;
  process.env.VIGIL_MODEL_DIR = models;
  try {
    assert.deepEqual(builtInt8Models(), []);
    const a = onnxModelPath('int8', 'aaaaaaaaaa');
    const b = onnxModelPath('int8', 'bbbbbbbbbb');
    writeFileSync(a, 'a');
    writeFileSync(b, 'b');
    writeFileSync(join(models, 'nanodet-int8-bgr-u8s2d-norm.onnx'), 'un-keyed: calibration unknown');
    writeFileSync(join(models, 'nanodet-fp32.onnx'), 'fp32');
    utimesSync(a, new Date(2026, 0, 2), new Date(2026, 0, 2));
    utimesSync(b, new Date(2026, 0, 1), new Date(2026, 0, 1));
    assert.deepEqual(builtInt8Models(), [a, b]);
  } finally {
    if (old === undefined) delete process.env.VIGIL_MODEL_DIR;
    else process.env.VIGIL_MODEL_DIR = old;
  }
});
