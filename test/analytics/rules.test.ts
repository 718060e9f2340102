import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter } from '../../src/analytics/rules/line-crossing.ts';
import { ZoneIntrusion, ZoneDwell, scheduleActive } from '../../src/analytics/rules/zones.ts';
import { LeftObjectRule } from '../../src/analytics/rules/left-object.ts';
import { CrowdDensityRule } from '../../src/analytics/rules/crowd.ts';
import { cross } from '../../src/analytics/geometry.ts';
import type { Polygon } from '../../src/analytics/geometry.ts';
import { track, boxAt } from './synthetic.ts';

/** Feeds a path of bottom-centre points for one track id; returns all events. */
function walk(rule: { update: LineCounter['update'] }, id: number, points: [number, number][], cls: 'car' | 'person' = 'car', t0 = 0) {
  return points.flatMap((p, i) => rule.update([track(boxAt(p[0], p[1]), { id, cls, t: t0 + i * 0.2 })], t0 + i * 0.2));
}

test('line sign convention: cross(P2−P1, p−P1) from < 0 to > 0 is positive; left-to-right line, moving down = positive', () => {
  // The convention itself, in image coordinates (y down): below a left→right line is > 0.
  assert.ok(cross([0, 0.5], [1, 0.5], [0.5, 0.8]) > 0);
  assert.ok(cross([0, 0.5], [1, 0.5], [0.5, 0.2]) < 0);
  const down = new LineCounter({ name: 'L', p1: [0.1, 0.5], p2: [0.9, 0.5] });
  const ev = walk(down, 1, [[0.5, 0.3], [0.5, 0.45], [0.5, 0.55], [0.5, 0.7]]);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].direction, 'positive');
  assert.deepEqual(down.positive, { car: 1 });
  assert.deepEqual(down.negative, {});
  // moving up the image across the same line is negative
  const up = new LineCounter({ name: 'L', p1: [0.1, 0.5], p2: [0.9, 0.5] });
  walk(up, 2, [[0.5, 0.7], [0.5, 0.55], [0.5, 0.45]], 'person');
  assert.deepEqual(up.negative, { person: 1 });
  assert.deepEqual(up.positive, {});
  // drawing the line the other way round swaps the directions
  const reversed = new LineCounter({ name: 'R', p1: [0.9, 0.5], p2: [0.1, 0.5] });
  walk(reversed, 3, [[0.5, 0.3], [0.5, 0.7]]);
  assert.deepEqual(reversed.negative, { car: 1 });
  // a vertical line drawn top to bottom: moving right to left is positive (cross > 0 on the left)
  const vertical = new LineCounter({ name: 'V', p1: [0.5, 0.1], p2: [0.5, 0.9] });
  walk(vertical, 4, [[0.7, 0.5], [0.3, 0.5]]);
  assert.deepEqual(vertical.positive, { car: 1 });
});

test('each track counts at most once per line and direction, even when it dithers on the line', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  walk(l, 7, [[0.5, 0.4], [0.5, 0.6], [0.5, 0.4], [0.5, 0.6], [0.5, 0.4], [0.5, 0.5], [0.5, 0.6]]);
  assert.deepEqual(l.positive, { car: 1 });
  assert.deepEqual(l.negative, { car: 1 });
  // another track is counted on its own
  walk(l, 8, [[0.3, 0.4], [0.3, 0.6]]);
  assert.deepEqual(l.positive, { car: 2 });
});

test('passing beside the segment (crossing only its extension) is not a crossing; touching the line is not either', () => {
  const l = new LineCounter({ name: 'L', p1: [0.4, 0.5], p2: [0.6, 0.5] });
  walk(l, 1, [[0.8, 0.3], [0.8, 0.7]]);
  walk(l, 2, [[0.5, 0.3], [0.5, 0.5], [0.5, 0.3]]);
  assert.deepEqual(l.positive, {});
  assert.deepEqual(l.negative, {});
  // a track that stops exactly on the line and then goes on is counted once
  walk(l, 3, [[0.5, 0.3], [0.5, 0.5], [0.5, 0.5], [0.5, 0.7]]);
  assert.deepEqual(l.positive, { car: 1 });
});

