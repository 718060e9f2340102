import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTracker } from '../../src/analytics/tracker.ts';
import type { Detection } from '../../src/analytics/detector-types.ts';
import type { Box } from '../../src/analytics/geometry.ts';

const det = (box: Box, score = 0.9, cls: Detection['cls'] = 'person'): Detection => ({ cls, score, box });
const at = (cx: number, cy: number, w = 0.06, h = 0.16): Box => [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];

test('two objects crossing each other keep their ids', () => {
  const tr = new ByteTracker();
  let startIds: Map<number, number> | null = null;
  let endIds: Map<number, number> = new Map();
  for (let f = 0; f <= 20; f++) {
    const a = 0.2 + f * 0.03; // left → right
    const b = 0.8 - f * 0.03; // right → left, same row: the boxes overlap around f = 10
    const tracks = tr.update([det(at(a, 0.5)), det(at(b, 0.52))], f * 0.2);
    // id → x centre
    const m = new Map(tracks.map((t) => [t.id, (t.box[0] + t.box[2]) / 2]));
    if (f === 1) startIds = m;
    endIds = m;
  }
  assert.equal(startIds!.size, 2);
  assert.equal(endIds.size, 2);
  for (const [id, x0] of startIds!) {
    const x1 = endIds.get(id);
    assert.ok(x1 !== undefined, `track ${id} lost its id`);
    // the one that started left must end right and vice versa: no id swap at the crossing
    assert.ok(x0 < 0.5 ? x1 > 0.7 : x1 < 0.3, `track ${id}: ${x0.toFixed(2)} → ${x1.toFixed(2)}`);
  }
});

test('a missed frame (or two) keeps the track and its id; the filter predicts through the gap', () => {
  const tr = new ByteTracker();
  let id: number | null = null;
  for (let f = 0; f < 15; f++) {
    const cx = 0.1 + f * 0.04;
    const dets = f === 7 || f === 8 ? [] : [det(at(cx, 0.5))];
    const tracks = tr.update(dets, f * 0.2);
    if (f === 7 || f === 8) {
      assert.equal(tracks.length, 0);
      const lost = tr.all();
      assert.equal(lost.length, 1);
      assert.equal(lost[0].state, 'lost');
      continue;
    }
    if (f >= 1) {
      assert.equal(tracks.length, 1, `frame ${f}`);
      id ??= tracks[0].id;
      assert.equal(tracks[0].id, id, `frame ${f}: id changed`);
    }
  }
});

test('tracks need two hits to be confirmed, die after maxMissed, and ids are never reused', () => {
  const tr = new ByteTracker({ maxMissed: 3 });
  assert.deepEqual(tr.update([det(at(0.5, 0.5))], 0), []); // tentative
  const [t1] = tr.update([det(at(0.5, 0.5))], 0.2);
  assert.equal(t1.state, 'confirmed');
  for (let f = 0; f < 4; f++) tr.update([], 0.4 + f * 0.2);
  assert.equal(tr.all().length, 0);
  tr.update([det(at(0.5, 0.5))], 2);
  const [t2] = tr.update([det(at(0.5, 0.5))], 2.2);
  assert.notEqual(t2.id, t1.id);
});

test('low-score detections extend an existing track but never start one (ByteTrack second pass)', () => {
  const tr = new ByteTracker();
  tr.update([det(at(0.3, 0.5))], 0);
  const [a] = tr.update([det(at(0.32, 0.5))], 0.2);
  const occluded = tr.update([det(at(0.34, 0.5), 0.2)], 0.4); // partly hidden: low score
  assert.equal(occluded.length, 1);
  assert.equal(occluded[0].id, a.id);
  // a low-score detection far from any track is not a new object
  tr.update([det(at(0.9, 0.2), 0.3)], 0.6);
  tr.update([det(at(0.9, 0.2), 0.3)], 0.8);
  assert.ok(tr.all().every((t) => t.id === a.id));
});

test('at a low frame rate a fast object whose boxes no longer overlap keeps its id (distance pass)', () => {
  const tr = new ByteTracker();
  const ids = new Set<number>();
  for (let f = 0; f < 8; f++) for (const t of tr.update([det(at(0.1 + f * 0.1, 0.5, 0.06, 0.06), 0.9, 'car')], f * 0.2)) ids.add(t.id);
  assert.equal(ids.size, 1);
  const pure = new ByteTracker({ distanceGate: 0 });
  const pureIds = new Set<number>();
  for (let f = 0; f < 8; f++) for (const t of pure.update([det(at(0.1 + f * 0.1, 0.5, 0.06, 0.06), 0.9, 'car')], f * 0.2)) pureIds.add(t.id);
  assert.equal(pureIds.size, 0, 'without the distance pass the track never gets its second hit');
});

