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
  const flaky = { putCameraHealth: async (rows: unknown[]) => { if (fail) throw new Error('connection refused'); written.push(rows.length); return rows.length; } };
  const reporter = new HealthReporter({ nodeId: 'n', store: flaky, held: () => ['c1', 'c2', 'c3'], status: () => status('online', 10), logger });
  await reporter.report();
  await reporter.report();
  assert.equal(warnings.length, 1, 'logged once, not every 10 s');
  fail = false;
  await reporter.report();
  assert.deepEqual(written, [3]);
});
