// A live viewer of a camera that an operator switches off and on again: it is told the camera is
// disabled, and gets video again from the new recorder without reconnecting.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import type { CameraState, LiveSink } from '../../src/live/types.ts';
import { startRig, TEST_SIM_CACHE, type Rig } from '../helpers/recording-rig.ts';

let rig: Rig | undefined;
let sim: Simulator | undefined;
after(async () => {
  await rig?.close();
  await sim?.close();
});

test('a viewer survives the camera being disabled and enabled: told "disabled", then video from the new recorder', async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  rig = await startRig(2000);
  const row = await rig.addCamera('cam', sim.urls[0]);
  const seen: { states: CameraState[]; inits: number; fragments: number } = { states: [], inits: 0, fragments: 0 };
  const sink: LiveSink = {
    init: () => void seen.inits++,
    fragment: () => void seen.fragments++,
    status: (state) => void seen.states.push(state),
    bufferedBytes: 0,
  };
  const unwatch = rig.fleet.watch('cam', sink);
  await rig.waitFor('video before', () => seen.fragments > 10);

  rig.fleet.upsert({ ...row, enabled: false });
  await rig.waitFor('the viewer told', () => seen.states.at(-1) === 'disabled');
  const before = { inits: seen.inits, fragments: seen.fragments };
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(seen.fragments, before.fragments, 'nothing while disabled');

  rig.fleet.upsert({ ...row, enabled: true });
  await rig.waitFor('video after', () => seen.fragments > before.fragments + 10, 10_000);
  assert.ok(seen.inits > before.inits, 'a new init segment for the new recorder');
  assert.equal(seen.states.at(-1), 'online');

  unwatch();
  const after = seen.fragments;
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(seen.fragments - after <= 1, 'nothing after unwatching');
});