test('a weak box of a fast, growing car that no longer overlaps its prediction enough still continues its track; a lost track needs a clear one', () => {
  const thresholds = { lowScore: 0.15, highScore: 0.3, newTrackScore: 0.35 };
  // a car coming towards the camera at 5 fps: each frame its box moves down and grows
  const car = (f: number): Box => { const s = 0.06 * 1.3 ** f; const cy = 0.2 + 0.02 * 1.6 ** f * f; return [0.5 - s / 2, cy - s / 2, 0.5 + s / 2, cy + s / 2]; };
  const tr = new ByteTracker(thresholds);
  tr.update([det(car(0), 0.5, 'car')], 0);
  const [a] = tr.update([det(car(1), 0.5, 'car')], 0.2);
  tr.update([det(car(2), 0.5, 'car')], 0.4);
  // the next box scores 0.25 (low) and overlaps the prediction by less than pass 2 asks
  const weak = tr.update([det(car(3), 0.25, 'car')], 0.6);
  assert.deepEqual(weak.map((t) => t.id), [a.id]);
  // missed one frame, the track is lost: a weak box by distance does not bring it back
  const lost = new ByteTracker(thresholds);
  lost.update([det(car(0), 0.5, 'car')], 0);
  lost.update([det(car(1), 0.5, 'car')], 0.2);
  lost.update([det(car(2), 0.5, 'car')], 0.4);
  lost.update([], 0.6);
  assert.deepEqual(lost.update([det(car(4), 0.25, 'car')], 0.8), []);
  // nor does a weak box of another kind
  const other = new ByteTracker(thresholds);
  other.update([det(car(0), 0.5, 'car')], 0);
  other.update([det(car(1), 0.5, 'car')], 0.2);
  other.update([det(car(2), 0.5, 'car')], 0.4);
  assert.deepEqual(other.update([det(car(3), 0.25, 'person')], 0.6), []);
});

test('the class is the score-weighted vote over the track, not the last detection', () => {
  const tr = new ByteTracker();
  for (let f = 0; f < 5; f++) tr.update([det(at(0.5, 0.5, 0.2, 0.1), 0.9, 'car')], f * 0.2);
  const [t] = tr.update([det(at(0.5, 0.5, 0.2, 0.1), 0.6, 'truck')], 1);
  assert.equal(t.cls, 'car');
});

test('merging detections across crops: duplicates and cut copies become one, a huge box swallows nothing', async () => {
  const { mergeDetections } = await import('../../src/analytics/pipeline.ts');
  const merged = mergeDetections([
    det([0.1, 0.1, 0.3, 0.3], 0.5, 'car'),
    det([0.1, 0.1, 0.3, 0.3], 0.4, 'truck'), // same van, other class
    det([0.2, 0.1, 0.3, 0.3], 0.3, 'car'), // a copy cut by a crop edge
    det([0.0, 0.0, 1.0, 1.0], 0.6, 'bus'), // frame-sized nonsense
    det([0.6, 0.6, 0.7, 0.7], 0.5, 'car'),
    det([0.15, 0.1, 0.2, 0.3], 0.5, 'person'), // beside the van: a different kind, kept
  ]);
  assert.equal(merged.length, 4, JSON.stringify(merged));
  const van = merged.find((d) => d.box[0] === 0.1)!;
  assert.equal(van.cls, 'car');
  assert.deepEqual(van.box, [0.1, 0.1, 0.3, 0.3]);
  assert.ok(merged.some((d) => d.cls === 'bus'));
  assert.ok(merged.some((d) => d.cls === 'person'));
});

test('a smaller box of the same kind inside a tracked object (its windscreen, its rear half) never becomes a second track', () => {
  const tr = new ByteTracker();
  const car = (f: number): Box => at(0.3 + f * 0.02, 0.5, 0.3, 0.2);
  for (let f = 0; f < 3; f++) tr.update([det(car(f), 0.9, 'car')], f * 0.2);
  // from frame 3 the detector also boxes a part of the car, every frame, confidently
  for (let f = 3; f < 10; f++) {
    const c = car(f);
    const part = at((c[0] + c[2]) / 2 + 0.05, 0.48, 0.12, 0.08);
    const seen = tr.update([det(c, 0.9, 'car'), det(part, 0.8, 'truck')], f * 0.2);
    assert.equal(seen.length, 1, `frame ${f}: ${JSON.stringify(seen.map((t) => t.box))}`);
  }
  assert.equal(tr.all().length, 1);
  // another kind inside the car's box (a person in front of it) is its own object
  for (let f = 10; f < 13; f++) tr.update([det(car(f), 0.9, 'car'), det(at(0.5, 0.5, 0.05, 0.15), 0.9, 'person')], f * 0.2);
  assert.deepEqual(tr.all().map((t) => t.cls).sort(), ['car', 'person']);
});

