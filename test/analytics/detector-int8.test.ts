// int8 (QDQ, calibrated on real frames) against fp32, and the pure pieces of the detector.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDetector, ensureOnnxModel, iou, nms, type Detection, type DetectorInput } from '../../src/analytics/detector/index.ts';
import { decodeNanodet } from '../../src/analytics/detector/nanodet-decode.ts';
import { calibrationKey, calibrationSet } from '../../src/analytics/detector/model-build.ts';
import { NANODET_NORM, writeCropTensor } from '../../src/analytics/detector/preprocess.ts';
import { quantizeWeightsPerChannel, uint8Params } from '../../src/analytics/detector/qdq-quantize.ts';
import { fp16ToFp32 } from '../../src/analytics/detector/tfjs-graph.ts';
import { decodeRgbFrames } from '../../src/media/index.ts';
import { sharedVideoFiles, VTEST_AVI } from '../../src/simulator/index.ts';

const modelDir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
process.env.VIGIL_MODEL_DIR = modelDir;
after(() => rmSync(modelDir, { recursive: true, force: true }));

test('fp16 decoding', () => {
  assert.equal(fp16ToFp32(0x3c00), 1);
  assert.equal(fp16ToFp32(0xc000), -2);
  assert.equal(fp16ToFp32(0x3555), 0.333251953125);
  assert.equal(fp16ToFp32(0x0001), 2 ** -24);
  assert.equal(fp16ToFp32(0x7c00), Infinity);
});

test('uint8 activation parameters always represent zero exactly', () => {
  assert.deepEqual(uint8Params({ min: 0, max: 1 }), { scale: 1 / 255, zeroPoint: 0 });
  const p = uint8Params({ min: -1, max: 3 });
  assert.equal(p.zeroPoint, Math.round(1 / p.scale));
  assert.ok(Math.abs(p.scale - 4 / 255) < 1e-12);
  assert.equal(uint8Params({ min: 0.5, max: 2 }).zeroPoint, 0, 'range stretched to include 0');
});

test('per-channel int8 weights keep each channel within half a step', () => {
  const data = new Float32Array([0.5, -1, 0.25, 0.001, -0.002, 0.0005]);
  const { q, scales } = quantizeWeightsPerChannel({ type: 'float', dims: [2, 3], data });
  assert.equal(scales[0], 1 / 127);
  assert.equal(scales[1], Math.fround(-0.002) / -127, "float32 weight max / 127");
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(q[i] * scales[Math.floor(i / 3)] - data[i]) <= scales[Math.floor(i / 3)] / 2 + 1e-9, `w${i}`);
  assert.equal(q[1], -127);
});

test('crop resampling: same-size copy and bilinear stretch', () => {
  const rgb = new Uint8Array(4 * 4 * 3);
  for (let i = 0; i < 16; i++) rgb.set([255, 0, 51], i * 3);
  const plain = { order: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] } as const;
  const same = new Float32Array(3 * 16);
  writeCropTensor({ rgb, width: 4, height: 4, region: [0, 0, 1, 1] }, 4, same, 0, plain);
  assert.equal(same[0], 1); assert.equal(same[16], 0); assert.ok(Math.abs(same[32] - 0.2) < 1e-6);
  const up = new Float32Array(3 * 64);
  writeCropTensor({ rgb, width: 4, height: 4, region: [0, 0, 1, 1] }, 8, up, 0, plain);
  assert.ok(up.slice(0, 64).every((v) => v === 1) && up.slice(64, 128).every((v) => v === 0));
  // A left-black/right-white 2x1 image stretched to 4 px: 0, 0.25, 0.75, 1 (half-pixel centres).
  const grad = new Float32Array(3 * 16);
  writeCropTensor({ rgb: new Uint8Array([0, 0, 0, 255, 255, 255]), width: 2, height: 1, region: [0, 0, 1, 1] }, 4, grad, 0, plain);
  assert.deepEqual(Array.from(grad.slice(0, 4)), [0, 0.25, 0.75, 1]);
  assert.throws(() => writeCropTensor({ rgb: new Uint8Array(5), width: 2, height: 2, region: [0, 0, 1, 1] }, 4, grad, 0), /needs 12 bytes/);
});

