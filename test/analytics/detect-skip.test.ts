import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDetection, coveredFraction, segmentMeetsBox, type PlanInput, type Plan } from '../../src/analytics/detect-skip.ts';
import { CameraPipeline } from '../../src/analytics/pipeline.ts';
import type { Box, Point } from '../../src/analytics/geometry.ts';
import type { Track } from '../../src/analytics/tracker.ts';
import type { Detection, Detector, DetectorInput } from '../../src/analytics/detector-types.ts';

function tr(box: Box, o: Partial<Track> = {}): Track {
  return { id: o.id ?? 1, cls: 'car', score: o.score ?? 0.6, box, state: o.state ?? 'confirmed', hits: o.hits ?? 6, misses: o.misses ?? 0, firstSeen: 0, lastSeen: 1 };
}

const shift = (b: Box, dx: number, dy = 0): Box => [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy];

/** Tracks moving right by 0.02 a frame; crops are the boxes themselves. */
function input(tracks: Track[], motion: Box[], o: Partial<PlanInput> = {}): PlanInput {
  return { motion, tracks, predict: (t) => ({ now: shift(t.box, 0.02), next: shift(t.box, 0.04) }), carriedInARow: () => 0, guards: [], cropsFor: (b) => b, ...o };
}

const car: Box = [0.2, 0.2, 0.3, 0.3];
const ids = (p: Plan) => p.carried.map((c) => c.track.id);

test('a confident track whose motion is all on it is carried; the detector rests', () => {
  const p = planDetection(input([tr(car)], [shift(car, 0.02)]));
  assert.deepEqual(p.crops, []);
  assert.deepEqual(p.carried.map((c) => c.predicted), [shift(car, 0.02)]);
});

test('never two frames in a row by default; maxSkip 0 turns carrying off', () => {
  assert.deepEqual(ids(planDetection(input([tr(car)], [shift(car, 0.02)], { carriedInARow: () => 1 }))), []);
  assert.deepEqual(ids(planDetection(input([tr(car)], [shift(car, 0.02)], { carriedInARow: () => 1 }), { maxSkip: 2 })), [1]);
  assert.deepEqual(ids(planDetection(input([tr(car)], [shift(car, 0.02)]), { maxSkip: 0 })), []);
});

test('motion away from every track goes to the detector at once; tracks far from it are still carried', () => {
  const p = planDetection(input([tr(car)], [shift(car, 0.02), [0.7, 0.7, 0.75, 0.8]]));
  assert.deepEqual(p.crops, [[0.7, 0.7, 0.75, 0.8]]);
  assert.deepEqual(ids(p), [1]);
  // a track meeting a crop is looked at whole instead
  const q = planDetection(input([tr(car)], [shift(car, 0.02), [0.33, 0.2, 0.4, 0.3]]));
  assert.deepEqual(ids(q), []);
  assert.equal(q.crops.length, 3);
});

test('tentative, lost, young or unpredictable tracks are not carried', () => {
  const m = [shift(car, 0.02)];
  assert.deepEqual(ids(planDetection(input([tr(car, { hits: 2 })], m))), []);
  assert.deepEqual(ids(planDetection(input([tr(car, { state: 'lost', misses: 1 })], m))), []);
  assert.deepEqual(ids(planDetection(input([tr(car)], m, { predict: () => null }))), []);
  assert.deepEqual(ids(planDetection(input([tr(car, { score: 0.32 })], m), { minScore: 0.35 })), []);
  // a weak detection (partly hidden, far) does not stop a confirmed track from being carried by default
  assert.deepEqual(ids(planDetection(input([tr(car, { score: 0.2 })], m))), [1]);
});

test('a track moving towards a counting line or zone edge is always detected', () => {
  const m = [shift(car, 0.02)];
  const line: [Point, Point] = [[0.3, 0], [0.3, 1]];
  assert.deepEqual(ids(planDetection(input([tr(car)], m, { guards: [line] }))), []);
  assert.deepEqual(ids(planDetection(input([tr(car)], m, { guards: [[[0.8, 0], [0.8, 1]]] }))), [1]);
  assert.deepEqual(ids(planDetection(input([tr(car)], m, { guards: [[[0, 0.34], [1, 0.34]]] }))), []);
});