test('a tentative track that slides onto a part of a tracked object is dropped, not confirmed', () => {
  const tr = new ByteTracker();
  const car = (f: number): Box => at(0.5, 0.3 + f * 0.03, 0.3, 0.25);
  for (let f = 0; f < 3; f++) tr.update([det(car(f), 0.9, 'car')], f * 0.2);
  // frame 3: a box beside the car starts a tentative track; frame 4: the nearest detection for it is on the car
  const c3 = car(3);
  tr.update([det(c3, 0.9, 'car'), det([c3[0] - 0.12, c3[1] - 0.05, c3[0] + 0.02, c3[1] + 0.05], 0.8, 'car')], 0.6);
  assert.equal(tr.all().length, 2, 'the box beside the car starts a track');
  const c4 = car(4);
  const seen = tr.update([det(c4, 0.9, 'car'), det([c4[0] + 0.02, c4[1] + 0.02, c4[0] + 0.14, c4[1] + 0.1], 0.8, 'car')], 0.8);
  assert.equal(seen.length, 1);
  assert.equal(tr.all().length, 1);
});

test('a followed track takes an overlapping box of any class; a lost one is found again only by its own kind (car, truck, bus are one)', () => {
  const tr = new ByteTracker();
  for (let f = 0; f < 3; f++) tr.update([det(at(0.3 + f * 0.02, 0.5, 0.1, 0.1), 0.9, 'car')], f * 0.2);
  const [car] = tr.all();
  // followed frame to frame: the detector calls the car a "person" for a frame; still the car
  const [same] = tr.update([det(at(0.36, 0.5, 0.1, 0.1), 0.9, 'person')], 0.6);
  assert.equal(same.id, car.id);
  assert.equal(same.cls, 'car', 'the class vote keeps it a car');
  // lost for a frame; where it is expected, only a "person" (a sign post the detector misreads): not the car
  tr.update([], 0.8);
  const seen = tr.update([det(at(0.4, 0.5, 0.1, 0.1), 0.9, 'person')], 1);
  assert.ok(!seen.some((t) => t.id === car.id));
  assert.equal(tr.all().find((t) => t.id === car.id)!.state, 'lost');
  // a truck there is the same vehicle
  const [back] = tr.update([det(at(0.42, 0.5, 0.1, 0.1), 0.9, 'truck')], 1.2);
  assert.equal(back.id, car.id);
});

test('a lost track keeps its size: a young box that grew fast does not swell through a gap and reach across the frame', () => {
  // A far car seen twice, its box doubling between the two (a loose first box); lost for three
  // frames; then a car enters at the bottom of the frame. Extrapolating the growth would swell the
  // predicted box (and the distance pass's reach, which scales with it) until it took that car.
  const tr = new ByteTracker();
  tr.update([det([0.55, 0.04, 0.61, 0.13], 0.9, 'car')], 0);
  tr.update([det([0.55, 0.07, 0.68, 0.16], 0.9, 'car')], 0.1);
  const [far] = tr.all();
  for (let f = 2; f < 5; f++) tr.update([], f * 0.1);
  const seen = tr.update([det([0.45, 0.69, 0.6, 0.87], 0.9, 'car')], 0.5);
  assert.ok(!seen.some((t) => t.id === far.id), 'the far car\'s track took the car entering at the bottom');
});

test('the distance pass reaches as far as the object could have moved: less at a faster frame rate', () => {
  // A confident box 1.4 box sizes from a one-frame-old track: the same object at 5 fps, but at
  // 10 fps (0.1 s later) another one.
  const run = (dt: number) => {
    const tr = new ByteTracker();
    tr.update([det(at(0.3, 0.6, 0.1, 0.1), 0.9, 'car')], 0);
    tr.update([det(at(0.3, 0.46, 0.1, 0.1), 0.9, 'car')], dt);
    return tr.all().map((t) => t.hits);
  };
  assert.deepEqual(run(0.2), [2]);
  assert.deepEqual(run(0.1), [1]);
});

