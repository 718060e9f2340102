// Issue 15: segments indexed with their node, and fencing tokens that refuse a stale lease's
// writes, on both engines (SQLite embedded, a real PostgreSQL 15).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recoveryView, retentionView } from '../../src/cluster/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

for (const { name, open } of bothStoreEngines('node-seg')) {
  describe(name, () => {
    test('a fence only moves forward; a stale token\'s segment is refused and named, the holder\'s is indexed with its node', async () => {
      const store = await open();
      assert.equal(await store.setCameraFence('c1', 'n1', 10), true);
      assert.equal(await store.setCameraFence('c1', 'n2', 9), false, 'an older lease cannot take the fence back');
      assert.deepEqual(await store.getCameraFence('c1'), { nodeId: 'n1', token: 10 });
      const seg = { cameraId: 'c1', startMs: 1000, endMs: 2000, path: 'c1/a.mp4', bytes: 10 };
      assert.deepEqual(await store.putNodeSegments('n1', [{ ...seg, fence: 10 }]), []);
      // n2 takes the camera over with a newer token: n1's next write (it does not know yet) is refused.
      assert.equal(await store.setCameraFence('c1', 'n2', 12), true);
      const refused = await store.putNodeSegments('n1', [{ ...seg, endMs: 3000, fence: 10 }, { ...seg, startMs: 3000, endMs: 4000, path: 'c1/b.mp4', fence: 10 }]);
      assert.deepEqual(refused, [{ cameraId: 'c1', startMs: 1000 }, { cameraId: 'c1', startMs: 3000 }]);
      assert.deepEqual(await store.putNodeSegments('n2', [{ ...seg, startMs: 5000, endMs: 6000, path: 'c1/c.mp4', fence: 12 }]), []);
      // a token the node does not hold (another node's number) is refused too
      assert.equal((await store.putNodeSegments('n1', [{ ...seg, startMs: 7000, endMs: 8000, fence: 12 }])).length, 1);
      const rows = await store.listSegments('c1', 0, 10_000);
      assert.deepEqual(rows.map((r) => [r.startMs, r.endMs, r.nodeId]), [[1000, 2000, 'n1'], [5000, 6000, 'n2']]);
    });

    test('recovery and retention views see only their node\'s segments (another node\'s in-progress row is left alone)', async () => {
      const store = await open();
      await store.putNodeSegments('n1', [{ cameraId: 'c1', startMs: 1000, endMs: 2000, path: 'c1/1.mp4', bytes: 5 }]);
      await store.putNodeSegments('n2', [{ cameraId: 'c1', startMs: 3000, endMs: 3000, path: 'c1/3.mp4', bytes: 7 }]);
      assert.equal((await store.lastSegment('c1'))?.nodeId, 'n2');
      assert.equal((await recoveryView(store, 'n1').lastSegment('c1'))?.startMs, 1000);
      const r1 = retentionView(store, 'n1');
      assert.equal(await r1.totalSegmentBytes(), 5);
      assert.deepEqual(await r1.listSegmentCameras(), ['c1']);
      assert.deepEqual((await r1.listOldestSegments({ limit: 10 })).map((s) => s.startMs), [1000]);
      assert.deepEqual(await retentionView(store, 'n3').listSegmentCameras(), []);
      // embedded rows have no node and keep their old shape
      await store.putSegments([{ cameraId: 'e', startMs: 1, endMs: 2, path: 'e/1.mp4', bytes: 1 }]);
      assert.deepEqual(await store.lastSegment('e'), { cameraId: 'e', startMs: 1, endMs: 2, path: 'e/1.mp4', bytes: 1 });
    });
  });
}
