import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaceMeter } from '../../../src/analytics/index.ts';

/** Feed `seconds` of a stream at `streamFps`, analysing every `every`-th picture. */
function run(m: PaceMeter, t0: number, seconds: number, streamFps: number, every: number): number {
  let t = t0;
  for (let i = 0; i < seconds * streamFps; i++) {
    t = t0 + (i * 1000) / streamFps;
    m.input(t, t / 1000);
    if (i % every === 0) m.analysed(t);
  }
  return t;
}

test('keeping up at the target rate is not behind; analysing half of it is', () => {
  const ok = new PaceMeter(5, 0);
  const t = run(ok, 0, 12, 5, 1);
  assert.deepEqual(ok.pace(t), { analysedFps: 5, expectedFps: 5, behind: false });
  const slow = new PaceMeter(5, 0);
  const t2 = run(slow, 0, 12, 5, 2);
  const p = slow.pace(t2);
  assert.equal(p.behind, true);
  assert.ok(p.analysedFps > 2.4 && p.analysedFps < 2.7, String(p.analysedFps));
});

test('a stream slower than the target sets what is expected', () => {
  const m = new PaceMeter(5, 0);
  const t = run(m, 0, 12, 3, 1);
  const p = m.pace(t);
  assert.equal(p.expectedFps, 3);
  assert.equal(p.behind, false);
});

test('a 25 fps main stream analysed at 5 fps is on target', () => {
  const m = new PaceMeter(5, 0);
  const t = run(m, 0, 12, 25, 5);
  assert.deepEqual(m.pace(t), { analysedFps: 5, expectedFps: 5, behind: false });
});

test('no verdict before a full window, nor when video stops coming', () => {
  const m = new PaceMeter(5, 0);
  const t = run(m, 0, 5, 5, 3);
  assert.equal(m.pace(t).behind, false, 'only 5 s seen');
  const t2 = run(m, 5000, 8, 5, 3);
  assert.equal(m.pace(t2).behind, true);
  assert.equal(m.pace(t2 + 5000).behind, false, 'nothing arrived for 5 s: the camera is quiet or down, not the analysis');
});

test('the camera\'s own flow decides, when known: pictures skipped before reaching the analyser count against it', () => {
  const m = new PaceMeter(5, 0);
  // Only one picture in three reached the analyser (the rest skipped upstream), then none for 3 s.
  let t = 0;
  for (let i = 0; i < 40; i++) {
    t = i * 200;
    if (i % 3 === 0) {
      m.input(t, t / 1000);
      m.analysed(t);
    }
  }
  assert.equal(m.pace(t + 3000).behind, false, 'judged by its input alone: looks like a quiet camera');
  assert.equal(m.pace(t + 3000, true).behind, true, 'the camera is sending: the analysis is behind');
  assert.equal(m.pace(t + 3000, false).behind, false);
});
