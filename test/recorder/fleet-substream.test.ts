// A camera's sub-stream: a second, live-only connection opened while someone watches it (live
// analytics), closed when the last such viewer leaves; the main stream's viewers and recording are
// untouched; a camera without one serves its main stream to sub-stream viewers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import type { LiveSink } from '../../src/live/types.ts';
import { startRig, TEST_SIM_CACHE, type Rig } from '../helpers/recording-rig.ts';

let rig: Rig | undefined;
let sim: Simulator | undefined;
after(async () => {
  await rig?.close();
  await sim?.close();
});

function counter() {
  const seen = { inits: 0, fragments: 0, states: [] as string[] };
  const sink: LiveSink = { init: () => void seen.inits++, fragment: () => void seen.fragments++, status: (s) => void seen.states.push(s), bufferedBytes: 0 };
  return { seen, sink };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('sub-stream viewers get the 5 fps sub-stream on its own connection, only while they watch', async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'], subFps: 5 });
  assert.equal(sim.subUrls.length, 1);
  rig = await startRig(2000);
  const row = await rig.addCamera('cam', sim.urls[0], { subUrl: sim.subUrls[0] });
  const main = counter();
  const unwatchMain = rig.fleet.watch('cam', main.sink);
  await rig.waitFor('main video', () => main.seen.fragments > 5);
  const fleet = rig.fleet;
  assert.equal(fleet.openSubStreams, 0, 'nobody watches the sub-stream: no connection to it');

  const sub = counter();
  const unwatchSub = rig.fleet.watch('cam', sub.sink, 'sub');
  assert.equal(fleet.openSubStreams, 1);
  await rig.waitFor('sub video', () => sub.seen.fragments > 2);
  // Count both over the same two seconds: the sub-stream runs at a fifth of the main's rate.
  const m0 = main.seen.fragments, s0 = sub.seen.fragments;
  await sleep(2000);
  const mainRate = (main.seen.fragments - m0) / 2, subRate = (sub.seen.fragments - s0) / 2;
  assert.ok(mainRate >= 20 && mainRate <= 30, `main stream at ~25 fps, saw ${mainRate}`);
  assert.ok(subRate >= 3.5 && subRate <= 6.5, `sub-stream at ~5 fps, saw ${subRate}`);

  unwatchSub();
  assert.equal(fleet.openSubStreams, 0, 'the last sub-stream viewer left: its connection closes');
  const m1 = main.seen.fragments;
  await sleep(500);
  assert.ok(main.seen.fragments > m1 + 5, 'the main stream goes on');

  // The sub-stream URL removed: sub-stream viewers get the main stream.
  rig.fleet.upsert({ ...row, subUrl: null });
  const fallback = counter();
  const unwatchFallback = rig.fleet.watch('cam', fallback.sink, 'sub');
  assert.equal(fleet.openSubStreams, 0);
  await rig.waitFor('main video for a sub viewer', () => fallback.seen.fragments > 10);
  unwatchFallback();
  unwatchMain();
});

test('a sub-stream viewer follows the camera being given a sub-stream, and disabled and enabled', async () => {
  sim ??= await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'], subFps: 5 });
  rig ??= await startRig(2000);
  const row = await rig.addCamera('cam2', sim.urls[0]);
  const fleet = rig.fleet;
  const v = counter();
  const unwatch = rig.fleet.watch('cam2', v.sink, 'sub');
  await rig.waitFor('main stream first', () => v.seen.fragments > 10);
  const inits = v.seen.inits;
  rig.fleet.upsert({ ...row, subUrl: sim.subUrls[0] });
  assert.equal(fleet.openSubStreams, 1, 'given a sub-stream: the viewer moves to it');
  await rig.waitFor('sub-stream init', () => v.seen.inits > inits);

  rig.fleet.upsert({ ...row, subUrl: sim.subUrls[0], enabled: false });
  assert.equal(fleet.openSubStreams, 0, 'disabled: no sub-stream connection');
  await rig.waitFor('told disabled', () => v.seen.states.at(-1) === 'disabled');
  const f = v.seen.fragments;
  rig.fleet.upsert({ ...row, subUrl: sim.subUrls[0], enabled: true });
  assert.equal(fleet.openSubStreams, 1, 'enabled again: the viewer is back on the sub-stream');
  await rig.waitFor('video again', () => v.seen.fragments > f + 3);
  unwatch();
  assert.equal(fleet.openSubStreams, 0);
});

test('a sub-stream that cannot be reached: its viewers get the main stream, and go back when it appears', async () => {
  sim ??= await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'], subFps: 5 });
  rig ??= await startRig(2000);
  const late = sim.urls[0].replace(/\/cam1$/, '/cam1/late');
  await rig.addCamera('cam3', sim.urls[0], { subUrl: late });
  const v = counter();
  const unwatch = rig.fleet.watch('cam3', v.sink, 'sub');
  await rig.waitFor('sub-stream reported down', () => rig!.fleet.status('cam3').subStream === 'down');
  await rig.waitFor('main-stream video meanwhile', () => v.seen.fragments > 10);
  const inits = v.seen.inits;
  // The camera's sub-stream path appears (the recorder retries with backoff: 1, 2, 4 s ...).
  sim.server.addPath('/cam1/late', sim.cameras[0]);
  await rig.waitFor('sub-stream back', () => rig!.fleet.subStreamState('cam3') === 'up', 20_000);
  await rig.waitFor('the viewer moved back (a new init)', () => v.seen.inits > inits);
  const f = v.seen.fragments;
  await rig.waitFor('video from the sub-stream', () => v.seen.fragments > f + 5);
  unwatch();
  assert.equal(rig.fleet.status('cam3').subStream, 'idle');
  assert.equal(rig.fleet.status('cam').subStream, 'none', 'a camera without a sub-stream');
});
