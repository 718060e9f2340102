// Issue 13, redaction by default in exports — the pixel test: faces (head bands of the persons
// NanoDet finds) and licence plates (plate windows inside vehicle boxes) are pixelated in the
// re-encoded file. Real footage (OpenCV's vtest.avi: pedestrians; a residential street: cars),
// the real detector, real ffmpeg; the output is decoded and every region the redactor reported is
// checked to be flat blocks, while the same region of the original has detail, and the rest of
// the picture is still the camera's. Plus the plate finder on a synthetic frame.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findPlates, pixelateYuv420, redactVideo, type Region } from '../../src/privacy/index.ts';
import { SHARED_VIDEO_DIR } from '../../src/simulator/index.ts';
import { decodeLuma, detail, worstBlockDeviation } from '../helpers/redaction-pixels.ts';
import { redactionRig } from '../helpers/redaction-rig.ts';

const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
const STREET = path.join(SHARED_VIDEO_DIR, 'residential_tjunction.mp4');
const { tmp, find } = redactionRig('vigil-redact-test-');
before(() => {
  if (!existsSync(VTEST)) throw new Error(`${VTEST} missing: apt-get install opencv-doc`);
});

async function redactAndCheck(input: string, kind: 'face' | 'plate', seconds: number): Promise<{ regions: number; checked: number }> {
  const clip = path.join(tmp, `${kind}-in.mp4`);
  const out = path.join(tmp, `${kind}-out.mp4`);
  // 720p like a camera's main stream, as an export's MP4.
  const enc = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', input, '-t', String(seconds), '-vf', 'scale=1280:720', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-an', clip]);
  assert.equal(enc.status, 0, String(enc.stderr));
  const perFrame: Region[][] = [];
  const s = await redactVideo({
    input: clip, output: out, polygons: [],
    find,
    onFrame: (i, regions) => { perFrame[i] = [...regions]; },
  });
  assert.equal(s.width, 1280);
  const before = decodeLuma(clip, s.width, s.height);
  const after = decodeLuma(out, s.width, s.height);
  assert.equal(after.length, before.length, 'every frame is in the redacted file');
  let regions = 0, checked = 0;
  let detailBefore = 0, detailAfter = 0;
  for (let i = 0; i < after.length; i++) {
    for (const r of perFrame[i] ?? []) {
      if (r.kind !== kind) continue;
      regions++;
      if (r.block < 8 || r.w < 2 * r.block || r.h < 2 * r.block) continue; // too small to measure blocks in
      checked++;
      const dev = worstBlockDeviation(after[i], s.width, s.height, r, perFrame[i]);
      // Small blocks carry more of the encoder's noise relative to their size. A flat block next to a
      // much darker or lighter one rings after x264 (4.1 seen on a 12 px plate block); letters or a
      // face left in vary by tens of grey levels, and the detail check below must hold as well.
      assert.ok(dev <= (r.block < 10 ? 8 : 6), `frame ${i}: a ${kind} block still varies by ${dev.toFixed(1)} grey levels on average inside ${JSON.stringify(r)}`);
      detailBefore += detail(before[i], s.width, s.height, r);
      detailAfter += detail(after[i], s.width, s.height, r);
    }
  }
  assert.ok(checked >= 10, `${kind}: only ${checked} regions large enough to check (of ${regions})`);
  // The pixelated regions lost their detail; a test that could not fail would show no difference.
  assert.ok(detailAfter < detailBefore * 0.5, `${kind}: detail ${detailAfter.toFixed(0)} after vs ${detailBefore.toFixed(0)} before`);
  // Outside the regions the picture is the camera's: frame 0's lower left quarter, far from any region, is close to the original.
  const far = { x: 0, y: 0, w: 1280, h: 720 };
  const diffs: number[] = [];
  for (let i = 0; i < after.length; i += 10) {
    const rs = perFrame[i] ?? [];
    let sum = 0, n = 0;
    for (let y = far.y; y < far.h; y += 4) for (let x = far.x; x < far.w; x += 4) {
      if (rs.some((r) => x >= r.x - 16 && x < r.x + r.w + 16 && y >= r.y - 16 && y < r.y + r.h + 16)) continue;
      sum += Math.abs(after[i][y * 1280 + x] - before[i][y * 1280 + x]); n++;
    }
    diffs.push(sum / n);
  }
  assert.ok(Math.max(...diffs) < 6, `outside the regions the picture changed by ${Math.max(...diffs).toFixed(1)} grey levels on average`);
  return { regions, checked };
}

test('faces: the head band of every pedestrian is pixelated in the exported file (vtest.avi, 720p)', async () => {
  const r = await redactAndCheck(VTEST, 'face', 8);
  assert.ok(r.regions >= 100, `pedestrians found: ${r.regions} face regions in 8 s`);
});

// The street clip is shared footage, not the project's: without it this test is reported as skipped, saying why.
test('licence plates: plate windows inside the vehicles are pixelated in the exported file (residential street, 720p)', { skip: existsSync(STREET) ? false : `${STREET} missing (shared footage; VIGIL_SHARED_VIDEO names its folder)` }, async () => {
  const r = await redactAndCheck(STREET, 'plate', 10);
  assert.ok(r.regions >= 20, `vehicles found: ${r.regions} plate regions in 10 s`);
});

test('the plate finder finds a high-contrast plate low in a vehicle box, and pixelation leaves flat blocks', () => {
  const W = 320, H = 240;
  const frame = new Uint8Array(W * H * 3 / 2).fill(128);
  const luma = frame.subarray(0, W * H);
  // A vehicle box 40..200 × 60..180, a grille of weak vertical lines high up, a plate of strong strokes at 100..150 × 150..166.
  for (let y = 60; y < 180; y++) for (let x = 40; x < 200; x++) luma[y * W + x] = 90;
  for (let y = 110; y < 130; y++) for (let x = 60; x < 180; x += 6) luma[y * W + x] = 110;
  for (let y = 150; y < 166; y++) for (let x = 100; x < 150; x++) luma[y * W + x] = (x >> 1) % 2 ? 20 : 235;
  const plates = findPlates(luma, W, W, H, { x: 40, y: 60, w: 160, h: 120 });
  assert.ok(plates.length >= 1);
  const p = plates[0];
  assert.ok(p.x <= 104 && p.x + p.w >= 146 && p.y <= 152 && p.y + p.h >= 164, `plate window ${JSON.stringify(p)} covers the plate`);
  pixelateYuv420(frame, W, H, p, 8);
  let lo = 255, hi = 0;
  for (let y = 152; y < 160; y++) for (let x = 104; x < 112; x++) { lo = Math.min(lo, luma[y * W + x]); hi = Math.max(hi, luma[y * W + x]); }
  assert.ok(hi - lo <= 1 || p.x % 8 !== 104 % 8, 'inside one block every pixel is the same');
  // A small vehicle (too small to read a plate) is covered in its whole lower part.
  const small = findPlates(luma, W, W, H, { x: 10, y: 10, w: 30, h: 20 });
  assert.deepEqual(small, [{ x: 10, y: 17, w: 30, h: 13 }]);
});
