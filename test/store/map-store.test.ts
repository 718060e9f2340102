// Issue 11's store queries (placements, sites, outage areas) on both engines.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/index.ts';
import { bothStoreEngines, storeTestCamera } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('map');


for (const engine of engines) {
  describe(`map store on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
      for (let i = 0; i < 5; i++) await store.createCamera(storeTestCamera(`c${i}`));
    });

    test('placements: upsert, read back exactly, bbox, paging, delete with the camera', async () => {
      await store.putCameraPlacements([
        { cameraId: 'c0', lon: 69.1723456789, lat: 34.5281234567, bearing: 90, angle: 60, range: 80, ptz: false, siteId: 's1' },
        { cameraId: 'c1', lon: 69.18, lat: 34.53, bearing: 0, angle: 360, range: 150, ptz: true, siteId: null },
        { cameraId: 'c2', lon: 69.30, lat: 34.60, bearing: 180, angle: 45, range: 40, ptz: false, siteId: null },
      ], { actor: 'admin', action: 'map.place', details: { n: 3 } });
      const c0 = await store.getCameraPlacement('c0');
      assert.deepEqual(c0, { cameraId: 'c0', lon: 69.1723456789, lat: 34.5281234567, bearing: 90, angle: 60, range: 80, ptz: false, siteId: 's1' });
      assert.equal((await store.getCameraPlacement('c3')), null);

      const inBox = await store.listCameraPlacements({ bbox: { west: 69.1, south: 34.5, east: 69.2, north: 34.55 } });
      assert.deepEqual(inBox.map((p) => p.cameraId).sort(), ['c0', 'c1']);
      assert.equal(inBox.find((p) => p.cameraId === 'c1')!.ptz, true);
      assert.equal(inBox[0]!.name.startsWith('Camera '), true);
      assert.equal(await store.countCameraPlacements({ west: 69.1, south: 34.5, east: 69.2, north: 34.55 }), 2);
      assert.equal(await store.countCameraPlacements(), 3);

      const page1 = await store.listCameraPlacements({ limit: 2 });
      assert.deepEqual(page1.map((p) => p.cameraId), ['c0', 'c1']);
      const page2 = await store.listCameraPlacements({ limit: 2, afterId: 'c1' });
      assert.deepEqual(page2.map((p) => p.cameraId), ['c2']);

      await store.putCameraPlacements([{ cameraId: 'c0', lon: 69.17, lat: 34.52, bearing: 270, angle: 30, range: 60, ptz: false, siteId: null }]);
      assert.equal((await store.getCameraPlacement('c0'))!.bearing, 270);

      assert.equal(await store.deleteCamera('c2'), true);
      assert.equal(await store.getCameraPlacement('c2'), null);
      assert.equal(await store.deleteCameraPlacement('c1'), true);
      assert.equal(await store.deleteCameraPlacement('c1'), false);
      const audit = await store.listAudit(0, 100);
      assert.ok(audit.some((e) => e.action === 'map.place'));
    });

    test('an import is one transaction: a failing row leaves nothing behind', async () => {
      const before = await store.countCameraPlacements();
      await assert.rejects(store.putCameraPlacements([
        { cameraId: 'c3', lon: 69.1, lat: 34.5, bearing: 0, angle: 90, range: 50, ptz: false, siteId: null },
        // NOT NULL violated inside the same transaction
        { cameraId: 'c4', lon: null as unknown as number, lat: 34.5, bearing: 0, angle: 90, range: 50, ptz: false, siteId: null },
      ]));
      assert.equal(await store.countCameraPlacements(), before);
      assert.equal(await store.getCameraPlacement('c3'), null);
    });

    test('sites: upsert keeps created_at, list by priority, delete clears camera links', async () => {
      const poly: [number, number][] = [[69.1, 34.5], [69.11, 34.5], [69.11, 34.51]];
      await store.putSite({ id: 's1', name: 'Hospital', kind: 'hospital', priority: 2, polygon: poly, createdAt: 1000, updatedAt: 1000 });
      await store.putSite({ id: 's2', name: 'Ministry', kind: 'ministry', priority: 1, polygon: poly, createdAt: 1500, updatedAt: 1500 });
      const again = await store.putSite({ id: 's1', name: 'Central Hospital', kind: 'hospital', priority: 2, polygon: poly, createdAt: 9999, updatedAt: 2000 });
      assert.equal(again.createdAt, 1000);
      assert.deepEqual((await store.listSites()).map((s) => s.id), ['s2', 's1']);
      assert.deepEqual((await store.getSite('s1'))!.polygon, poly);
      await store.putCameraPlacements([{ cameraId: 'c3', lon: 69.1, lat: 34.5, bearing: 0, angle: 90, range: 50, ptz: false, siteId: 's1' }]);
      assert.equal(await store.deleteSite('s1'), true);
      assert.equal((await store.getCameraPlacement('c3'))!.siteId, null);
      assert.equal(await store.deleteSite('s1'), false);
    });

    test('outage areas: open and closed, by overlap with a time range', async () => {
      const hull: [number, number][] = [[69.1, 34.5], [69.11, 34.5], [69.11, 34.51], [69.1, 34.5]];
      await store.putOutageArea({ id: 'o1', startMs: 1000, endMs: 61_000, count: 12, cameraIds: ['c0', 'c1'], hull });
      await store.putOutageArea({ id: 'o2', startMs: 100_000, endMs: null, count: 3, cameraIds: ['c3'], hull });
      assert.deepEqual((await store.listOutageAreas({ fromMs: 0, toMs: 200_000 })).map((a) => a.id), ['o2', 'o1']);
      assert.deepEqual((await store.listOutageAreas({ fromMs: 70_000, toMs: 200_000 })).map((a) => a.id), ['o2']);
      await store.putOutageArea({ id: 'o2', startMs: 100_000, endMs: 150_000, count: 3, cameraIds: ['c3'], hull });
      const o2 = (await store.listOutageAreas({ fromMs: 0, toMs: 200_000 }))[0]!;
      assert.equal(o2.endMs, 150_000);
      assert.deepEqual(o2.hull, hull);
      assert.deepEqual((await store.listOutageAreas({ fromMs: 160_000, toMs: 200_000 })), []);
    });

    test('an open outage area keeps its members (the picture survives a restart); closed, they are dropped', async () => {
      const hull: [number, number][] = [[69.1, 34.5], [69.11, 34.5], [69.11, 34.51], [69.1, 34.5]];
      const members = [{ cameraId: 'c0', pos: [69.1, 34.5] as const, downAt: 300_000, upAt: null }, { cameraId: 'c1', pos: [69.11, 34.5] as const, downAt: 301_000, upAt: 330_000 }];
      await store.putOutageArea({ id: 'o3', startMs: 300_000, endMs: null, count: 2, cameraIds: ['c0', 'c1'], hull, members });
      const open = (await store.listOutageAreas({ fromMs: 400_000, toMs: 400_000 })).find((a) => a.id === 'o3')!;
      assert.deepEqual(open.members, members);
      await store.putOutageArea({ id: 'o3', startMs: 300_000, endMs: 420_000, count: 2, cameraIds: ['c0', 'c1'], hull, members: null });
      assert.equal((await store.listOutageAreas({ fromMs: 0, toMs: 500_000 })).find((a) => a.id === 'o3')!.members, null);
    });

    test('sites in one transaction: a failing site leaves none of the others behind', async () => {
      const poly: [number, number][] = [[69.1, 34.5], [69.11, 34.5], [69.11, 34.51]];
      const before = (await store.listSites()).length;
      await assert.rejects(store.putSites([
        { id: 'sa', name: 'School', kind: 'school', priority: 3, polygon: poly, createdAt: 1, updatedAt: 1 },
        // NOT NULL violated inside the same transaction
        { id: 'sb', name: null as unknown as string, kind: 'school', priority: 3, polygon: poly, createdAt: 1, updatedAt: 1 },
      ], { actor: 'admin', action: 'map.import', details: { kind: 'sites' } }));
      assert.equal((await store.listSites()).length, before);
      assert.equal(await store.getSite('sa'), null);
      assert.ok(!(await store.listAudit(0, 1000)).some((e) => e.action === 'map.import' && (e.details as { kind?: string }).kind === 'sites'), 'no audit entry for the refused import');
      const put = await store.putSites([
        { id: 'sa', name: 'School', kind: 'school', priority: 3, polygon: poly, createdAt: 1, updatedAt: 1 },
        { id: 'sc', name: 'Clinic', kind: 'hospital', priority: 2, polygon: poly, createdAt: 1, updatedAt: 1 },
      ], { actor: 'admin', action: 'map.import', details: { kind: 'sites' } });
      assert.deepEqual(put.map((x) => x.id), ['sa', 'sc']);
      assert.equal((await store.listSites()).length, before + 2);
    });
  });
}
