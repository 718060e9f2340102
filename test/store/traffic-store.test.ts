// Issue 14's store queries (camera calibrations, traffic counts) on both engines; the counts a live
// traffic rule makes are still there after the store is closed and opened again (a restart).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Store } from '../../src/store/index.ts';
import { TrafficCountBuffer } from '../../src/events/index.ts';
import { fitHomography, minutesOf, prepareTrafficRule } from '../../src/traffic/index.ts';
import type { Track } from '../../src/analytics/index.ts';
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

    test('traffic counts: added rows of the same minute, lane, class and speed bin are summed; read back by time range', async () => {
      const m0 = Date.UTC(2026, 11, 2, 10, 0);
      await store.addTrafficCounts([
        { cameraId: 'c0', lane: 'east', minuteMs: m0, cls: 'car', speedBin: 7, n: 2 },
        { cameraId: 'c0', lane: 'east', minuteMs: m0, cls: 'car', speedBin: -1, n: 1 },
        { cameraId: 'c0', lane: 'west', minuteMs: m0 + 60_000, cls: 'truck', speedBin: 20, n: 1 },
        { cameraId: 'c9', lane: 'east', minuteMs: m0, cls: 'car', speedBin: 7, n: 5 },
      ]);
      await store.addTrafficCounts([{ cameraId: 'c0', lane: 'east', minuteMs: m0, cls: 'car', speedBin: 7, n: 3 }]);
      await store.addTrafficCounts([]);
      assert.deepEqual(await store.listTrafficCounts({ cameraId: 'c0', fromMs: m0, toMs: m0 + 120_000 }), [
        { cameraId: 'c0', lane: 'east', minuteMs: m0, cls: 'car', speedBin: -1, n: 1 },
        { cameraId: 'c0', lane: 'east', minuteMs: m0, cls: 'car', speedBin: 7, n: 5 },
        { cameraId: 'c0', lane: 'west', minuteMs: m0 + 60_000, cls: 'truck', speedBin: 20, n: 1 },
      ]);
      assert.equal((await store.listTrafficCounts({ cameraId: 'c0', fromMs: m0 + 60_000, toMs: m0 + 120_000 })).length, 1, 'from is inclusive, to exclusive');
      const [east] = minutesOf((await store.listTrafficCounts({ cameraId: 'c0', fromMs: m0, toMs: m0 + 60_000 })).map((r) => ({ ...r, cls: 'car' as const })));
      assert.equal(east.n, 6, 'vehicles without a speed are counted too');
      assert.equal(east.speedBins[7], 5);
    });
  });

  test(`traffic counts survive a restart (${engine.name}): what a live rule counted is read back after the store is opened again`, async () => {
    const { store: first, reopen } = await engine.openReopenable();
    await first.createCamera(storeTestCamera('road'));
    // seen straight down: the image is 40 m by 20 m of ground; one lane across it
    const cal = fitHomography([[0, 0, 0, 0], [1, 0, 40, 0], [1, 1, 40, 20], [0, 1, 0, 20]].map(([u, v, x, y]) => ({ image: [u, v] as [number, number], ground: [x, y] as [number, number] })));
    const lane = { name: 'east', polygon: [[0, 0.3], [1, 0.3], [1, 0.7], [0, 0.7]] as [number, number][] };
    const buffer = new TrafficCountBuffer(first, pino({ level: 'silent' }), 60_000);
    let clock = Date.UTC(2026, 11, 2, 10, 0, 30);
    const rule = prepareTrafficRule({ lanes: [lane], speed: [] }, cal, () => clock, (rows) => { for (const r of rows) buffer.addRow({ cameraId: 'road', ...r }); })();
    const car = (id: number, x: number, t: number): Track => {
      const box: [number, number, number, number] = [x - 0.05, 0.4, x + 0.05, 0.5];
      return { id, cls: id === 3 ? 'truck' : 'car', score: 0.9, box, state: 'confirmed', hits: 10, misses: 0, firstSeen: 0, lastSeen: t, firstBox: box };
    };
    // three vehicles at 72, 36 and 72 km/h across the lane, one after another, at 10 fps
    let t = 0;
    for (const [id, mps] of [[1, 20], [2, 10], [3, 20]] as const) {
      for (let x = 0.1; x <= 0.9; x += (mps / 40) / 10, t += 0.1) rule.update([car(id, x, t)], t);
    }
    clock += 60_000;
    rule.update([], t + 5);
    const before = rule.snapshot().minutes;
    assert.equal(before.reduce((s, m) => s + m.n, 0), 3, 'all three counted');
    await buffer.close();
    await first.close();
    const again = await reopen();
    const stored = minutesOf((await again.listTrafficCounts({ cameraId: 'road', fromMs: 0, toMs: Date.UTC(2027, 0, 1) })).map((r) => ({ ...r, cls: r.cls as Track['cls'] })));
    assert.deepEqual(stored, before, 'the same minutes, lanes, classes and speed histograms');
    const carBins = stored.filter((m) => m.cls === 'car').reduce((a, m) => a.map((v, k) => v + m.speedBins[k]), new Array(21).fill(0));
    assert.equal(carBins[3], 1, `36 km/h in the 30–40 bin: ${JSON.stringify(stored)}`);
    assert.equal(carBins[7], 1, '72 km/h in the 70–80 bin');
  });
}