test('a track remembers the box it was born on', () => {
  const tr = new ByteTracker();
  tr.update([det(at(0.3, 0.5), 0.9)], 0);
  const [t] = tr.update([det(at(0.33, 0.5), 0.9)], 0.2);
  assert.deepEqual(t.firstBox, at(0.3, 0.5));
  assert.notDeepEqual(t.box, t.firstBox);
});

test('per-class merging: two people side by side in one crop stay two; one person seen by two tiles is one; a copy cut by a tile edge joins the whole', async () => {
  const { mergeDetections } = await import('../../src/analytics/pipeline.ts');
  const tileA: Box = [0, 0, 0.5625, 1], tileB: Box = [0.4375, 0, 1, 1];
  // two people walking shoulder to shoulder (IoU 0.5), found in one tile: the detector's own suppression kept both
  const pair = mergeDetections([
    { ...det([0.10, 0.3, 0.16, 0.6], 0.8), crop: tileA },
    { ...det([0.12, 0.3, 0.18, 0.6], 0.7), crop: tileA },
  ]);
  assert.equal(pair.length, 2, JSON.stringify(pair));
  // one person in the overlap of the two tiles, seen by both
  const both = mergeDetections([
    { ...det([0.45, 0.3, 0.50, 0.6], 0.8), crop: tileA },
    { ...det([0.451, 0.302, 0.501, 0.6], 0.7), crop: tileB },
  ]);
  assert.equal(both.length, 1);
  // cut by tile A's right edge (x = 0.5625): its copy lies inside the whole one from tile B
  const cut = mergeDetections([
    { ...det([0.53, 0.3, 0.59, 0.6], 0.8), crop: tileB },
    { ...det([0.53, 0.3, 0.5625, 0.6], 0.6), crop: tileA },
  ]);
  assert.equal(cut.length, 1);
  assert.deepEqual(cut[0].box, [0.53, 0.3, 0.59, 0.6]);
  // a person half hidden behind another (a smaller box inside a bigger one) in the same tile is not a cut copy: two
  const hidden = mergeDetections([
    { ...det([0.20, 0.3, 0.26, 0.62], 0.8), crop: tileA },
    { ...det([0.21, 0.3, 0.25, 0.5], 0.5), crop: tileA },
  ]);
  assert.equal(hidden.length, 2);
  // a camera without tiles (not counting people) merges them as before: NanoDet calls parts of cars "person" too
  assert.equal(mergeDetections([
    { ...det([0.20, 0.3, 0.26, 0.62], 0.8), crop: tileA },
    { ...det([0.21, 0.3, 0.25, 0.5], 0.5), crop: tileA },
  ], { peopleApart: false }).length, 1);
});

test('present: a confirmed track missed in one frame still counts at its predicted place, not after two misses', () => {
  const tr = new ByteTracker({ maxMissed: 10 });
  for (let i = 0; i < 4; i++) tr.update([det(at(0.2 + i * 0.01, 0.5)), det(at(0.7, 0.5))], i * 0.2);
  assert.equal(tr.present(1).length, 2);
  const seen = tr.update([det(at(0.7, 0.5))], 0.8); // the first person missed once
  assert.equal(seen.length, 1, 'only one matched in this frame');
  const present = tr.present(1);
  assert.equal(present.length, 2, 'but both are taken to be there');
  const ghost = present.find((p) => p.state === 'lost')!;
  assert.ok(ghost.box[0] > at(0.23, 0.5)[0], 'at its predicted (moved-on) place');
  tr.update([det(at(0.7, 0.5))], 1.0);
  assert.equal(tr.present(1).length, 1, 'missed twice: gone from the count');
});

test('present: a person who walked out at the frame edge is not counted a frame longer; one cut by the edge but mostly in view is', () => {
  const tr = new ByteTracker({ maxMissed: 10 });
  // walking right at 0.03 a frame; the detector's boxes end at the frame edge (x = 1)
  const clip = (b: Box): Box => [b[0], b[1], Math.min(1, b[2]), b[3]];
  for (let i = 0; i < 6; i++) tr.update([det(clip(at(0.86 + i * 0.03, 0.5))), det(at(0.3, 0.9, 0.06, 0.2))], i * 0.2);
  assert.equal(tr.present(1).length, 2);
  tr.update([det(at(0.3, 0.9, 0.06, 0.2))], 1.2); // the walker is no longer found
  const present = tr.present(1);
  assert.equal(present.length, 1, `the walker's predicted box reaches past the edge: it left (${JSON.stringify(present.map((p) => p.box))})`);
  // the other one, feet at the bottom edge, missed once: predicted mostly inside, still counted
  const still = new ByteTracker({ maxMissed: 10 });
  for (let i = 0; i < 4; i++) still.update([det([0.3, 0.8, 0.36, 1])], i * 0.2);
  still.update([], 0.8);
  assert.equal(still.present(1).length, 1, 'cut by the bottom edge but in view: still there');
});

