// The detector pool gathers crops of many cameras into shared batches: every caller still gets
// exactly the detections of its own crops, in order, as if it had been alone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOnnxModel, type Detection, type DetectorInput } from '../../../src/analytics/detector/index.ts';
import { WorkerPoolDetector } from '../../../src/analytics/detector/detector-pool.ts';
import { decodeRgbFrames } from '../../../src/media/index.ts';
import { VTEST_AVI } from '../../../src/simulator/index.ts';

const modelDir = process.env.VIGIL_MODEL_DIR ?? mkdtempSync(join(tmpdir(), 'vigil-models-'));
if (!process.env.VIGIL_MODEL_DIR) {
  process.env.VIGIL_MODEL_DIR = modelDir;
  after(() => rmSync(modelDir, { recursive: true, force: true }));
}

function quadrants(rgb: Uint8Array, w: number, h: number): DetectorInput[] {
  const out: DetectorInput[] = [];
  for (const [x0, y0] of [[0, 0], [w / 2, 0], [0, h / 2], [w / 2, h / 2]]) {
    const cw = w / 2, ch = h / 2, crop = new Uint8Array(cw * ch * 3);
    for (let y = 0; y < ch; y++) crop.set(rgb.subarray(((y0 + y) * w + x0) * 3, ((y0 + y) * w + x0 + cw) * 3), y * cw * 3);
    out.push({ rgb: crop, width: cw, height: ch, region: [x0 / w, y0 / h, (x0 + cw) / w, (y0 + ch) / h] });
  }
  return out;
}

test('concurrent callers share batches and each gets its own detections in order', async () => {
  assert.ok(existsSync(VTEST_AVI), `${VTEST_AVI} is missing: apt-get install opencv-doc`);
  const W = 640, H = 360;
  const frames = await decodeRgbFrames(VTEST_AVI, { count: 6, width: W, height: H, everySeconds: 2, startSeconds: 1 });
  // Six "cameras": a whole frame, or its four quarters, or one quarter, so requests differ in size.
  const requests: DetectorInput[][] = frames.map((rgb, i) => {
    const q = quadrants(rgb, W, H);
    if (i % 3 === 0) return [{ rgb, width: W, height: H, region: [0, 0, 1, 1] }];
    return i % 3 === 1 ? q : [q[i % 4]];
  });
  const modelPath = await ensureOnnxModel('fp32');
  const config = { runtime: 'onnx' as const, modelPath, inputSize: 320, intraOpThreads: 1, inputType: 'float32' as const, scoreThreshold: 0.3 };
  const alone = new WorkerPoolDetector(config, 1, { maxBatch: 1, maxDelayMs: 0 });
  const pooled = new WorkerPoolDetector(config, 2, { maxBatch: 4, maxDelayMs: 20 });
  try {
    const expected: Detection[][][] = [];
    for (const r of requests) expected.push(await alone.detect(r));
    assert.equal(alone.stats.batches, requests.reduce((s, r) => s + r.length, 0), 'maxBatch 1: one crop per batch');
    const persons = expected.flat(2).filter((d) => d.cls === 'person').length;
    assert.ok(persons >= 3, `vtest shows pedestrians; found ${persons}`);

    // All at once, twice over, as cameras would call it; the crops' own buffers are reused by the
    // callers right after, so the pool must have copied them.
    const got = await Promise.all([...requests, ...requests].map((r) => pooled.detect(r)));
    for (let i = 0; i < got.length; i++) {
      const want = expected[i % requests.length];
      assert.equal(got[i].length, want.length, `request ${i}: one result per crop`);
      for (let k = 0; k < want.length; k++) {
        assert.equal(got[i][k].length, want[k].length, `request ${i} crop ${k}: same number of detections`);
        for (let d = 0; d < want[k].length; d++) {
          assert.equal(got[i][k][d].cls, want[k][d].cls);
          assert.ok(Math.abs(got[i][k][d].score - want[k][d].score) < 1e-4, `request ${i} crop ${k}: same score`);
          for (let c = 0; c < 4; c++) assert.ok(Math.abs(got[i][k][d].box[c] - want[k][d].box[c]) < 1e-4, `request ${i} crop ${k}: same box`);
        }
      }
    }
    const crops = 2 * requests.reduce((s, r) => s + r.length, 0);
    assert.equal(pooled.stats.crops, crops);
    assert.equal(pooled.stats.requests, 12);
    assert.ok(pooled.stats.batches <= Math.ceil(crops / 4) + 2, `crops of different callers shared batches: ${pooled.stats.batches} batches for ${crops} crops`);
  } finally {
    await Promise.all([alone.close(), pooled.close()]);
  }
});

test('one pool serves cameras at different input sizes: a crop at 416 in a shared batch gets what a 416 pool gives it', async (t) => {
  if (!existsSync(VTEST_AVI)) {
    t.skip(`needs ${VTEST_AVI} (apt-get install opencv-doc)`);
    return;
  }
  const W = 640, H = 360;
  const [rgb] = await decodeRgbFrames(VTEST_AVI, { count: 1, width: W, height: H, everySeconds: 2, startSeconds: 13 });
  const q = quadrants(rgb, W, H);
  const modelPath = await ensureOnnxModel('int8');
  const config = { runtime: 'onnx' as const, modelPath, intraOpThreads: 1, inputType: 'uint8' as const, scoreThreshold: 0.2 };
  const at320 = new WorkerPoolDetector({ ...config, inputSize: 320 }, 1, { maxBatch: 8, maxDelayMs: 20 });
  const at416 = new WorkerPoolDetector({ ...config, inputSize: 416 }, 1, { maxBatch: 1, maxDelayMs: 0 });
  try {
    const want416 = await at416.detect(q);
    const want320 = await at320.detect(q);
    // mixed in one batch: quarters 0 and 2 at 416, 1 and 3 at the pool's 320
    const mixed = await at320.detect(q.map((c, i) => ({ ...c, size: i % 2 === 0 ? 416 : undefined })));
    for (let i = 0; i < 4; i++) {
      const want = i % 2 === 0 ? want416[i] : want320[i];
      assert.equal(mixed[i].length, want.length, `quarter ${i}`);
      mixed[i].forEach((d, k) => assert.ok(Math.abs(d.score - want[k].score) < 1e-4 && d.cls === want[k].cls, `quarter ${i} box ${k}`));
    }
    assert.notDeepEqual(want416.map((c) => c.length), want320.map((c) => c.length), 'the two sizes do see the frame differently');
    await assert.rejects(at320.detect([{ ...q[0], size: 300 }]), /multiple of 32/);
  } finally {
    await Promise.all([at320.close(), at416.close()]);
  }
});

test('a closed pool refuses work', async () => {
  const modelPath = await ensureOnnxModel('fp32');
  const d = new WorkerPoolDetector({ runtime: 'onnx', modelPath, inputSize: 320, intraOpThreads: 1, inputType: 'float32', scoreThreshold: 0.3 }, 1);
  await d.close();
  await assert.rejects(d.detect([{ rgb: new Uint8Array(12), width: 2, height: 2, region: [0, 0, 1, 1] }]), /closed/);
});
