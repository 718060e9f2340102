// `vigil analyze` argument parsing (src/cli/analyze-args.ts): each mistake named, a good line read right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnalyzeArgs } from '../../src/cli/analyze-args.ts';
import { AnalyticsError } from '../../src/analytics/index.ts';

function badArgs(argv: string[], pattern: RegExp): void {
  assert.throws(() => parseAnalyzeArgs(argv), (e: unknown) => e instanceof AnalyticsError && e.code === 'BAD_ARGUMENT' && pattern.test(e.message));
}

test('argument errors name what is wrong', () => {
  badArgs([], /missing FILE/);
  badArgs(['a.mp4', 'b.mp4'], /one FILE/);
  badArgs(['a.mp4', '--line', 'L:0.1,0.2,0.3'], /4 numbers, got 3/);
  badArgs(['a.mp4', '--line', '0.1,0.2,0.3,0.4'], /NAME:x1,y1,x2,y2/);
  badArgs(['a.mp4', '--line', 'L:0.1,0.2,1.5,0.4'], /outside 0\.\.1.*normalised/);
  badArgs(['a.mp4', '--line', 'L:0.1,0.2,abc,0.4'], /"abc" is not a number/);
  badArgs(['a.mp4', '--line', 'L:0.5,0.5,0.5,0.5'], /same/);
  badArgs(['a.mp4', '--zone', 'Z:0.1,0.1;0.2,0.2'], /at least 3 points/);
  badArgs(['a.mp4', '--zone', 'Z:0.1,0.1;0.2;0.3,0.3'], /not x,y/);
  badArgs(['a.mp4', '--line', 'A:0,0,1,1', '--zone', 'A:0,0;1,0;1,1'], /used twice/);
  badArgs(['a.mp4', '--dwell', 'nowhere:5'], /no --zone named "nowhere"/);
  badArgs(['a.mp4', '--fps', '0'], /--fps/);
  badArgs(['a.mp4', '--fps', 'fast'], /not a number/);
  badArgs(['a.mp4', '--width', '10'], /at least 64/);
  badArgs(['a.mp4', '--detector', 'yolo'], /neural or motion/);
  badArgs(['a.mp4', '--frobnicate'], /frobnicate/);
  badArgs(['a.mp4', '--mask', '0.1,0.1;0.2,0.2'], /at least 3 points/);
  badArgs(['a.mp4', '--input', '300'], /--input: a multiple of 32/);
  badArgs(['a.mp4', '--tiles', '9'], /--tiles: off or a number of rows/);
  badArgs(['a.mp4', '--score', 'dog:0.1,0.2,0.3'], /unknown class "dog"/);
  badArgs(['a.mp4', '--score', 'person:0.5,0.2,0.6'], /LOW must not exceed/);
  badArgs(['a.mp4', '--score', 'person:0.1,0.2'], /3 numbers/);
  const det = parseAnalyzeArgs(['x.mp4', '--input', '416', '--tiles', 'off', '--score', 'person:0.2,0.4,0.5']);
  assert.deepEqual(det.detection, { inputSize: 416, tiles: false, classes: { person: { low: 0.2, high: 0.4, start: 0.5 } } });
  assert.deepEqual(parseAnalyzeArgs(['x.mp4', '--tiles', '2']).detection, { tiles: { rows: 2 } });
  const ok = parseAnalyzeArgs(['x.mp4', '--line', 'L:0,0.5,1,0.5', '--zone', 'Z:0,0;1,0;1,1', '--mask', '0,0;0.1,0;0.1,0.1', '--dwell', 'Z:3', '--crowd', 'Z:4:20', '--fps', '2.5', '--json']);
  assert.deepEqual(ok.masks, [[[0, 0], [0.1, 0], [0.1, 0.1]]]);
  assert.deepEqual(ok.lines, [{ name: 'L', p1: [0, 0.5], p2: [1, 0.5] }]);
  assert.deepEqual(ok.dwell, [{ zone: 'Z', seconds: 3 }]);
  assert.equal(ok.crowd[0].areaM2, 20);
  assert.equal(ok.fps, 2.5);
  assert.equal(ok.json, true);
});