test('per-class thresholds: a person needs its own start score while cars keep theirs', () => {
  const tr = new ByteTracker({ highScore: 0.3, lowScore: 0.15, newTrackScore: 0.35, perClass: { person: { lowScore: 0.2, highScore: 0.4, newTrackScore: 0.5 } } });
  for (let i = 0; i < 3; i++) tr.update([det(at(0.2, 0.5), 0.45, 'person'), det(at(0.7, 0.5, 0.2, 0.1), 0.4, 'car')], i * 0.2);
  const classes = tr.all().map((t) => t.cls);
  assert.deepEqual(classes, ['car'], 'a 0.45 person starts nothing; a 0.4 car does');
  for (let i = 3; i < 6; i++) tr.update([det(at(0.2, 0.5), 0.55, 'person')], i * 0.2);
  assert.ok(tr.all().some((t) => t.cls === 'person'));
});

test('detector defaults: tiles and the people bar only for a camera that counts people, unless set', async () => {
  const { detectionSettings } = await import('../../src/analytics/detection-settings.ts');
  assert.deepEqual(detectionSettings(undefined), { inputSize: 320, tiles: false, classes: {} });
  assert.deepEqual(detectionSettings(undefined, { counting: true }), { inputSize: 320, tiles: { rows: 1 }, classes: { person: { low: 0.2, high: 0.4, start: 0.5 } } });
  assert.deepEqual(detectionSettings({ tiles: false }, { counting: true }).classes, {});
  assert.deepEqual(detectionSettings({ tiles: { rows: 2 }, classes: { person: { start: 0.6 } } }).classes, { person: { start: 0.6 } });
});

test('a matched track carries the detector\'s own box of the frame (detBox); the filtered box lags an object that starts moving fast; a coasting track has none', () => {
  const tr = new ByteTracker();
  let last: ReturnType<ByteTracker['update']> = [];
  // still for five frames, then 0.05 a frame to the right
  for (let f = 0; f <= 7; f++) last = tr.update([det(at(0.2 + Math.max(0, f - 5) * 0.05, 0.5), 0.9, 'car')], f * 0.2);
  const [t] = last;
  assert.deepEqual(t.detBox, at(0.2 + 2 * 0.05, 0.5));
  assert.ok(t.box[0] < t.detBox![0] - 0.01, `the Kalman box ${t.box[0].toFixed(3)} lags the detection ${t.detBox![0].toFixed(3)}`);
  tr.update([], 8 * 0.2);
  const [coasting] = tr.present();
  assert.equal(coasting.id, t.id);
  assert.equal(coasting.detBox, undefined, 'no detection this frame: no detector box');
});

test('a track grown over half the view (a lorry fed its neighbours\' boxes) does not swallow the cars inside it as its parts', () => {
  const tr = new ByteTracker();
  const huge: Box = [0.05, 0.05, 0.95, 0.95];
  for (let f = 0; f < 3; f++) tr.update([det(huge, 0.6, 'truck')], f * 0.2);
  // cars driving inside its box: each becomes its own track
  const car = (f: number): Box => at(0.3, 0.7 - f * 0.05, 0.1, 0.08);
  let seen: ReturnType<ByteTracker['update']> = [];
  for (let f = 3; f < 7; f++) seen = tr.update([det(huge, 0.6, 'truck'), det(car(f), 0.6, 'car')], f * 0.2);
  assert.equal(seen.length, 2, 'the car is tracked beside the huge track');
  // under half the view the rule stands: a smaller box inside is a part (as above)
  const big = new ByteTracker();
  const lorry: Box = [0.2, 0.2, 0.8, 0.8];
  for (let f = 0; f < 3; f++) big.update([det(lorry, 0.6, 'truck')], f * 0.2);
  for (let f = 3; f < 7; f++) seen = big.update([det(lorry, 0.6, 'truck'), det(car(f), 0.6, 'car')], f * 0.2);
  assert.equal(seen.length, 1);
});