test('line class filter', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5], classes: ['person'] });
  walk(l, 1, [[0.5, 0.3], [0.5, 0.7]], 'car');
  walk(l, 2, [[0.5, 0.3], [0.5, 0.7]], 'person');
  assert.deepEqual(l.positive, { person: 1 });
});

/** One track, its boxes given in full (bottom centre at (x, y), box size s); birth box = the first. */
function walkBoxes(rule: LineCounter, id: number, steps: { x: number; y: number; s?: number; t: number }[], firstBox = boxAt(steps[0].x, steps[0].y, steps[0].s), firstSeen = steps[0].t) {
  return steps.flatMap((p) => rule.update([track(boxAt(p.x, p.y, p.s), { id, t: p.t, firstBox, firstSeen })], p.t));
}

test('a track is judged from its birth box: crossing while the track was still tentative counts', () => {
  // born above the line (tentative, not shown to rules), first confirmed already below it
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  const ev = walkBoxes(l, 1, [{ x: 0.5, y: 0.56, s: 0.2, t: 0.2 }, { x: 0.5, y: 0.66, s: 0.22, t: 0.4 }], boxAt(0.5, 0.46, 0.2));
  assert.equal(ev.length, 1);
  assert.equal(ev[0].direction, 'positive');
  assert.equal(ev[0].t, 0.2);
  // born past the line (a track re-born after a gap, or a second track on an object already
  // counted): it never crossed, so it does not count
  walkBoxes(l, 2, [{ x: 0.5, y: 0.62, s: 0.2, t: 1 }, { x: 0.5, y: 0.72, s: 0.2, t: 1.2 }, { x: 0.5, y: 0.85, s: 0.2, t: 1.4 }]);
  assert.deepEqual(l.positive, { car: 1 });
});

test('hysteresis: a still box that swells across the line by less than a tenth of its height and back is no crossing', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  // a static object whose bottom sits above the line; one frame its box grows to just past it
  const still = track([0.9, 0.35, 1, 0.45], { id: 3, t: 0 });
  for (let i = 0; i < 20; i++) l.update([{ ...still, lastSeen: i * 0.2 }], i * 0.2);
  l.update([track([0.89, 0.34, 1, 0.505], { id: 3, t: 4, firstBox: still.box })], 4);
  l.update([track([0.9, 0.35, 1, 0.46], { id: 3, t: 4.2, firstBox: still.box })], 4.2);
  assert.deepEqual(l.positive, {});
  assert.deepEqual(l.negative, {});
  // past the margin it is a crossing
  l.update([track([0.85, 0.4, 1, 0.6], { id: 3, t: 4.4, firstBox: still.box })], 4.4);
  assert.deepEqual(l.positive, { car: 1 });
});

test('only objects that have moved count: a still false box on the line waits, counted once it moves half its size', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  // a wide flat box (a shadow the detector calls a car) born just above the line, drifting 2 % down
  const shadow: { x: number; y: number; s: number; t: number }[] = [0.495, 0.51, 0.512, 0.511, 0.513].map((y, i) => ({ x: 0.3, y, s: 0.1, t: i * 0.2 }));
  walkBoxes(l, 4, shadow);
  assert.deepEqual(l.positive, {});
  // a real car born just before the line and crossing with it: pending one frame, then counted
  const ev = walkBoxes(l, 5, [{ x: 0.6, y: 0.49, s: 0.2, t: 0 }, { x: 0.6, y: 0.56, s: 0.2, t: 0.2 }, { x: 0.6, y: 0.65, s: 0.22, t: 0.4 }]);
  assert.deepEqual(ev.map((e) => e.t), [0.4]);
  assert.deepEqual(l.positive, { car: 1 });
  // a pending crossing lapses if the track goes back before it has moved
  walkBoxes(l, 6, [{ x: 0.8, y: 0.49, s: 0.2, t: 0 }, { x: 0.8, y: 0.56, s: 0.2, t: 0.2 }, { x: 0.8, y: 0.44, s: 0.2, t: 0.4 }, { x: 0.8, y: 0.38, s: 0.2, t: 0.6 }]);
  assert.deepEqual(l.positive, { car: 1 });
  assert.deepEqual(l.negative, {});
});

