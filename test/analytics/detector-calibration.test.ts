// The int8 model's calibration frames are part of its identity: calibrated on the shared clips and
// on vtest.avi alone it differs (highway_overpass 27 vs 26 of 27 in eval:analytics), so models
// calibrated differently never share a cached file; and the default model comes from the committed
// table, so every machine runs the same one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { calibrationKey, readCalibrationTable } from '../../src/analytics/detector/model-build.ts';
import { SHARED_VIDEO_DIR } from '../../src/simulator/index.ts';
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

test('the committed table is keyed by the set it records: the name calibrating on that set gives', () => {
  mkdirSync(join(dir, 'vtest2'));
  const vtest = clip('vtest2/vtest.avi', 1234);
  const set = { clips: [vtest], perClip: 6, size: 320 };
  assert.equal(calibrationKey({ clips: [{ file: 'vtest.avi', bytes: 1234 }], perClip: 6, size: 320 }), calibrationKey(set));
  assert.notEqual(calibrationKey({ clips: [{ file: 'vtest.avi', bytes: 1235 }], perClip: 6, size: 320 }), calibrationKey(set));
  const table = readCalibrationTable();
  assert.ok(table.set.clips.some((c) => c.file === 'vtest.avi') && table.set.clips.length >= 2, 'the table records vtest.avi and the shared clips');
  for (const [name, [min, max]] of Object.entries(table.ranges)) assert.ok(Number.isFinite(min) && Number.isFinite(max) && min <= max, `${name}: [${min}, ${max}]`);
});

// One model on every machine: what a fresh install (no shared clips, no vtest.avi) builds is the
// very file a checkout beside the shared footage builds, byte for byte (decision 072).
test('the default int8 model is the same with or without footage on the machine', { timeout: 300_000 }, () => {
  const build = (env: Record<string, string>) => {
    const models = mkdtempSync(join(dir, 'm-'));
    const r = spawnSync(process.execPath, ['-e', `import('${pathToFileURL(join(import.meta.dirname, '../../src/analytics/detector/model-build.ts')).href}').then(async (m) => console.log(await m.ensureOnnxModel('int8')))`],
      { env: { ...process.env, VIGIL_MODEL_DIR: models, ...env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const path = r.stdout.trim().split('\n').at(-1)!;
    return { name: basename(path), bytes: readFileSync(path) };
  };
  const bare = build({ VIGIL_SHARED_VIDEO: join(dir, 'no-such-footage') });
  const withShared = build({ VIGIL_SHARED_VIDEO: SHARED_VIDEO_DIR });
  assert.equal(bare.name, `nanodet-int8-bgr-u8s2d-norm-cal${calibrationKey(readCalibrationTable().set)}.onnx`);
  assert.equal(withShared.name, bare.name);
  assert.ok(bare.bytes.equals(withShared.bytes), 'same bytes');
});