test('coverage and segment helpers', () => {
  assert.equal(coveredFraction([0, 0, 1, 1], [[0, 0, 0.5, 1]]), 0.5);
  assert.equal(coveredFraction([0, 0, 1, 1], [[0, 0, 0.5, 1], [0.5, 0, 1, 1]]), 1);
  assert.equal(coveredFraction([0, 0, 1, 1], []), 0);
  assert.equal(segmentMeetsBox([0, 0.5], [1, 0.5], [0.4, 0.4, 0.6, 0.6]), true);
  assert.equal(segmentMeetsBox([0, 0.1], [1, 0.1], [0.4, 0.4, 0.6, 0.6]), false);
  assert.equal(segmentMeetsBox([0.5, 0.5], [0.55, 0.55], [0.4, 0.4, 0.6, 0.6]), true);
});

/**
 * A detector that sees one car driving right at constant speed: it reports the car's box when the
 * car lies inside a crop. Counts its calls.
 */
class OneCar implements Detector {
  readonly inputSize = 64;
  calls = 0;
  box: Box = [0, 0, 0, 0];
  async detect(batch: DetectorInput[]): Promise<Detection[][]> {
    this.calls++;
    return batch.map((c) => {
      const [x1, y1, x2, y2] = c.region;
      const b = this.box;
      const inside = (b[0] + b[2]) / 2 >= x1 && (b[0] + b[2]) / 2 <= x2 && (b[1] + b[3]) / 2 >= y1 && (b[1] + b[3]) / 2 <= y2;
      return inside ? [{ cls: 'car', score: 0.8, box: b.slice() as Box }] : [];
    });
  }
  async close(): Promise<void> {}
}

/** A grey-ish frame with a bright square where the car is. */
function frameWith(b: Box, W: number, H: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3).fill(90);
  for (let y = Math.floor(b[1] * H); y < Math.ceil(b[3] * H); y++) for (let x = Math.floor(b[0] * W); x < Math.ceil(b[2] * W); x++) rgb.fill(150, (y * W + x) * 3, (y * W + x) * 3 + 3);
  return rgb;
}

test('pipeline: a car driving steadily is detected on about every other frame, counted once on a real detection', async () => {
  const W = 320, H = 180;
  const run = async (detectorSkip: false | undefined) => {
    const det = new OneCar();
    // the line is crossed near the middle of the drive
    const p = new CameraPipeline(det, { width: W, height: H, lines: [{ name: 'L', p1: [0.5, 0], p2: [0.5, 1] }], tamper: false, detectorSkip });
    let skipped = 0;
    const crossings: { t: number; skipped: boolean }[] = [];
    for (let i = 0; i < 40; i++) {
      det.box = [0.05 + i * 0.02, 0.4, 0.15 + i * 0.02, 0.55];
      const a = await p.process({ index: i, t: i * 0.2, rgb: frameWith(det.box, W, H) });
      if (a.regions.length === 0 && a.carried > 0) skipped++;
      for (const e of a.events) if (e.kind === 'line_crossing') crossings.push({ t: e.t, skipped: a.carried > 0 });
    }
    return { calls: det.calls, skipped, crossings, counts: p.lineCounts().L };
  };
  const every = await run(false);
  const some = await run(undefined);
  assert.equal(every.skipped, 0);
  assert.deepEqual(every.counts.negative, { car: 1 });
  assert.deepEqual(some.counts, every.counts, 'same count');
  assert.equal(some.crossings.length, 1);
  assert.equal(some.crossings[0].skipped, false, 'the crossing frame ran the detector');
  assert.ok(Math.abs(some.crossings[0].t - every.crossings[0].t) <= 0.2 + 1e-9, `crossing at ${some.crossings[0].t} vs ${every.crossings[0].t}`);
  assert.ok(some.skipped >= 6, `skipped ${some.skipped} of 40 frames`);
  assert.ok(some.calls <= every.calls - 6, `detector calls ${some.calls} vs ${every.calls}`);
});