test("NanoDet input: BGR planes, (v - mean) / std as NanoDet was trained; uint8 planes keep the bytes", () => {
  // One pixel R=200 G=100 B=50, same size and stretched (the two code paths).
  for (const size of [1, 2]) {
    const f = new Float32Array(3 * size * size);
    writeCropTensor({ rgb: new Uint8Array([200, 100, 50]), width: 1, height: 1, region: [0, 0, 1, 1] }, size, f, 0);
    const plane = size * size;
    assert.ok(Math.abs(f[0] - (50 - 103.53) / 57.375) < 1e-5, `B plane first: ${f[0]}`);
    assert.ok(Math.abs(f[plane] - (100 - 116.28) / 57.12) < 1e-5, `G plane: ${f[plane]}`);
    assert.ok(Math.abs(f[2 * plane] - (200 - 123.675) / 58.395) < 1e-5, `R plane last: ${f[2 * plane]}`);
    const u = new Uint8Array(3 * plane);
    writeCropTensor({ rgb: new Uint8Array([200, 100, 50]), width: 1, height: 1, region: [0, 0, 1, 1] }, size, u, 0);
    assert.deepEqual([u[0], u[plane], u[2 * plane]], [50, 100, 200]);
  }
  assert.equal(NANODET_NORM.order, 'bgr');
});

test("the 's2d' layout is the planes in SpaceToDepth(2) order, channels last", () => {
  let seed = 5;
  for (const [w, h] of [[8, 8], [13, 7]]) {
    const rgb = Uint8Array.from({ length: w * h * 3 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
    const size = 8, half = size / 2;
    const planes = new Uint8Array(3 * size * size), s2d = new Uint8Array(3 * size * size + 5);
    writeCropTensor({ rgb, width: w, height: h, region: [0, 0, 1, 1] }, size, planes, 0);
    writeCropTensor({ rgb, width: w, height: h, region: [0, 0, 1, 1] }, size, s2d, 5, NANODET_NORM, 's2d');
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          // ONNX SpaceToDepth: channel (dy·2 + dx)·C + c at (y/2, x/2); then NHWC.
          const at = 5 + ((y >> 1) * half + (x >> 1)) * 12 + ((y % 2) * 2 + (x % 2)) * 3 + c;
          assert.equal(s2d[at], planes[c * size * size + y * size + x], `${w}x${h} c${c} y${y} x${x}`);
        }
      }
    }
  }
  assert.throws(() => writeCropTensor({ rgb: new Uint8Array(12), width: 2, height: 2, region: [0, 0, 1, 1] }, 4, new Float32Array(48), 0, NANODET_NORM, 's2d'), /uint8/);
});

test('NanoDet decoding: one confident cell becomes one box in frame coordinates', () => {
  const size = 64, stride = 8, grid = size / stride, bins = 11;
  const scores = new Float32Array(grid * grid * 80);
  const reg = new Float32Array(grid * grid * 4 * bins).fill(-10);
  const cell = 3 * grid + 4; // x=4, y=3 → centre (36, 28) px
  scores[cell * 80 + 2] = 0.9; // car
  scores[cell * 80 + 16] = 0.99; // dog: not a Vigil class, ignored
  // Distances 2, 1, 3, 4 bins → 16, 8, 24, 32 px from the centre.
  [2, 1, 3, 4].forEach((b, side) => { reg[cell * 4 * bins + side * bins + b] = 20; });
  const dets = decodeNanodet([{ stride, scores, reg }], { inputSize: size, scoreThreshold: 0.3, region: [0.5, 0, 1, 0.5] });
  assert.equal(dets.length, 1);
  assert.equal(dets[0].cls, 'car');
  assert.ok(Math.abs(dets[0].score - 0.9) < 1e-6);
  const expect = [0.5 + (20 / 64) * 0.5, (20 / 64) * 0.5, 0.5 + (60 / 64) * 0.5, (60 / 64) * 0.5];
  dets[0].box.forEach((v, i) => assert.ok(Math.abs(v - expect[i]) < 1e-4, `box[${i}] ${v} vs ${expect[i]}`));
});

test('NMS keeps the best of overlapping boxes per class only', () => {
  const d = (cls: Detection['cls'], score: number, x: number): Detection => ({ cls, score, box: [x, 0, x + 0.2, 0.2] });
  const kept = nms([d('person', 0.5, 0), d('person', 0.9, 0.01), d('car', 0.6, 0.01), d('person', 0.4, 0.5)], 0.5, 10);
  assert.deepEqual(kept.map((k) => `${k.cls}${k.score}`), ['person0.9', 'car0.6', 'person0.4']);
});

function sources(): string[] {
  assert.ok(existsSync('/usr/bin/ffmpeg'), 'ffmpeg is missing: apt-get install ffmpeg');
  assert.ok(existsSync(VTEST_AVI), `${VTEST_AVI} is missing: apt-get install opencv-doc`);
  const clips = sharedVideoFiles();
  if (!clips.length) console.log('# no shared clips in ../shared/data/video: int8 checked on vtest.avi only');
  return [VTEST_AVI, ...clips];
}

