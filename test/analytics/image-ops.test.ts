import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rgbToGreyDownscaled, motionScaleFor, dilate3 } from '../../src/analytics/image-ops.ts';

/** The reference: BT.601 luma averaged over every pixel of each factor×factor block. */
function greyReference(rgb: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const ow = Math.floor(width / factor), oh = Math.floor(height / factor);
  const out = new Uint8Array(ow * oh);
  for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    let s = 0;
    for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) {
      const i = ((oy * factor + dy) * width + ox * factor + dx) * 3;
      s += 0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2];
    }
    out[oy * ow + ox] = Math.round(s / (factor * factor));
  }
  return out;
}

/** A smooth colour picture (what a camera frame is at the scale of a few pixels) plus a little noise. */
function picture(width: number, height: number, noise = 0): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = noise ? ((seed >>> 16) % (2 * noise + 1)) - noise : 0;
    const i = (y * width + x) * 3;
    rgb[i] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(x / 17) + n));
    rgb[i + 1] = Math.max(0, Math.min(255, 120 + 90 * Math.cos(y / 13) * Math.sin((x + y) / 29) + n));
    rgb[i + 2] = Math.max(0, Math.min(255, 60 + 50 * Math.sin((x - y) / 11) + n));
  }
  return rgb;
}

test('grey downscale by 4 samples 4 of 16 pixels and stays within a few levels of the full block average', () => {
  const W = 640, H = 360;
  // The samples (offsets 1 and 3) sit half a full-size pixel off the block's centre, 4 samples average
  // pixel noise less than 16 do, and the reference rounds where this floors: a level or two apart.
  for (const [noise, meanMax, worstMax] of [[0, 2, 4], [6, 2.5, 10]]) {
    const rgb = picture(W, H, noise);
    const out = new Uint8Array((W / 4) * (H / 4));
    assert.deepEqual(rgbToGreyDownscaled(rgb, W, H, 4, out), { width: 160, height: 90 });
    const ref = greyReference(rgb, W, H, 4);
    let sum = 0, worst = 0;
    for (let i = 0; i < ref.length; i++) { const d = Math.abs(out[i] - ref[i]); sum += d; worst = Math.max(worst, d); }
    assert.ok(sum / ref.length < meanMax, `mean difference ${sum / ref.length} (noise ${noise})`);
    assert.ok(worst <= worstMax, `worst difference ${worst} (noise ${noise})`);
  }
});

test('grey downscale: uniform blocks give their exact luma, for factors 1 to 5', () => {
  for (const f of [1, 2, 3, 4, 5]) {
    const bw = 7, bh = 4, W = bw * f, H = bh * f;
    const rgb = new Uint8Array(W * H * 3);
    const colour = (bx: number, by: number): [number, number, number] => [(bx * 37) % 256, (by * 71 + 20) % 256, ((bx + by) * 53) % 256];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set(colour(Math.floor(x / f), Math.floor(y / f)), (y * W + x) * 3);
    const out = new Uint8Array(bw * bh);
    rgbToGreyDownscaled(rgb, W, H, f, out);
    for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) {
      const [r, g, b] = colour(bx, by);
      assert.equal(out[by * bw + bx], (77 * r + 150 * g + 29 * b) >> 8, `factor ${f} block ${bx},${by}`);
    }
  }
});

test('grey downscale reads only inside its own block (a bright block does not bleed into its neighbours)', () => {
  const W = 16, H = 8, f = 4;
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) rgb.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
  const out = new Uint8Array(8);
  rgbToGreyDownscaled(rgb, W, H, f, out);
  assert.deepEqual([...out], [0, 255, 0, 0, 0, 0, 0, 0]);
});

test('motion scale: a grey frame about 90 px high', () => {
  assert.equal(motionScaleFor(360), 4);
  assert.equal(motionScaleFor(352), 4);
  assert.equal(motionScaleFor(720), 8);
  assert.equal(motionScaleFor(180), 2);
  assert.equal(motionScaleFor(60), 1);
});

test('dilate3 equals the 3×3 neighbourhood maximum', () => {
  const W = 23, H = 11;
  const src = new Uint8Array(W * H);
  for (let i = 0; i < src.length; i++) src[i] = (i * 2654435761) % 97 < 6 ? 1 : 0;
  src[0] = 1; src[W * H - 1] = 1; // corners
  const out = new Uint8Array(W * H);
  dilate3(src, W, H, new Uint8Array(W * H), out);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    let v = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = y + dy, xx = x + dx;
      if (yy >= 0 && yy < H && xx >= 0 && xx < W && src[yy * W + xx]) v = 1;
    }
    assert.equal(out[y * W + x], v, `pixel ${x},${y}`);
  }
});
