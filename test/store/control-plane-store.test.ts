// Issue 15's control plane at city size on both engines: the camera count kept with the rows,
// cameras by scope a page at a time, the viewport by latitude cells (same answer as a plain scan),
// and the health reports of the nodes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type CameraHealthRow, type CameraHealthSample, type ScopeRef, type Store } from '../../src/store/index.ts';
import { bothStoreEngines, storeTestCamera } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('ctlplane');
const id = (i: number) => `cam${String(i).padStart(4, '0')}`;

function health(cameraId: string, state: CameraHealthRow['state'], reportedAt: number, over: Partial<CameraHealthRow> = {}): CameraHealthRow {
  return {
    cameraId, nodeId: 'node-a', state, stateSince: 0, fps: state === 'online' ? 12.5 : null, bitrateKbps: state === 'online' ? 2048 : null,
    width: 1920, height: 1080, codec: 'h264', reconnects: 1, lastFrameAt: reportedAt - 80, error: state === 'offline' ? 'timeout' : null, reportedAt, lostFrames: null, ...over,
  };
}

for (const engine of engines) {
  describe(`control plane queries on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });

    test('the camera count follows creations and deletions (also of a camera that is not there)', async () => {
      assert.equal(await store.countCameras(), 0);
      for (let i = 0; i < 30; i++) await store.createCamera(storeTestCamera(id(i)));
      assert.equal(await store.countCameras(), 30);
      assert.equal(await store.deleteCamera(id(29)), true);
      assert.equal(await store.deleteCamera(id(29)), false);
      assert.equal(await store.countCameras(), 29);
      await assert.rejects(store.createCamera(storeTestCamera(id(0))));
      assert.equal(await store.countCameras(), 29, 'a refused duplicate does not count');
    });

    test('cameras of a scope, a page at a time in id order, each once; counted', async () => {
      for (let i = 0; i < 29; i++) {
        const scopes: ScopeRef[] = [{ kind: 'site', id: i % 3 === 0 ? 'north' : 'south' }];
        if (i % 5 === 0) scopes.push({ kind: 'group', id: 'gates' });
        await store.setCameraScopes(id(i), scopes);
      }
      const north = Array.from({ length: 29 }, (_, i) => i).filter((i) => i % 3 === 0).map(id);
      const pages: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await store.listCamerasInScopes({ scopes: [{ kind: 'site', id: 'north' }], afterId, limit: 4 });
        pages.push(...page.map((c) => c.id));
        if (page.length < 4) break;
        afterId = page.at(-1)!.id;
      }
      assert.deepEqual(pages, north);
      // Two scopes: a camera in both is listed (and counted) once.
      const either = Array.from({ length: 29 }, (_, i) => i).filter((i) => i % 3 === 0 || i % 5 === 0).map(id);
      const both = [{ kind: 'site' as const, id: 'north' }, { kind: 'group' as const, id: 'gates' }];
      assert.deepEqual((await store.listCamerasInScopes({ scopes: both, limit: 100 })).map((c) => c.id), either);
      assert.equal(await store.countCamerasInScopes(both), either.length);
      assert.equal(await store.countCamerasInScopes([{ kind: 'site', id: 'nowhere' }]), 0);
      assert.deepEqual(await store.listCamerasInScopes({ scopes: [], limit: 10 }), []);
    });

    test('the viewport by latitude cells finds exactly what a scan of every placement finds, edges included', async () => {
      // A grid every 0.0025 degrees (half a cell), so boxes fall on cell edges and points on box edges.
      const placed = [];
      for (let i = 0; i < 29; i++) placed.push({ cameraId: id(i), lon: 69.1 + (i % 6) * 0.0025, lat: 34.5 + Math.floor(i / 6) * 0.0025, bearing: 0, angle: 60, range: 50, ptz: false, siteId: null });
      await store.putCameraPlacements(placed);
      const boxes = [
        { west: 69.1, south: 34.5, east: 69.105, north: 34.505 },
        { west: 69.1025, south: 34.5025, east: 69.1075, north: 34.51 },
        { west: 69.0, south: 34.0, east: 70, north: 35 },
        { west: 69.1, south: 34.5, east: 69.1, north: 34.5 },
        { west: 69.101, south: 34.501, east: 69.102, north: 34.502 },
        // Taller than 64 cells: the latitude band.
        { west: 69.1, south: 30, east: 69.1025, north: 40 },
      ];
      for (const b of boxes) {
        const want = placed.filter((p) => p.lon >= b.west && p.lon <= b.east && p.lat >= b.south && p.lat <= b.north).map((p) => p.cameraId).sort();
        const got = (await store.listCameraPlacements({ bbox: b, limit: 1000 })).map((p) => p.cameraId).sort();
        assert.deepEqual(got, want, JSON.stringify(b));
        assert.equal(await store.countCameraPlacements(b), want.length);
      }
      // Moved far north: found there, no longer in its old box.
      await store.putCameraPlacements([{ ...placed[0]!, lat: 35.2 }]);
      assert.ok(!(await store.listCameraPlacements({ bbox: boxes[0]!, limit: 100 })).some((p) => p.cameraId === id(0)));
      assert.deepEqual((await store.listCameraPlacements({ bbox: { west: 69, south: 35.19, east: 70, north: 35.21 }, limit: 100 })).map((p) => p.cameraId), [id(0)]);
      assert.deepEqual((await store.listCameraPlacements({ cameraIds: [id(3), id(1), 'nope'], limit: 10 })).map((p) => p.cameraId), [id(1), id(3)]);
    });

    test('health reports: newest kept per camera, state_since kept while the state holds, paged, removed with the camera', async () => {
      const t = 1_800_000_000_000;
      assert.equal(await store.putCameraHealth([health(id(1), 'online', t), health(id(2), 'offline', t)]), 2);
      await store.putCameraHealth([health(id(1), 'online', t + 10_000, { fps: 10, lostFrames: 42 }), health(id(2), 'online', t + 10_000, { nodeId: 'node-b' })]);
      const [one, two] = await store.listCameraHealth({ cameraIds: [id(1), id(2)], limit: 10 });
      assert.deepEqual(one, health(id(1), 'online', t + 10_000, { fps: 10, lostFrames: 42, stateSince: t }));
      assert.deepEqual(two, health(id(2), 'online', t + 10_000, { nodeId: 'node-b', stateSince: t + 10_000 }));
      // A big report goes in batches.
      const big = Array.from({ length: 2500 }, (_, i) => health(`bulk${String(i).padStart(5, '0')}`, i % 7 ? 'online' : 'offline', t));
      assert.equal(await store.putCameraHealth(big), 2500);
      const paged: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await store.listCameraHealth({ afterId, limit: 1000 });
        paged.push(...page.map((h) => h.cameraId));
        if (page.length < 1000) break;
        afterId = page.at(-1)!.cameraId;
      }
      assert.equal(paged.length, 2502);
      assert.equal(new Set(paged).size, 2502);
      assert.equal((await store.listCameraHealth({ nodeId: 'node-b', limit: 10 })).length, 1);
      await store.deleteCamera(id(1));
      assert.deepEqual(await store.listCameraHealth({ cameraIds: [id(1)], limit: 10 }), []);
    });

    test('health history: samples added (one per camera and time), read newest first within a range, deleted by age in batches', async () => {
      const t = 1_800_000_000_000;
      const sample = (cameraId: string, at: number, over: Partial<CameraHealthSample> = {}): CameraHealthSample => ({
        cameraId, at, nodeId: 'node-a', state: 'online', fps: 12.5, bitrateKbps: 900, reconnects: 0, lostFrames: 3, error: null, ...over,
      });
      const rows = Array.from({ length: 1500 }, (_, i) => sample(`h${i % 3}`, t + Math.floor(i / 3) * 60_000));
      assert.equal(await store.addCameraHealthSamples(rows), 1500);
      assert.equal(await store.addCameraHealthSamples([sample('h0', t, { state: 'offline' })]), 0, 'a sample already there is kept');
      const h0 = await store.listCameraHealthSamples({ cameraId: 'h0', fromMs: t, toMs: t + 10 * 60_000, limit: 100 });
      assert.deepEqual(h0.map((s) => (s.at - t) / 60_000), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      assert.deepEqual(h0.at(-1), sample('h0', t));
      assert.equal(await store.addCameraHealthSamples([sample('h1', t - 1, { state: 'offline', fps: null, bitrateKbps: null, lostFrames: null, error: 'timeout' })]), 1);
      assert.deepEqual(await store.listCameraHealthSamples({ cameraId: 'h1', fromMs: 0, toMs: t, limit: 1 }), [sample('h1', t)]);
      assert.equal((await store.listCameraHealthSamples({ cameraId: 'h1', fromMs: 0, toMs: t - 1, limit: 5 }))[0].error, 'timeout');
      // everything before t + 100 min: 3 cameras x 100 minutes, plus the early one
      let gone = 0;
      for (let n; (n = await store.deleteCameraHealthSamplesBefore(t + 100 * 60_000, 128)) > 0;) gone += n;
      assert.equal(gone, 301);
      assert.equal((await store.listCameraHealthSamples({ cameraId: 'h2', fromMs: 0, toMs: t + 1000 * 60_000, limit: 10_000 })).length, 400);
    });
  });
}
