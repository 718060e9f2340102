// The TF.js → ONNX conversion: detections on real frames equal to the TF.js (wasm) path.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDetector, iou, type Detection, type DetectorInput } from '../../src/analytics/detector/index.ts';
import { convertNanodet } from '../../src/analytics/detector/model-build.ts';
import { decodeRgbFrames } from '../../src/media/index.ts';
import { VTEST_AVI } from '../../src/simulator/index.ts';

const modelDir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
process.env.VIGIL_MODEL_DIR = modelDir;
after(() => rmSync(modelDir, { recursive: true, force: true }));

function requireVtest(): string {
  assert.ok(existsSync('/usr/bin/ffmpeg'), 'ffmpeg is missing: apt-get install ffmpeg');
  assert.ok(existsSync(VTEST_AVI), `${VTEST_AVI} is missing: apt-get install opencv-doc`);
  return VTEST_AVI;
}

async function frames(file: string, count: number, w = 640, h = 480): Promise<DetectorInput[]> {
  const rgbs = await decodeRgbFrames(file, { count, width: w, height: h, everySeconds: 3, startSeconds: 1 });
  assert.equal(rgbs.length, count, `decoded ${count} frames of ${file}`);
  return rgbs.map((rgb) => ({ rgb, width: w, height: h, region: [0, 0, 1, 1] }));
}

/** Every TF.js detection has one ONNX detection of the same class with IoU >= 0.9 and score within 0.02, and vice versa. */
function assertSameDetections(ref: Detection[][], got: Detection[][], what: string) {
  assert.equal(got.length, ref.length);
  for (let f = 0; f < ref.length; f++) {
    assert.equal(got[f].length, ref[f].length, `${what} frame ${f}: ${ref[f].length} TF.js detections, ${got[f].length} ONNX`);
    for (const d of ref[f]) {
      const m = got[f].find((e) => e.cls === d.cls && iou(e.box, d.box) >= 0.9 && Math.abs(e.score - d.score) <= 0.02);
      assert.ok(m, `${what} frame ${f}: no ONNX match for ${d.cls} ${d.score.toFixed(3)} [${d.box.map((v) => v.toFixed(3))}]`);
    }
  }
}

test('the converted graph is a plain NCHW graph with dynamic batch and size', () => {
  const g = convertNanodet();
  const ops = new Map<string, number>();
  for (const n of g.nodes) ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
  assert.equal(ops.get('Conv'), 34, 'all 34 convolutions mapped');
  // Only the six output transposes ([N,C,HW] → [N,HW,C]) and three in the heads' split survive.
  assert.ok((ops.get('Transpose') ?? 0) <= 9, `transposes left: ${ops.get('Transpose')}`);
  assert.equal(ops.get('Pad') ?? 0, 0, 'pads folded into Conv/MaxPool');
  assert.deepEqual(g.inputs[0].dims, ['batch', 3, 'height', 'width']);
  assert.equal(g.outputs.length, 6);
  for (const n of g.nodes) assert.ok(n.inputs.every((i) => i === '' || g.initializers.has(i) || g.inputs.some((x) => x.name === i) || g.nodes.some((p) => p.outputs.includes(i))), `${n.name} inputs resolve`);
});

test('ONNX fp32 detections equal TF.js wasm detections on vtest.avi frames (416 px)', async () => {
  const inputs = await frames(requireVtest(), 3);
  const tfjs = await createDetector({ backend: 'tfjs-wasm', inputSize: 416, workers: 1, scoreThreshold: 0.3 });
  const onnx = await createDetector({ backend: 'onnx', inputSize: 416, workers: 1, scoreThreshold: 0.3 });
  try {
    const ref = await tfjs.detect(inputs);
    const got = await onnx.detect(inputs);
    const persons = ref.flat().filter((d) => d.cls === 'person').length;
    assert.ok(persons >= 3, `vtest.avi shows pedestrians; TF.js found ${persons} persons`);
    assertSameDetections(ref, got, 'vtest');
    // Boxes are frame-normalised and ordered.
    for (const d of got.flat()) assert.ok(d.box[0] >= 0 && d.box[0] < d.box[2] && d.box[2] <= 1 && d.box[1] >= 0 && d.box[1] < d.box[3] && d.box[3] <= 1);
  } finally {
    await Promise.all([tfjs.close(), onnx.close()]);
  }
});

test('crops map back to frame coordinates', async () => {
  const [full] = await frames(requireVtest(), 1, 768, 576);
  // The right half of the frame as a crop, described by its region in the frame.
  const w = 384, h = 576, rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) rgb.set(full.rgb.subarray((y * 768 + 384) * 3, (y * 768 + 768) * 3), y * w * 3);
  const det = await createDetector({ backend: 'onnx', inputSize: 320, workers: 1, scoreThreshold: 0.3 });
  try {
    const [inCrop] = await det.detect([{ rgb, width: w, height: h, region: [0.5, 0, 1, 1] }]);
    assert.ok(inCrop.length > 0, 'something detected in the crop');
    for (const d of inCrop) assert.ok(d.box[0] >= 0.5 && d.box[2] <= 1, `box ${d.box} lies in the right half of the frame`);
  } finally {
    await det.close();
  }
});

// 'shared clips: ONNX fp32 equals TF.js on one frame of each' needs the shared footage, which a clean
// clone lacks: it runs (and fails loudly without the footage) in bench/detector-footage.ts.