test('a track that breaks at the line is continued: lost on one side and found again on the other counts once', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  // a car followed down to just before the line, then missed for two frames (a lorry beside it)
  walkBoxes(l, 1, [{ x: 0.5, y: 0.3, s: 0.1, t: 0 }, { x: 0.5, y: 0.36, s: 0.1, t: 0.2 }, { x: 0.5, y: 0.42, s: 0.1, t: 0.4 }]);
  // found again as a new track past the line, where its pace (0.3 of the frame per s) leads
  const ev = walkBoxes(l, 2, [{ x: 0.5, y: 0.6, s: 0.1, t: 1.0 }, { x: 0.5, y: 0.66, s: 0.1, t: 1.2 }], boxAt(0.5, 0.56, 0.1), 0.8);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].direction, 'positive');
  assert.equal(ev[0].trackId, 2);
  assert.deepEqual(l.positive, { car: 1 });
  // without continuation that object is lost to the count (the new track was born past the line)
  const old = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] }, { continueSeconds: 0, countLateBirths: false });
  walkBoxes(old, 1, [{ x: 0.5, y: 0.3, s: 0.1, t: 0 }, { x: 0.5, y: 0.36, s: 0.1, t: 0.2 }, { x: 0.5, y: 0.42, s: 0.1, t: 0.4 }]);
  walkBoxes(old, 2, [{ x: 0.5, y: 0.6, s: 0.1, t: 1.0 }, { x: 0.5, y: 0.66, s: 0.1, t: 1.2 }], boxAt(0.5, 0.56, 0.1), 0.8);
  assert.deepEqual(old.positive, {});
});

test('a counted object whose track breaks and restarts just before the line is not counted again', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  walkBoxes(l, 1, [{ x: 0.5, y: 0.35, s: 0.1, t: 0 }, { x: 0.5, y: 0.45, s: 0.1, t: 0.2 }, { x: 0.5, y: 0.56, s: 0.1, t: 0.4 }]);
  assert.deepEqual(l.positive, { car: 1 });
  // re-found 0.4 s later by a box whose bottom sits above the line (the detector boxed its front
  // half), then followed on down: one object, one count
  walkBoxes(l, 2, [{ x: 0.5, y: 0.49, s: 0.08, t: 0.8 }, { x: 0.5, y: 0.62, s: 0.1, t: 1.0 }, { x: 0.5, y: 0.72, s: 0.1, t: 1.2 }]);
  assert.deepEqual(l.positive, { car: 1 });
  // a car coming on behind it, born where the first is long gone, is its own object and counts
  walkBoxes(l, 3, [{ x: 0.5, y: 0.47, s: 0.08, t: 1.4 }, { x: 0.5, y: 0.58, s: 0.08, t: 1.6 }, { x: 0.5, y: 0.7, s: 0.08, t: 1.8 }].map((p) => ({ ...p })), boxAt(0.5, 0.47, 0.08));
  assert.deepEqual(l.positive, { car: 2 });
  // the old track itself coming back does not count its crossing a second time either
  walkBoxes(l, 1, [{ x: 0.5, y: 0.75, s: 0.1, t: 1.4 }, { x: 0.5, y: 0.8, s: 0.1, t: 1.6 }]);
  assert.deepEqual(l.positive, { car: 2 });
});

test('a track first seen just past the line, moving on, crossed unseen: its first step taken back crosses the line', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  // born at 0.54 and confirmed at 0.64 (two hits): one step back is 0.44, the other side
  const late = (id: number, x: number, y0: number, y1: number, t: number) => l.update([{ ...track(boxAt(x, y1, 0.1), { id, t, firstSeen: t - 0.2, firstBox: boxAt(x, y0, 0.1) }), hits: 2 }], t);
  const ev = late(1, 0.3, 0.54, 0.64, 5);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].direction, 'positive');
  // one moving back towards the line did not come from across it
  late(2, 0.7, 0.64, 0.58, 6);
  // nor does one whose step back stays on its side
  late(3, 0.5, 0.62, 0.66, 7);
  assert.deepEqual(l.positive, { car: 1 });
  assert.deepEqual(l.negative, {});
  // a second track born on an object already followed (its birth box on that track's box) is not a new object
  const followed = track([0.05, 0.42, 0.25, 0.62], { id: 9, t: 8 });
  l.update([followed], 7.8);
  const dup = l.update([{ ...track(boxAt(0.15, 0.64, 0.1), { id: 4, t: 8, firstSeen: 7.8, firstBox: boxAt(0.15, 0.54, 0.1) }), hits: 2 }, followed], 8);
  assert.deepEqual(dup, []);
  // switched off, a late birth is not counted
  const off = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] }, { countLateBirths: false });
  assert.deepEqual(off.update([{ ...track(boxAt(0.3, 0.64, 0.1), { id: 1, t: 5, firstSeen: 4.8, firstBox: boxAt(0.3, 0.54, 0.1) }), hits: 2 }], 5), []);
});

