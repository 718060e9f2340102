// The traffic analyser as a live camera's rule: findings become rule events (speed, uncertainty,
// limit, positions with boxes); vehicles leaving are counted per minute, lane and class with their
// speeds, and forgotten by the analyser (a camera runs for months); a bad spec is refused when
// prepared, before anything runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitHomography, prepareTrafficRule, TrafficError, type Calibration } from '../../src/traffic/index.ts';
import type { Track } from '../../src/analytics/index.ts';

// seen straight down: the image is 40 m (x) by 20 m (y) of ground
const cal: Calibration = fitHomography([[0, 0, 0, 0], [1, 0, 40, 0], [1, 1, 40, 20], [0, 1, 0, 20]].map(([u, v, x, y]) => ({ image: [u, v], ground: [x, y] })));
const LANE = { name: 'east', polygon: [[0, 0.3], [1, 0.3], [1, 0.7], [0, 0.7]] as [number, number][], direction: [[0.1, 0.5], [0.9, 0.5]] as [[number, number], [number, number]] };

function car(id: number, x: number, t: number): Track {
  const box: [number, number, number, number] = [x - 0.05, 0.4, x + 0.05, 0.5];
  return { id, cls: 'car', score: 0.9, box, state: 'confirmed', hits: 10, misses: 0, firstSeen: 0, lastSeen: t, firstBox: box };
}

test('a speeding car: one rule event with speed ± uncertainty, limit and positions; counted per minute when it leaves', () => {
  let clock = Date.UTC(2026, 11, 2, 10, 0, 30);
  const rule = prepareTrafficRule({ lanes: [LANE], speed: [{ lane: 'east', limitKmh: 50, toleranceKmh: 5 }] }, cal, () => clock)();
  const events = [];
  // 20 m/s = 72 km/h, left to right across 40 m, at 10 fps
  for (let i = 0; i <= 15; i++) events.push(...rule.update([car(7, 0.1 + (20 / 40) * (i / 10), i / 10)], i / 10));
  const speeding = events.filter((e) => e.kind === 'speeding');
  assert.equal(speeding.length, 1);
  const e = speeding[0];
  assert.equal(e.rule, 'east');
  assert.ok(Math.abs((e.detail!.speedKmh as number) - 72) < 2, `${e.detail!.speedKmh}`);
  assert.ok((e.detail!.speedErrKmh as number) > 0);
  assert.equal(e.detail!.limitKmh, 50);
  assert.ok(e.positions!.length >= 10 && e.positions!.every((p) => p.box && p.ground));
  assert.equal(rule.snapshot().minutes.length, 0, 'not counted while in view');
  // gone for more than 3 s: counted in its minute, with its speed's bin
  clock += 5000;
  rule.update([], 5);
  const snap = rule.snapshot();
  assert.deepEqual(snap.minutes.map((m) => [m.minuteMs, m.lane, m.cls, m.n]), [[Date.UTC(2026, 11, 2, 10, 0), 'east', 'car', 1]]);
  assert.equal(snap.minutes[0].speedBins[7], 1, '72 km/h is in the 70–80 bin');
  assert.equal(snap.lanes[0].counts.car, 1);
  assert.equal(rule.analyser.summaries().length, 0, 'the analyser keeps no finished track');
});

test('a bad spec is refused when prepared', () => {
  assert.throws(() => prepareTrafficRule({ lanes: [LANE], speed: [{ lane: 'east', limitKmh: 50 }] }, null), (e: unknown) => e instanceof TrafficError && e.code === 'NOT_CALIBRATED');
  assert.throws(() => prepareTrafficRule({ lanes: [LANE], speed: [{ lane: 'west', limitKmh: 50 }] }, cal), /no lane named "west"/);
});
