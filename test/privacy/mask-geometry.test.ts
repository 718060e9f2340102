import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePolygon, rasterizeMask, maskBounds, coverImage, maskPng, decodePngRgb, PrivacyError } from '../../src/privacy/index.ts';
import { encodePng } from '../../src/media/index.ts';

test('polygons outside the frame, crossing themselves, without area or points are refused naming the field', () => {
  const bad: [unknown, RegExp][] = [
    [[[0, 0], [1.01, 0], [0.5, 0.5]], /polygon\/1: point .* outside the frame/],
    [[[0, 0], [1, 0], [0.5, -0.1]], /polygon\/2/],
    [[[0.1, 0.1], [0.5, 0.5], [0.5, 0.1], [0.1, 0.5]], /crosses itself/],
    [[[0, 0], [1, 1], [0.5, 0.5]], /crosses itself|no area/],
    [[[0, 0], [1, 0]], /3 to 64 points/],
    [[[0, 0], [1, 0], ['a', 1]], /polygon\/2: expected \[x, y\]/],
    ['nope', /expected an array/],
  ];
  for (const [p, re] of bad) {
    assert.throws(() => validatePolygon(p), (e: unknown) => e instanceof PrivacyError && e.code === 'BAD_REQUEST' && re.test(e.message), JSON.stringify(p));
  }
  assert.deepEqual(validatePolygon([[0, 0], [1, 0], [1, 1], [0, 1]]), [[0, 0], [1, 0], [1, 1], [0, 1]]);
  // A concave polygon is a fine mask.
  validatePolygon([[0.1, 0.1], [0.9, 0.1], [0.5, 0.4], [0.9, 0.9], [0.1, 0.9]]);
});

test('the raster covers every pixel any part of the polygon touches, and nothing far outside', () => {
  const W = 64, H = 36;
  const tri = [[0.1, 0.1], [0.6, 0.2], [0.3, 0.9]] as [number, number][];
  const m = rasterizeMask([tri], W, H);
  // Sample points inside the triangle (barycentric) must fall on covered pixels.
  for (let i = 0; i < 2000; i++) {
    let a = Math.random(), b = Math.random();
    if (a + b > 1) { a = 1 - a; b = 1 - b; }
    const x = tri[0][0] + a * (tri[1][0] - tri[0][0]) + b * (tri[2][0] - tri[0][0]);
    const y = tri[0][1] + a * (tri[1][1] - tri[0][1]) + b * (tri[2][1] - tri[0][1]);
    assert.equal(m[Math.floor(y * H) * W + Math.floor(x * W)], 255, `(${x}, ${y}) uncovered`);
  }
  assert.equal(m[Math.floor(0.95 * H) * W + Math.floor(0.95 * W)], 0);
  assert.deepEqual(maskBounds([tri], W, H), { x: 6, y: 2, w: 34, h: 32 });
  const cover = coverImage([tri], W, H)!;
  assert.match(cover.pam.subarray(0, 80).toString('latin1'), /^P7\nWIDTH 34\nHEIGHT 32\nDEPTH 4/);
});

test('a snapshot PNG gets the masked pixels painted black, the rest kept', () => {
  const W = 32, H = 16;
  const rgb = new Uint8Array(W * H * 3).fill(200);
  const png = encodePng(rgb, W, H);
  const out = decodePngRgb(maskPng(png, [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]]));
  assert.equal(out.rgb[0], 0);
  assert.equal(out.rgb[(W - 1) * 3], 200);
  assert.equal(maskPng(png, []), png, 'no masks: the same bytes');
  assert.throws(() => maskPng(Buffer.from('not a png at all, not at all, no'), [[[0, 0], [1, 0], [1, 1]]]), /not a PNG/);
});