test('a rider crosses as the motorcycle under them, not as a second object; a pedestrian past a parked bicycle still counts', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  // rider (person box above, feet on the pegs) and machine moving down together
  for (let i = 0; i < 6; i++) {
    const y = 0.3 + i * 0.08;
    const t = i * 0.2;
    l.update([track([0.46, y - 0.1, 0.54, y + 0.02], { id: 1, cls: 'person', t, firstBox: [0.46, 0.2, 0.54, 0.32] }), track([0.45, y - 0.03, 0.55, y + 0.05], { id: 2, cls: 'motorcycle', t, firstBox: [0.45, 0.27, 0.55, 0.35] })], t);
  }
  assert.deepEqual(l.positive, { motorcycle: 1 });
  // a pedestrian crossing beside a parked bicycle
  for (let i = 0; i < 6; i++) {
    const y = 0.3 + i * 0.08;
    const t = 2 + i * 0.2;
    l.update([track([0.76, y - 0.12, 0.82, y], { id: 3, cls: 'person', t, firstBox: [0.76, 0.18, 0.82, 0.3] }), track([0.75, 0.45, 0.85, 0.55], { id: 4, cls: 'bicycle', t, firstSeen: 2 })], t);
  }
  assert.deepEqual(l.positive, { motorcycle: 1, person: 1 });
  // a line that counts people only still counts the rider
  const people = new LineCounter({ name: 'P', p1: [0, 0.5], p2: [1, 0.5], classes: ['person'] });
  for (let i = 0; i < 6; i++) {
    const y = 0.3 + i * 0.08;
    people.update([track([0.46, y - 0.1, 0.54, y + 0.02], { id: 1, cls: 'person', t: i * 0.2, firstBox: [0.46, 0.2, 0.54, 0.32] }), track([0.45, y - 0.03, 0.55, y + 0.05], { id: 2, cls: 'motorcycle', t: i * 0.2, firstBox: [0.45, 0.27, 0.55, 0.35] })], i * 0.2);
  }
  assert.deepEqual(people.positive, { person: 1 });
});

test('a second track on an object already counted (a lost track that took its box, a copy from another tile) does not count it again, nor when it jumps back', () => {
  const l = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  const car = (y: number): [number, number, number, number] => [0.4, y - 0.25, 0.6, y];
  // the car's own track 1 crosses at 0.4 s; track 2, an old track that took a box on the car
  // (its windscreen, seen in another tile), lies inside it and crosses a frame later
  l.update([track(car(0.4), { id: 1, t: 0, firstSeen: 0 }), track([0.45, 0.2, 0.55, 0.35], { id: 2, t: 0, firstSeen: 0, firstBox: [0.1, 0.1, 0.15, 0.2] })], 0);
  l.update([track(car(0.48), { id: 1, t: 0.2, firstSeen: 0, firstBox: car(0.4) }), track([0.45, 0.3, 0.55, 0.45], { id: 2, t: 0.2, firstSeen: 0, firstBox: [0.1, 0.1, 0.15, 0.2] })], 0.2);
  l.update([track(car(0.6), { id: 1, t: 0.4, firstSeen: 0, firstBox: car(0.4) }), track([0.45, 0.4, 0.55, 0.52], { id: 2, t: 0.4, firstSeen: 0, firstBox: [0.1, 0.1, 0.15, 0.2] })], 0.4);
  l.update([track(car(0.7), { id: 1, t: 0.6, firstSeen: 0, firstBox: car(0.4) }), track([0.45, 0.5, 0.55, 0.62], { id: 2, t: 0.6, firstSeen: 0, firstBox: [0.1, 0.1, 0.15, 0.2] })], 0.6);
  assert.deepEqual(l.positive, { car: 1 });
  // it then jumps back onto a parked car above the line: no crossing back either
  l.update([track(car(0.8), { id: 1, t: 0.8, firstSeen: 0, firstBox: car(0.4) }), track([0.1, 0.1, 0.15, 0.2], { id: 2, t: 0.8, firstSeen: 0, firstBox: [0.1, 0.1, 0.15, 0.2] })], 0.8);
  assert.deepEqual(l.negative, {});
  // two cars side by side crossing together are two
  const pair = new LineCounter({ name: 'L', p1: [0, 0.5], p2: [1, 0.5] });
  for (const [i, y] of [0.4, 0.6, 0.7].entries()) pair.update([track([0.2, y - 0.2, 0.4, y], { id: 1, t: i * 0.2, firstBox: [0.2, 0.2, 0.4, 0.4] }), track([0.42, y - 0.2, 0.62, y], { id: 2, t: i * 0.2, firstBox: [0.42, 0.2, 0.62, 0.4] })], i * 0.2);
  assert.deepEqual(pair.positive, { car: 2 });
});

