// A whole Vigil (embedded store) recording one simulated camera in 2 s segments, with a gap of
// about 3 s made by disabling the camera through the API: three or more segments, a gap, and
// the wall-clock times of that gap, for the playback and export tests.
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';
import type { SegmentRow } from '../../src/store/types.ts';

export interface RecordedVigil {
  v: TestVigil;
  sim: Simulator;
  segments: SegmentRow[];
  /** When the camera was switched off and on again (ms). */
  offAt: number;
  onAt: number;
  stop(): Promise<void>;
}

async function until<T>(what: string, fn: () => Promise<T | null | false> | T | null | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startRecordedVigil(): Promise<RecordedVigil> {
  const sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  let v: TestVigil;
  try {
    v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Cam 1', url: sim.urls[0] }], recording: { segmentSeconds: 2 } });
  } catch (err) {
    await sim.close();
    throw err;
  }
  const stop = async () => {
    await v.stop();
    await sim.close();
  };
  try {
    assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
    await until('2 segments before the gap', async () => (await v.store.listSegments('cam1', 0, Date.now() + 1000)).length >= 2);
    const offAt = Date.now();
    assert.equal((await v.http('/api/cameras/cam1', { method: 'PATCH', json: { enabled: false } })).status, 200);
    const before = await until('the last segment before the gap closed', async () => {
      const s = await v.store.listSegments('cam1', 0, Date.now() + 1000);
      return s.length >= 3 ? s : null;
    }, 10_000).catch(async () => v.store.listSegments('cam1', 0, Date.now() + 1000));
    await new Promise((r) => setTimeout(r, 3000));
    const onAt = Date.now();
    assert.equal((await v.http('/api/cameras/cam1', { method: 'PATCH', json: { enabled: true } })).status, 200);
    await until('2 segments after the gap', async () => {
      const s = await v.store.listSegments('cam1', 0, Date.now() + 1000);
      return s.filter((x) => x.startMs >= onAt).length >= 2 ? s : null;
    });
    // Stop recording so that no segment still grows while the tests read the index and the files.
    assert.equal((await v.http('/api/cameras/cam1', { method: 'PATCH', json: { enabled: false } })).status, 200);
    await new Promise((r) => setTimeout(r, 1500));
    const segments = await v.store.listSegments('cam1', 0, Date.now() + 1000);
    assert.ok(before.length >= 2);
    return { v, sim, segments, offAt, onAt, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
