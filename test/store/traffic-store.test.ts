// Issue 14's store queries (camera calibrations) on both engines.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/index.ts';
import { bothStoreEngines, storeTestCamera } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('traffic');


const POINTS = [
  { image: [0.1234567891, 0.9] as [number, number], ground: [0, 0] as [number, number] },
  { image: [0.9, 0.9] as [number, number], ground: [7.25, 0] as [number, number] },
  { image: [0.6, 0.3] as [number, number], ground: [7.25, 40.5] as [number, number] },
  { image: [0.4, 0.3] as [number, number], ground: [0, 40.5] as [number, number] },
];

for (const engine of engines) {
  describe(`traffic store on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
      for (const id of ['c0', 'c1']) await store.createCamera(storeTestCamera(id));
    });

    test('calibration: put, read back exactly, replace, delete (audited), and gone with the camera', async () => {
      assert.equal(await store.getCameraCalibration('c0'), null);
      await store.putCameraCalibration({ cameraId: 'c0', points: POINTS, updatedAt: 1000 }, { actor: 'u1', action: 'camera.calibrate', cameraId: 'c0', details: { points: 4 } });
      assert.deepEqual(await store.getCameraCalibration('c0'), { cameraId: 'c0', points: POINTS, updatedAt: 1000 });
      const moved = POINTS.map((p) => ({ ...p, image: [p.image[0], p.image[1] - 0.01] as [number, number] }));
      await store.putCameraCalibration({ cameraId: 'c0', points: moved, updatedAt: 2000 });
      assert.deepEqual((await store.getCameraCalibration('c0'))?.points, moved);
      const audit = await store.listAudit(0, 100);
      assert.equal(audit.filter((a) => a.action === 'camera.calibrate' && a.cameraId === 'c0').length, 1, 'the audited put only');
      assert.equal(await store.deleteCameraCalibration('c1'), false);
      assert.equal(await store.deleteCameraCalibration('c0', { actor: 'u1', action: 'camera.uncalibrate', cameraId: 'c0' }), true);
      assert.equal((await store.listAudit(0, 100)).filter((a) => a.action === 'camera.uncalibrate').length, 1);
      assert.equal(await store.getCameraCalibration('c0'), null);
      await store.putCameraCalibration({ cameraId: 'c1', points: POINTS, updatedAt: 3000 });
      assert.equal(await store.deleteCamera('c1'), true);
      assert.equal(await store.getCameraCalibration('c1'), null);
    });
  });
}