const square: Polygon = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]];

test('zone intrusion: fires once per stay on entry, only for listed classes', () => {
  const z = new ZoneIntrusion({ name: 'Z', polygon: square, classes: ['person'] });
  const ev = walk(z, 1, [[0.3, 0.5], [0.45, 0.5], [0.5, 0.5], [0.7, 0.5], [0.5, 0.5]], 'person');
  assert.deepEqual(ev.map((e) => [e.kind, e.t]), [['zone_intrusion', 0.2], ['zone_intrusion', 0.8]]);
  assert.equal(walk(z, 2, [[0.3, 0.5], [0.5, 0.5]], 'car').length, 0);
});

test('zone intrusion schedule: only inside the window (spanning midnight), and a track inside when it opens fires then', () => {
  // 22:00–06:00 local, UTC+2
  const windows = [{ from: 22 * 60, to: 6 * 60 }];
  const at = (iso: string) => Date.parse(iso) / 1000;
  assert.equal(scheduleActive(windows, at('2026-11-23T20:30:00Z'), 120), true); // 22:30 local
  assert.equal(scheduleActive(windows, at('2026-11-23T03:59:00Z'), 120), true); // 05:59 local
  assert.equal(scheduleActive(windows, at('2026-11-23T04:00:00Z'), 120), false); // 06:00 local
  assert.equal(scheduleActive([{ from: 9 * 60, to: 17 * 60, days: [1, 2, 3, 4, 5] }], at('2026-11-22T10:00:00Z')), false); // Sunday
  assert.equal(scheduleActive([{ from: 9 * 60, to: 17 * 60, days: [1, 2, 3, 4, 5] }], at('2026-11-23T10:00:00Z')), true); // Monday
  const opensAt = at('2026-11-23T22:00:00Z');
  const z = new ZoneIntrusion({ name: 'Z', polygon: square }, { schedule: [{ from: 22 * 60, to: 23 * 60 }], epochOffset: opensAt - 10 });
  const ev = [0, 5, 9.8, 10, 10.2].flatMap((t) => z.update([track(boxAt(0.5, 0.5), { id: 1, t })], t));
  assert.deepEqual(ev.map((e) => e.t), [10]);
});

test('dwell: fires once when a track has stayed N seconds, leaving resets the clock', () => {
  const d = new ZoneDwell({ name: 'Z', polygon: square }, 3);
  const ev = [];
  for (let t = 0; t <= 2.8; t += 0.2) ev.push(...d.update([track(boxAt(0.5, 0.5), { id: 1, t })], t));
  assert.equal(ev.length, 0);
  ev.push(...d.update([track(boxAt(0.9, 0.9), { id: 1 })], 3)); // out
  for (let t = 3.2; t <= 6; t += 0.2) ev.push(...d.update([track(boxAt(0.5, 0.5), { id: 1 })], t));
  assert.equal(ev.length, 0, 'clock restarted when it left');
  for (let t = 6.2; t <= 8; t += 0.2) ev.push(...d.update([track(boxAt(0.5, 0.5), { id: 1 })], t));
  assert.equal(ev.length, 1);
  assert.equal(ev[0].kind, 'dwell');
  assert.ok(Math.abs(ev[0].t - 6.2) < 1e-6, `fired at ${ev[0].t}`);
});

