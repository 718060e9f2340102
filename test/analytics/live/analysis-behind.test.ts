// A node that cannot analyse its cameras at their rate says so: the analyser is made slower than
// the stream (a detector that takes 450 ms a frame stands in for a CPU too small for the cameras,
// which cannot be produced on demand here), and within a window the camera is reported behind:
// in LiveAnalytics.behind() and on the bus (which the alarm WebSocket and /api/alarms carry).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startSimulator, type Simulator } from '../../../src/simulator/index.ts';
import { LiveAnalytics, type Pace } from '../../../src/analytics/index.ts';
import { EventBus, SnapshotStore, type EventTopics } from '../../../src/events/index.ts';
import type { Detector } from '../../../src/analytics/index.ts';
import { startRig, TEST_SIM_CACHE, type Rig } from '../../helpers/recording-rig.ts';

let rig: Rig | undefined;
let sim: Simulator | undefined;
let analytics: LiveAnalytics | undefined;
after(async () => {
  await analytics?.close();
  await rig?.close();
  await sim?.close();
});

const slow: Detector = {
  inputSize: 320,
  detect: (batch) => new Promise((r) => setTimeout(() => r(batch.map(() => [])), 450)),
  close: async () => undefined,
};

test('a camera analysed slower than its stream is reported behind; a fast one is not', { timeout: 90_000 }, async () => {
  sim = await startSimulator({ cameras: 2, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['life'], subFps: 5 });
  rig = await startRig(10_000);
  await rig.addCamera('slowcam', sim.urls[0], { subUrl: sim.subUrls[0] });
  await rig.addCamera('okcam', sim.urls[1], { subUrl: sim.subUrls[1] });
  analytics = new LiveAnalytics({ store: rig.store, runtime: rig.fleet, logger: pino({ level: 'silent' }), bus: new EventBus<EventTopics>(), snapshots: new SnapshotStore(rig.dir), loadNeuralDetector: async () => slow });
  const seen: Record<string, Pace>[] = [];
  analytics.bus.subscribe('analytics.behind', (b) => void seen.push(b));
  const settings = { enabled: true, fps: 5, tamper: false };
  await analytics.update('slowcam', { ...settings, detector: 'neural' }, { actor: 'test', ip: null });
  await analytics.update('okcam', { ...settings, detector: 'motion' }, { actor: 'test', ip: null });
  const behind = await rig.waitFor('slowcam reported behind', () => analytics!.behind().slowcam, 40_000);
  assert.ok(behind.analysedFps < 3, `analysed ${behind.analysedFps} fps`);
  assert.equal(behind.expectedFps, 5);
  assert.equal(analytics.behind().okcam, undefined, 'the camera that keeps up is not listed');
  const ok = analytics.status().find((s) => s.cameraId === 'okcam')!;
  assert.ok(ok.pace.analysedFps >= 4.5, `okcam analysed ${ok.pace.analysedFps} fps`);
  assert.ok(seen.some((b) => 'slowcam' in b && !('okcam' in b)), 'published on the bus');
});
