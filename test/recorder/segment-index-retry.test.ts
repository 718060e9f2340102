// The segment index queue keeps what the store refused and writes it once the store answers
// again (the database away, or an edge node's link to it cut), the newest state of each segment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentIndexQueue } from '../../src/recorder/index.ts';
import type { SegmentRow } from '../../src/store/index.ts';

test('a failed index write is kept and retried; a newer state of the same segment wins', async () => {
  const written: SegmentRow[][] = [];
  let down = 2;
  const errors: string[] = [];
  const q = new SegmentIndexQueue({ putSegments: async (segs) => {
    if (down-- > 0) throw new Error('connection refused');
    written.push(segs);
  } }, (err) => errors.push(err.message), 20);
  const seg = (startMs: number, endMs: number): SegmentRow => ({ cameraId: 'c1', startMs, endMs, path: `c1/${startMs}.mp4`, bytes: endMs - startMs });
  q.put(seg(0, 1000));
  q.put(seg(1000, 1500));
  await q.flush(); // fails
  q.put(seg(1000, 2000)); // the growing segment's newer state, put while the store is away
  const t0 = Date.now();
  while (written.length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(errors.length, 2, 'two failures reported');
  assert.equal(written.length, 1);
  assert.deepEqual(written[0].map((s) => [s.startMs, s.endMs]).sort((a, b) => a[0] - b[0]), [[0, 1000], [1000, 2000]]);
  q.stop();
});

test('a stale state retried after its newer state was written does not move the segment\'s end back', async () => {
  const rows = new Map<number, number>();
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new SegmentIndexQueue({ putSegments: async (segs) => {
    calls++;
    if (calls === 1) {
      await gate; // the first write hangs, then fails (a link cut)
      throw new Error('EHOSTUNREACH');
    }
    for (const s of segs) rows.set(s.startMs, s.endMs);
  } }, () => undefined, 10);
  const seg = (endMs: number) => ({ cameraId: 'c1', startMs: 0, endMs, path: 'c1/0.mp4', bytes: endMs });
  q.put(seg(1100)); // a growing segment's progress
  const first = q.flush();
  q.put(seg(2000)); // its final state, taken by the next flush while the first hangs
  const second = q.flush();
  release();
  await first;
  await second;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(rows.get(0), 2000, `the end stays at the final state (writes: ${calls})`);
  q.stop();
});