test('left object: a new object still for N s with nobody by it; not while its person stays; not scene objects', () => {
  const rule = new LeftObjectRule({ name: 'left', seconds: 5, warmup: 1 });
  const parked = track(boxAt(0.1, 0.9, 0.1), { id: 1, firstSeen: 0 });
  const events = [];
  for (let t = 0; t <= 20; t += 0.2) {
    const tracks = [{ ...parked, lastSeen: t }];
    if (t >= 2) tracks.push(track(boxAt(0.5, 0.5, 0.05), { id: 2, firstSeen: 2, t }));
    // the person who brought it stands by it until t = 10, then walks off
    if (t >= 2 && t < 10) tracks.push(track(boxAt(0.53, 0.5, 0.05), { id: 3, cls: 'person', firstSeen: 2, t }));
    if (t >= 10) tracks.push(track(boxAt(0.53 + (t - 10) * 0.05, 0.5, 0.05), { id: 3, cls: 'person', firstSeen: 2, t }));
    events.push(...rule.update(tracks, t));
  }
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.equal(events[0].trackId, 2);
  // "near" is 1.5 object sizes + half the person: the person is away from t ≈ 11.4
  assert.ok(events[0].t > 11 && events[0].t < 12, `fired at ${events[0].t}`);
});

test('left object: an object that keeps moving is never left', () => {
  const rule = new LeftObjectRule({ name: 'left', seconds: 2, warmup: 0 });
  const ev = [];
  for (let t = 0; t <= 10; t += 0.2) ev.push(...rule.update([track(boxAt(0.1 + t * 0.05, 0.5), { id: 5, firstSeen: 0.2, t })], t));
  assert.equal(ev.length, 0);
});

test('crowd density: persons per m² over the threshold, held, fires once until it drops', () => {
  const rule = new CrowdDensityRule({ name: 'C', polygon: square, threshold: 4, areaM2: 2, holdSeconds: 1 });
  const people = (n: number, t: number) => Array.from({ length: n }, (_, i) => track(boxAt(0.42 + i * 0.015, 0.5, 0.02), { id: 100 + i, cls: 'person', t }));
  const ev = [];
  for (let t = 0; t < 3; t += 0.2) ev.push(...rule.update(people(7, t), t)); // 3.5/m²: below
  assert.equal(ev.length, 0);
  for (let t = 3; t < 6; t += 0.2) ev.push(...rule.update([...people(9, t), track(boxAt(0.9, 0.9), { cls: 'person' })], t)); // 4.5/m² inside (+1 outside)
  assert.equal(ev.length, 1);
  assert.equal(ev[0].detail?.persons, 9);
  assert.equal(ev[0].detail?.personsPerM2, 4.5);
  assert.ok(ev[0].t >= 4 - 1e-9 && ev[0].t < 4.3);
  for (let t = 6; t < 7; t += 0.2) ev.push(...rule.update(people(2, t), t));
  for (let t = 7; t < 9; t += 0.2) ev.push(...rule.update(people(9, t), t));
  assert.equal(ev.length, 2, 'fires again after dropping below');
  // cars do not count
  const cars = new CrowdDensityRule({ name: 'C', polygon: square, threshold: 1, holdSeconds: 0 });
  assert.equal(cars.update([track(boxAt(0.5, 0.5))], 0).length, 0);
});

test('occupancy: people whose feet touch the frame edge stand in a whole-frame zone; counted per class', async () => {
  const { zoneOccupancy } = await import('../../src/analytics/rules/occupancy.ts');
  const whole: Polygon = [[0, 0], [1, 0], [1, 1], [0, 1]];
  const tracks = [
    track([0.4, 0.7, 0.45, 1], { id: 1, cls: 'person' }), // cut by the bottom edge
    track([0.0, 0.5, 0.03, 0.8], { id: 2, cls: 'person' }), // at the left edge
    track([0.97, 0.1, 1, 0.3], { id: 3, cls: 'person' }), // at the right edge
    track([0.5, 0.4, 0.7, 0.6], { id: 4, cls: 'car' }),
  ];
  assert.deepEqual(zoneOccupancy(tracks, whole), { person: 3, car: 1 });
  const rule = new CrowdDensityRule({ name: 'ALL', polygon: whole, threshold: 3, holdSeconds: 0 });
  assert.equal(rule.update(tracks, 0)[0]?.detail?.persons, 3);
});

