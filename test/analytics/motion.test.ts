import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MotionDetector } from '../../src/analytics/motion.ts';
import { motionCrops, frameTiles } from '../../src/analytics/regions.ts';
import { scene, drawSquare } from './synthetic.ts';

const W = 160, H = 90;

test('a moving square is found where it is, and nowhere else', () => {
  const m = new MotionDetector(W, H);
  assert.equal(m.detect(scene(W, H)).relearnt, true); // first frame: learn
  for (let x = 20; x <= 100; x += 10) {
    const f = scene(W, H);
    drawSquare(f, W, x, 40, 12, 250);
    const r = m.detect(f);
    assert.equal(r.relearnt, false);
    assert.equal(r.boxes.length, 1, `frame with square at x=${x}: ${JSON.stringify(r.boxes)}`);
    const [x1, y1, x2, y2] = r.boxes[0];
    // the box contains the square (dilation makes it a little larger) and not much more
    assert.ok(x1 <= x / W && x2 >= (x + 12) / W, `x range ${x1}..${x2} vs square ${x / W}..${(x + 12) / W}`);
    assert.ok(y1 <= 40 / H && y2 >= 52 / H);
    assert.ok(x2 - x1 < 24 / W && y2 - y1 < 24 / H, `box too big: ${JSON.stringify(r.boxes[0])}`);
  }
});

test('a still scene has no motion', () => {
  const m = new MotionDetector(W, H);
  for (let i = 0; i < 5; i++) assert.deepEqual(m.detect(scene(W, H)).boxes, []);
});

test('a sudden global brightness jump is lighting, not motion: background relearnt', () => {
  const m = new MotionDetector(W, H);
  m.detect(scene(W, H));
  m.detect(scene(W, H));
  const jump = m.detect(scene(W, H, 60));
  assert.equal(jump.relearnt, true);
  assert.deepEqual(jump.boxes, []);
  assert.ok(jump.changedFraction > 0.5);
  // after relearning, the brighter scene is the background: still no motion
  const after = m.detect(scene(W, H, 60));
  assert.deepEqual(after.boxes, []);
  // and a square moving in the new light is found again
  const f = scene(W, H, 60);
  drawSquare(f, W, 50, 30, 12, 0);
  assert.equal(m.detect(f).boxes.length, 1);
});

test('motion inside an ignore mask and blobs under the minimum area are dropped', () => {
  const m = new MotionDetector(W, H, { ignore: [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]], minArea: 0.005 });
  m.detect(scene(W, H));
  const f = scene(W, H);
  drawSquare(f, W, 10, 10, 14, 250); // in the masked left half
  drawSquare(f, W, 120, 60, 2, 250); // right half but tiny (4 px, < 0.5 % of 14400 px after dilation)
  drawSquare(f, W, 100, 20, 12, 250); // right half, big enough
  const r = m.detect(f);
  assert.equal(r.boxes.length, 1, JSON.stringify(r.boxes));
  assert.ok(r.boxes[0][0] > 0.5);
});

test('a ghost (object present when the background was learnt) fades instead of staying motion forever', () => {
  const m = new MotionDetector(W, H, { stuckFrames: 5 });
  const withObject = scene(W, H);
  drawSquare(withObject, W, 60, 30, 14, 250);
  m.detect(withObject);
  let last = -1;
  for (let i = 0; i < 20; i++) last = m.detect(scene(W, H)).boxes.length;
  assert.equal(last, 0);
});

test('motion boxes become detector crops: near boxes share one crop, most of the frame means square tiles (or the full frame with tiles off)', () => {
  const crops = motionCrops([[0.1, 0.1, 0.15, 0.2], [0.2, 0.15, 0.25, 0.25], [0.8, 0.7, 0.85, 0.8]], 640, 360, { cropSize: 160 });
  assert.equal(crops.length, 2, JSON.stringify(crops));
  for (const c of crops) {
    assert.equal(c.w, 160);
    assert.equal(c.h, 160);
    assert.ok(c.x >= 0 && c.y >= 0 && c.x + c.w <= 640 && c.y + c.h <= 360);
  }
  const first = crops.find((c) => c.x < 320)!;
  assert.ok(first.x <= 0.1 * 640 && first.x + first.w >= 0.25 * 640, 'both left boxes inside one crop');
  const full = motionCrops([[0.05, 0.05, 0.3, 0.9], [0.35, 0.05, 0.65, 0.9], [0.7, 0.05, 0.95, 0.9]], 640, 360, { cropSize: 320 });
  // a 16:9 frame is two overlapping squares as tall as the frame, not one squeezed input
  assert.deepEqual(full, [{ x: 0, y: 0, w: 360, h: 360 }, { x: 280, y: 0, w: 360, h: 360 }]);
  assert.deepEqual(motionCrops([[0.05, 0.05, 0.3, 0.9], [0.35, 0.05, 0.65, 0.9], [0.7, 0.05, 0.95, 0.9]], 640, 360, { cropSize: 320, tiles: false }), [{ x: 0, y: 0, w: 640, h: 360 }]);
  // a frame no larger than the input loses nothing squeezed: one input
  assert.deepEqual(motionCrops([[0.05, 0.05, 0.95, 0.9]], 320, 240, { cropSize: 320 }), [{ x: 0, y: 0, w: 320, h: 240 }]);
  // tiles with nothing moving in them are not sent
  const left = motionCrops([[0.0, 0.0, 0.35, 1]], 640, 360, { cropSize: 400 });
  assert.deepEqual(left, [{ x: 0, y: 0, w: 360, h: 360 }]);
  assert.deepEqual(motionCrops([], 640, 360, { cropSize: 320 }), []);
});

test('frame tiles: squares covering the frame with at least the asked overlap, in rows', () => {
  for (const [W, H, rows] of [[640, 360, 1], [640, 360, 2], [640, 480, 1], [1920, 1080, 2], [360, 640, 1], [320, 320, 1]] as const) {
    const tiles = frameTiles(W, H, { rows, overlap: 0.2 });
    const side = tiles[0].w;
    for (const t of tiles) {
      assert.equal(t.w, t.h, 'square');
      assert.equal(t.w, side);
      assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.w <= W && t.y + t.h <= H, `${W}x${H}: ${JSON.stringify(t)} inside the frame`);
    }
    // every pixel column and row is covered, neighbours overlap by >= 20 % of the side
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    const ys = [...new Set(tiles.map((t) => t.y))].sort((a, b) => a - b);
    assert.equal(xs[0], 0); assert.equal(xs.at(-1)! + side, W);
    assert.equal(ys[0], 0); assert.equal(ys.at(-1)! + side, H);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i - 1] + side - xs[i] >= 0.2 * side - 1, `${W}x${H} columns overlap`);
    for (let i = 1; i < ys.length; i++) assert.ok(ys[i - 1] + side - ys[i] >= 0.2 * side - 1, `${W}x${H} rows overlap`);
    assert.equal(ys.length, Math.min(W, H) === H ? rows : ys.length);
  }
  assert.equal(frameTiles(640, 360, { rows: 1 }).length, 2);
  assert.equal(frameTiles(640, 360, { rows: 2 }).length, 2 * 4);
});