/** Share of `ref` detections (score >= 0.4) that `got` finds (same class, IoU >= 0.5, any score >= 0.25). */
function recall(ref: Detection[][], got: Detection[][]): { n: number; share: number } {
  let n = 0, hit = 0;
  ref.forEach((r, f) => {
    for (const d of r.filter((x) => x.score >= 0.4)) {
      n++;
      if (got[f].some((e) => e.cls === d.cls && iou(e.box, d.box) >= 0.5)) hit++;
    }
  });
  return { n, share: n ? hit / n : 1 };
}

test('int8 QDQ model: integer kernels in ORT, and detections agree with fp32', async () => {
  const t0 = performance.now();
  const path = await ensureOnnxModel('int8', { framesPerClip: 3 });
  assert.ok(path.endsWith(`-cal${calibrationKey(calibrationSet(3))}.onnx`), `the model's file is named by its calibration: ${path}`);
  console.log(`# int8 model built and calibrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const ort = await import('onnxruntime-node');
  const optimized = join(modelDir, 'optimized.onnx');
  const s = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', optimizedModelFilePath: optimized, logSeverityLevel: 3 });
  await s.release();
  const { onnx } = createRequire(import.meta.url)('onnx-proto') as { onnx: { ModelProto: { decode(b: Uint8Array): { graph: { node: { opType: string }[] } } } } };
  const ops = onnx.ModelProto.decode(readFileSync(optimized)).graph.node.map((n) => n.opType);
  const qconv = ops.filter((o) => o === 'QLinearConv').length;
  // All 34, the detection heads' too (INT8_GRAPH.quantizeHeads); none left float.
  assert.equal(qconv, 34, `ORT fused ${qconv} of 34 convolutions into QLinearConv`);
  assert.equal(ops.filter((o) => o === 'Conv').length, 0, 'no float convolution left');
  // The pixels, already space-to-depth and channels-last: normalised per channel in the graph (not
  // folded into the first convolution, whose padding would then be one grey: INT8_GRAPH), then the
  // first convolution; no SpaceToDepth at run time.
  assert.deepEqual(ops.slice(0, 4), ['DequantizeLinear', 'Sub', 'Mul', 'QuantizeLinear'], `first ops ${ops.slice(0, 6).join(' ')}`);
  assert.equal(ops.slice(4, 6).filter((o) => o === 'QLinearConv').length, 1, `the first convolution right after: ${ops.slice(0, 6).join(' ')}`);
  assert.ok(!ops.includes('SpaceToDepth'), 'no SpaceToDepth left');
  assert.equal(ops.filter((o) => o === 'Sub').length, 1, 'one Sub: the input normalisation only');

  // Frames other than the calibration ones (those start at 0 s, every 2 s).
  const inputs: DetectorInput[] = [];
  for (const clip of sources()) {
    for (const rgb of await decodeRgbFrames(clip, { count: 3, width: 640, height: 360, everySeconds: 3, startSeconds: 1.3 })) {
      inputs.push({ rgb, width: 640, height: 360, region: [0, 0, 1, 1] });
    }
  }
  const fp32 = await createDetector({ backend: 'onnx', inputSize: 320, workers: 2, scoreThreshold: 0.25 });
  const int8 = await createDetector({ backend: 'onnx-int8', inputSize: 320, workers: 2, scoreThreshold: 0.25 });
  try {
    const a = await fp32.detect(inputs);
    const b = await int8.detect(inputs);
    const fwd = recall(a, b), back = recall(b, a);
    console.log(`# int8 vs fp32 at 320 on ${inputs.length} frames: finds ${(fwd.share * 100).toFixed(0)} % of ${fwd.n} fp32 detections; ${(back.share * 100).toFixed(0)} % of ${back.n} int8 detections are fp32 ones`);
    assert.ok(fwd.n >= 5, `enough fp32 detections to compare (${fwd.n})`);
    assert.ok(fwd.share >= 0.85, `int8 finds ${fwd.share} of fp32 detections`);
    assert.ok(back.share >= 0.85, `${back.share} of int8 detections are also fp32 detections`);
  } finally {
    await Promise.all([fp32.close(), int8.close()]);
  }
});

// 'recognition on real footage: cars in highway_overpass.avi score like cars' needs the shared
// footage, which a clean clone lacks: it runs (and fails loudly without it) in bench/detector-footage.ts.
