// Camera health across a cluster without NATS: a node's reporter writes what its recorders say
// into the shared store; an api's board serves those states for cameras it does not record, its
// own recorders' for those it does, and stops believing a report its node stopped renewing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore, type Store } from '../../src/store/index.ts';
import { HealthBoard, HealthReporter } from '../../src/cluster/index.ts';
import type { CameraRuntime, CameraStatus } from '../../src/live/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-health-'));
let store: Store | undefined;
after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const status = (state: CameraStatus['state'], fps: number | null): CameraStatus => ({ state, lastFrameAt: 1000, fps, bitrateKbps: fps ? 900 : null, width: 1280, height: 720, codec: 'h264', error: state === 'offline' ? 'refused' : null, reconnects: 2, audioDropped: false });
const runtime = (states: Record<string, CameraStatus>): CameraRuntime => ({ status: (id) => states[id] ?? status('disabled', null), watch: () => () => {} });

test('a node reports its cameras; the api shows them, its own from its recorders, and a silent node\'s as offline', async () => {
  store = await openStore({ kind: 'sqlite', path: join(dir, 'v.sqlite') });
  let now = 1_800_000_000_000;
  const logger = pino({ level: 'silent' });
  const nodeA = runtime({ a1: status('online', 12.5), a2: status('offline', null) });
  const reporter = new HealthReporter({ nodeId: 'node-a', store, held: () => ['a1', 'a2'], status: (id) => nodeA.status(id), logger, now: () => now });
  await reporter.report();
  const apiOwn = runtime({ x1: status('connecting', null) });
  const board = new HealthBoard({ store, local: apiOwn, isLocal: (id) => id === 'x1', logger, now: () => now, intervalMs: 10_000 });
  await board.refresh();
  assert.equal(board.status('a1').state, 'online');
  assert.equal(board.status('a1').fps, 12.5);
  assert.equal(board.status('a2').state, 'offline');
  assert.equal(board.status('a2').error, 'refused');
  assert.equal(board.status('x1').state, 'connecting', 'a camera this process records answers from its recorder');
  assert.equal(board.status('nobody').state, 'disabled', 'a camera no node reported: as the local runtime says');
  assert.equal(board.health('a2')!.stateSince, now);

  // 20 s later a2 came back; stateSince moves, a1's stays.
  const t0 = now;
  now += 20_000;
  nodeA.status = (id) => (id === 'a1' ? status('online', 12) : status('online', 8));
  await reporter.report();
  await board.refresh();
  assert.equal(board.status('a2').state, 'online');
  assert.equal(board.health('a2')!.stateSince, now);
  assert.equal(board.health('a1')!.stateSince, t0);

  // node-a falls silent: after three missed reports its cameras are no longer shown online.
  now += 31_000;
  assert.equal(board.status('a1').state, 'offline');
  assert.match(board.status('a1').error ?? '', /no health report from node node-a/);
  assert.equal(board.status('a1').fps, null);
  await reporter.stop();
});

test('a report the store refuses is logged once and the next one is written', async () => {
  const warnings: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => { if (JSON.parse(line).level === 40) warnings.push(line); } });
  let fail = true;
  const written: number[] = [];
  const flaky = {
    putCameraHealth: async (rows: unknown[]) => { if (fail) throw new Error('connection refused'); written.push(rows.length); return rows.length; },
    addCameraHealthSamples: async (rows: unknown[]) => rows.length,
  };
  const reporter = new HealthReporter({ nodeId: 'n', store: flaky, held: () => ['c1', 'c2', 'c3'], status: () => status('online', 10), logger });
  await reporter.report();
  await reporter.report();
  assert.equal(warnings.length, 1, 'logged once, not every 10 s');
  fail = false;
  await reporter.report();
  assert.deepEqual(written, [3]);
});

test('each camera\'s history: a sample on every change of state and every 15 minutes otherwise, deleted by age', async () => {
  const hs = await openStore({ kind: 'sqlite', path: join(dir, 'history.sqlite') });
  try {
    let now = 1_800_000_000_000;
    const t0 = now;
    const states: Record<string, CameraStatus> = { h1: status('online', 12), h2: status('online', 8) };
    const reporter = new HealthReporter({ nodeId: 'node-h', store: hs, held: () => Object.keys(states), status: (id) => states[id], logger: pino({ level: 'silent' }), now: () => now });
    const history = (id: string) => hs.listCameraHealthSamples({ cameraId: id, fromMs: 0, toMs: now, limit: 100 });
    await reporter.report(); // first report: a sample of each
    for (let i = 0; i < 30; i++) {
      now += 10_000; // 5 minutes of reports, nothing changes
      await reporter.report();
    }
    assert.equal((await history('h1')).length, 1, 'no sample while nothing changes within 15 minutes');
    states.h2 = { ...status('offline', null), lostFrames: 40 };
    now += 10_000;
    await reporter.report();
    assert.deepEqual((await history('h2')).map((s) => [s.state, s.at - t0, s.lostFrames, s.error]), [['offline', 310_000, 40, 'refused'], ['online', 0, null, null]]);
    assert.equal((await history('h1')).length, 1);
    now = t0 + 15 * 60_000;
    await reporter.report();
    assert.deepEqual((await history('h1')).map((s) => [s.state, s.at - t0, s.fps]), [['online', 900_000, 12], ['online', 0, 12]]);
    assert.equal((await history('h2')).length, 2, 'h2 went offline 590 s ago: its next sample is due at 1210 s');
    // retention: samples older than the cut go, a batch at a time
    assert.equal(await hs.deleteCameraHealthSamplesBefore(t0 + 1, 1), 1);
    assert.equal(await hs.deleteCameraHealthSamplesBefore(t0 + 1, 10), 1);
    assert.equal(await hs.deleteCameraHealthSamplesBefore(t0 + 1, 10), 0);
    assert.deepEqual((await history('h1')).map((s) => s.at - t0), [900_000]);
    await reporter.stop();
  } finally {
    await hs.close();
  }
});