test('crowd rule in persons with a known area: fires on the person count and the alarm gives persons/m² too', () => {
  const rule = new CrowdDensityRule({ name: 'C', polygon: square, threshold: 5, unit: 'persons', areaM2: 2, holdSeconds: 0 });
  const people = (n: number) => Array.from({ length: n }, (_, i) => track(boxAt(0.42 + i * 0.015, 0.5, 0.02), { id: 200 + i, cls: 'person' }));
  assert.equal(rule.update(people(4), 0).length, 0, '4 persons (2/m²) is under 5 persons');
  const ev = rule.update(people(5), 0.2);
  assert.equal(ev.length, 1);
  assert.equal(ev[0].detail?.persons, 5);
  assert.equal(ev[0].detail?.personsPerM2, 2.5);
  assert.equal(ev[0].detail?.unit, 'persons');
  assert.throws(() => new CrowdDensityRule({ name: 'X', polygon: square, threshold: 4, unit: 'persons/m2' }), /ground area/);
});

test('crowd rule: a zone that is mostly moving while the people found cover little of it is beyond counting, and says so', () => {
  const whole: Polygon = [[0, 0], [1, 0], [1, 1], [0, 1]];
  const rule = new CrowdDensityRule({ name: 'SQ', polygon: whole, threshold: 50, holdSeconds: 0.4 });
  const few = [track([0.1, 0.1, 0.13, 0.2], { id: 1, cls: 'person' }), track([0.5, 0.5, 0.53, 0.6], { id: 2, cls: 'person' })];
  // sparse: motion only where the two people are: countable, under threshold
  assert.equal(rule.update(few, 0, [[0.09, 0.09, 0.14, 0.21], [0.49, 0.49, 0.54, 0.61]]).length, 0);
  assert.equal(rule.last.beyondCounting, false);
  // packed: everything moves, two people found
  const packed: [number, number, number, number][] = [[0, 0.05, 1, 0.95]];
  const ev = [0.2, 0.4, 0.6, 0.8].flatMap((t) => rule.update(few, t, packed));
  assert.equal(rule.last.beyondCounting, true);
  assert.equal(ev.length, 1, 'fires once, after the hold');
  assert.equal(ev[0].detail?.persons, 2);
  assert.match(String(ev[0].detail?.beyondCounting), /beyond what detection can count/);
  // 100 people found: at the detector's limit
  const many = Array.from({ length: 100 }, (_, i) => track(boxAt(0.05 + (i % 20) * 0.045, 0.2 + Math.floor(i / 20) * 0.15, 0.02), { id: 300 + i, cls: 'person' }));
  const r2 = new CrowdDensityRule({ name: 'M', polygon: whole, threshold: 1000, holdSeconds: 0 });
  assert.equal(r2.update(many, 0).length, 1);
  assert.equal(r2.last.beyondCounting, true);
});

test('ground area of a zone from an image-to-ground homography', async () => {
  const { groundAreaM2, toGround } = await import('../../src/analytics/ground.ts');
  // 20 m × 10 m of ground seen straight down: u → 20 u m, v → 10 v m
  assert.equal(groundAreaM2([[0, 0], [1, 0], [1, 1], [0, 1]], [20, 0, 0, 0, 10, 0, 0, 0, 1]), 200);
  // perspective: rows further up the image are further away (w shrinks with v), so the upper half holds more ground than the lower
  const h = [10, 0, 0, 0, 10, 0, 0, 1, 0.25] as const;
  const upper = groundAreaM2([[0, 0], [1, 0], [1, 0.5], [0, 0.5]], h);
  const lower = groundAreaM2([[0, 0.5], [1, 0.5], [1, 1], [0, 1]], h);
  assert.ok(upper > 2 * lower, `${upper} vs ${lower}`);
  assert.throws(() => toGround([1, 0, 0, 0, 1, 0, 0, -1, 0.5], [0.5, 0.6]), /horizon/);
});
