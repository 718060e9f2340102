// Issue 14's store queries (camera calibrations) on both engines.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type NewCamera, type Store, type StoreConfig } from '../../src/store/index.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

const tmp = mkdtempSync(join(tmpdir(), 'vigil-traffic-store-'));
let postgres: TestPostgres;
let n = 0;
const opened: Store[] = [];
before(async () => { postgres = await startPostgres(); });
after(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await postgres?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const engines: { name: string; config: () => Promise<StoreConfig> }[] = [
  { name: 'sqlite', config: async () => ({ kind: 'sqlite', path: join(tmp, `t${++n}.sqlite`) }) },
  { name: 'postgres', config: async () => ({ kind: 'postgres', url: await postgres.createDatabase(`t${++n}`) }) },
];

const camera = (id: string): NewCamera => ({ id, name: `Camera ${id}`, url: `rtsp://10.0.0.1/${id}`, username: null, passwordEnc: null, transport: 'tcp', enabled: true, record: true });

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
      store = await openStore(await engine.config());
      opened.push(store);
      for (const id of ['c0', 'c1']) await store.createCamera(camera(id));
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
