import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TamperDetector } from '../../src/analytics/rules/tamper.ts';
import { scene, drawSquare } from './synthetic.ts';

const W = 160, H = 90;

/** Feeds `n` frames from `make(i)`; returns the tamper reasons that fired. */
function feed(d: TamperDetector, n: number, make: (i: number) => Uint8Array, t0: number, globalChangeFirst = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    // what the motion detector reports: a relearn on the first frame of a sudden global change
    const motion = { changedFraction: i === 0 && globalChangeFirst ? 0.8 : 0, relearnt: i === 0 && globalChangeFirst };
    for (const e of d.update(make(i), t0 + i * 0.2, motion)) out.push(String(e.detail?.reason));
  }
  return out;
}

function blur(g: Uint8Array, passes: number): Uint8Array {
  let cur = g;
  for (let p = 0; p < passes; p++) {
    const out = new Uint8Array(cur.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      let s = 0, n = 0;
      for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
        const yy = y + dy, xx = x + dx;
        if (yy >= 0 && yy < H && xx >= 0 && xx < W) { s += cur[yy * W + xx]; n++; }
      }
      out[y * W + x] = Math.round(s / n);
    }
    cur = out;
  }
  return cur;
}

test('a normal scene with a moving object raises nothing', () => {
  const d = new TamperDetector(W, H);
  const fired = feed(d, 60, (i) => { const g = scene(W, H); drawSquare(g, W, 10 + i * 2, 30, 15, 240); return g; }, 0);
  assert.deepEqual(fired, []);
});

test('covered (uniform dark), blinded (white) — each fires once after the hold, again only after clearing', () => {
  const d = new TamperDetector(W, H, { holdFrames: 5 });
  feed(d, 20, () => scene(W, H), 0);
  assert.deepEqual(feed(d, 4, () => new Uint8Array(W * H).fill(8), 4), [], 'not before the hold');
  assert.deepEqual(feed(d, 10, () => new Uint8Array(W * H).fill(8), 5), ['covered']);
  // a lens covered by something bright-ish but featureless is covered too (uniform)
  feed(d, 10, () => scene(W, H), 8);
  assert.deepEqual(feed(d, 10, () => new Uint8Array(W * H).fill(120), 10), ['covered']);
  feed(d, 10, () => scene(W, H), 12);
  assert.deepEqual(feed(d, 10, () => new Uint8Array(W * H).fill(250), 14), ['blinded']);
});

test('defocused: edge energy far below the learnt level', () => {
  const d = new TamperDetector(W, H);
  feed(d, 20, () => scene(W, H), 0);
  const soft = blur(scene(W, H), 4);
  assert.deepEqual(feed(d, 10, () => soft, 4), ['defocused']);
});

test('moved: the layout of the picture changes; a global lighting change does not count as moved', () => {
  const d = new TamperDetector(W, H);
  feed(d, 20, () => scene(W, H), 0);
  assert.deepEqual(feed(d, 15, () => scene(W, H, 50), 4, true), [], 'brighter light, same scene');
  assert.deepEqual(feed(d, 15, () => scene(W, H, -40), 7, true), [], 'darker light, same scene');
  const other = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) other[y * W + x] = 110 + 60 * Math.sin((x * 0.7 + y * 1.3) / 4) * Math.cos(y / 3);
  assert.deepEqual(feed(d, 10, () => other, 10, true), ['moved']);
  // the new view is learnt as normal rather than alarming forever
  assert.deepEqual(feed(d, 20, () => other, 12), []);
});

test('a big object filling a featureless view is not "moved" (no global change), nor does traffic teach a false edge level', () => {
  const d = new TamperDetector(W, H);
  const asphalt = () => { const g = new Uint8Array(W * H); for (let i = 0; i < g.length; i++) g[i] = 90 + Math.floor((i % W) / 8) + (i * 7919 % 23); return g; };
  feed(d, 20, asphalt, 0);
  const withCar = () => { const g = asphalt(); drawSquare(g, W, 40, 10, 60, 230); drawSquare(g, W, 55, 25, 30, 30); return g; };
  const fired: string[] = [];
  for (let i = 0; i < 20; i++) for (const e of d.update(withCar(), 4 + i * 0.2, { changedFraction: 0.3, relearnt: false })) fired.push(String(e.detail?.reason));
  assert.deepEqual(fired, []);
  assert.deepEqual(feed(d, 20, asphalt, 8), [], 'the empty view after the car is not defocused');
});
