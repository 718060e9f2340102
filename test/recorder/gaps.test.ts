// A flapping camera: it goes away and comes back three times. Every hole in the recording must
// be a gap in the index, placed to within 1 s of when video really stopped and restarted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { openStore, type GapRow, type SegmentRow } from '../../src/store/index.ts';
import { CameraFleet, rtspConnector } from '../../src/recorder/index.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-gaps-'));
let sim: Simulator | null = null;
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  await sim?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('a camera that flaps three times: each outage is one gap, within 1 s, with its reason; segments and gaps tile the timeline; one offline/online report per outage', async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  const port = sim.port;
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'db.sqlite') });
  cleanup.push(() => store.close());
  const logger = pino({ level: 'silent' });
  const changes: string[] = [];
  const fleet = new CameraFleet({
    recordingsDir: path.join(dir, 'recordings'),
    segmentMs: 2000,
    connect: rtspConnector(logger),
    logger,
    password: () => null,
    onSegment: (seg) => store.putSegments([seg]),
    onSegmentProgress: (seg) => void store.putSegments([seg]),
    onGap: (gap) => void store.addGap(gap),
    lastRecordedEnd: async (id) => (await store.lastSegment(id))?.endMs ?? null,
    onOffline: (id, reason) => changes.push(`offline ${id} ${reason.split(':')[0]}`),
    onOnline: (id) => changes.push(`online ${id}`),
  });
  cleanup.push(() => fleet.stopAll());
  const row = await store.createCamera({ id: 'flap', name: 'flap', url: sim.urls[0], username: null, passwordEnc: null, transport: 'tcp', enabled: true, record: true });
  fleet.upsert(row);
  await waitFor('recording', () => fleet.openSegments().length > 0);

  const outages: { downAt: number; upAt: number }[] = [];
  for (let i = 0; i < 3; i++) {
    await sleep(2500);
    const downAt = Date.now();
    await sim.close();
    await waitFor('camera offline', () => fleet.status('flap').state === 'offline');
    await sleep(1200);
    sim = await startSimulator({ cameras: 1, port, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
    await waitFor('camera back online', () => fleet.status('flap').state === 'online', 30_000);
    // Recording is back when a segment opens after the outage.
    await waitFor('a segment after the outage', () => fleet.openSegments().some((s) => s.startMs > downAt));
    outages.push({ downAt, upAt: fleet.openSegments()[0].startMs });
  }
  await sleep(1500);
  await fleet.stopAll();
  await sleep(100);

  const segs: SegmentRow[] = await store.listSegments('flap', 0, Date.now() + 1000);
  const gaps: GapRow[] = await store.listGaps('flap', 0, Date.now() + 1000);
  assert.equal(gaps.length, 3, `one gap per outage: ${JSON.stringify(gaps)}`);
  for (const [i, o] of outages.entries()) {
    const g = gaps[i];
    assert.ok(Math.abs(g.startMs - o.downAt) <= 1000, `gap ${i} starts ${g.startMs - o.downAt} ms from when the camera went away`);
    assert.ok(Math.abs(g.endMs - o.upAt) <= 1000, `gap ${i} ends ${g.endMs - o.upAt} ms from when recording resumed`);
    assert.equal(g.reason, 'STREAM_ENDED');
  }
  // Segments and gaps together leave no hole longer than 1 s anywhere.
  const spans = [...segs.map((s) => [s.startMs, s.endMs]), ...gaps.map((g) => [g.startMs, g.endMs])].sort((a, b) => a[0] - b[0]);
  let reach = spans[0][0];
  for (const [s, e] of spans) {
    assert.ok(s - reach <= 1000, `an unexplained hole of ${s - reach} ms at ${s}`);
    reach = Math.max(reach, e);
  }
  assert.ok(segs.length >= 6);
  // One offline report per outage (not one per failed retry), one online report per return.
  assert.deepEqual(changes, Array.from({ length: 3 }, () => ['offline flap STREAM_ENDED', 'online flap']).flat());
});
