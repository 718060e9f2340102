// The timeline's pure parts: spans from segments, the holes between them, and each hole's reason
// from the recorder's gap index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainGaps, gapsBetween, recordedSpans } from '../../src/playback/index.ts';

test('segments a few ms apart are one span; the holes between spans are gaps', () => {
  const spans = recordedSpans([{ startMs: 100, endMs: 2000 }, { startMs: 2010, endMs: 4000 }, { startMs: 9000, endMs: 12_000 }], 0, 10_000);
  assert.deepEqual(spans, [{ startMs: 100, endMs: 4000 }, { startMs: 9000, endMs: 10_000 }]);
  assert.deepEqual(gapsBetween(spans, 0, 10_000), [{ startMs: 0, endMs: 100 }, { startMs: 4000, endMs: 9000 }]);
});

test('each gap takes the reason of the indexed gap that overlaps it most; none indexed gives null', () => {
  const gaps = [{ startMs: 0, endMs: 100 }, { startMs: 4000, endMs: 9000 }, { startMs: 20_000, endMs: 21_000 }, { startMs: 30_000, endMs: 31_000 }];
  const records = [
    { startMs: 3990, endMs: 5000, reason: 'CAMERA_UNREACHABLE' },
    { startMs: 5000, endMs: 9010, reason: 'RECORDER_DOWN' }, // the larger share of the second gap
    { startMs: 19_000, endMs: 19_500, reason: 'DISK_FULL' }, // ends before the third gap: not its reason
    { startMs: 20_500, endMs: 22_000, reason: 'STREAM_STALLED' },
  ];
  assert.deepEqual(explainGaps(gaps, records).map((g) => g.reason), [null, 'RECORDER_DOWN', 'STREAM_STALLED', null]);
  assert.deepEqual(explainGaps(gaps, [])[1], { startMs: 4000, endMs: 9000, reason: null });
});
