// The media ↔ wall-clock arithmetic that the server (x-vigil-timeline) and the web app share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaTimeAt, parseTimelinePoints, wallTimeAt, formatTimelinePoints } from '../../src/playback/index.ts';

// Two recorded spans: wall 1000..3000 is media 0..2000, a gap, then wall 10000.. is media 2000..
const points = parseTimelinePoints('1000:0,10000:2000');

test('media time of a wall time: inside a span, inside a gap (the next span starts), after the end', () => {
  assert.equal(mediaTimeAt(points, 1500), 500);
  assert.equal(mediaTimeAt(points, 5000), 2000, 'a gap seeks to the start of the next span');
  assert.equal(mediaTimeAt(points, 10500), 2500);
});

test('a wall time before the first recording seeks to the first point, never to a negative media time', () => {
  assert.equal(mediaTimeAt(points, 0), 0);
  assert.equal(mediaTimeAt(parseTimelinePoints('5000:300'), 1000), 300);
});

test('wall time of a media time, and the header round trip; a missing header has no points', () => {
  assert.equal(wallTimeAt(points, 2500), 10500);
  assert.equal(formatTimelinePoints(points), '1000:0,10000:2000');
  assert.deepEqual(parseTimelinePoints(null), []);
  assert.ok(Number.isNaN(mediaTimeAt([], 1)));
});
