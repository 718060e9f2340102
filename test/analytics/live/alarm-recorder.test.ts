// The alarm recorder publishes an alarm without waiting for its snapshot to be compressed and
// written; whoever reads the snapshot early waits for it; a failed snapshot write loses no alarm.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openStore, type Store } from '../../../src/store/index.ts';
import { EventBus, SnapshotStore, type EventTopics } from '../../../src/events/index.ts';
import { AlarmRecorder, type AnalysedFrame } from '../../../src/analytics/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-alarmrec-'));
let store: Store | undefined;
after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function frame(cameraId: string, at: number): AnalysedFrame {
  const width = 640, height = 360;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7919) & 0xff; // noise: a slow, large PNG
  return {
    cameraId, rgb, width, height, capturedAt: at, cameraTime: null, analysedAt: at + 5, tracks: [], detections: [],
    events: [{ kind: 'zone_intrusion', rule: 'gate', t: 0, cls: 'car', box: [0.1, 0.1, 0.3, 0.3], trackId: 1 }],
  };
}

test('alarms go out before their snapshots are written; readers wait for them; a failed write loses no alarm', async () => {
  store = await openStore({ kind: 'sqlite', path: path.join(dir, 'v.db') });
  const bus = new EventBus<EventTopics>();
  const published: { snapshot: string; existed: boolean }[] = [];
  const dataDir = path.join(dir, 'data');
  bus.subscribe('event', (e) => {
    const rel = String((e.details as { snapshot: string }).snapshot);
    published.push({ snapshot: rel, existed: existsSync(path.join(dataDir, rel)) });
  });
  const rec = new AlarmRecorder({ store, bus, snapshots: new SnapshotStore(dataDir), logger: pino({ level: 'silent' }), detectorName: () => 'neural' });
  // Hold every thread of libuv's pool (where the snapshot is compressed and written) on opens of a
  // FIFO nobody writes yet, as a busy node would: the event row (SQLite, on this thread) must still
  // be written and published. Timing alone made this race.
  const fifo = path.join(dir, 'hold');
  execFileSync('mkfifo', [fifo]);
  const holds = Array.from({ length: Number(process.env.UV_THREADPOOL_SIZE) || 4 }, () => open(fifo, 'r'));
  const rows = await Promise.race([
    rec.record(frame('cam1', 1_800_000_000_000)),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the alarm waited for its snapshot')), 5000)),
  ]);
  assert.equal(rows.length, 1);
  assert.equal(published.length, 1);
  assert.equal(published[0].existed, false, 'the alarm was published before its snapshot was on disk');
  closeSync(openSync(fifo, 'w')); // the pool is free again
  for (const h of await Promise.all(holds)) await h.close();
  await rec.snapshotReady(published[0].snapshot);
  const png = readFileSync(path.join(dataDir, published[0].snapshot));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG once ready');

  // The camera's snapshot folder cannot be written: the alarm is still stored and published.
  mkdirSync(path.join(dataDir, 'snapshots', 'cam2'), { recursive: true });
  chmodSync(path.join(dataDir, 'snapshots', 'cam2'), 0o500);
  try {
    const more = await rec.record(frame('cam2', 1_800_000_001_000));
    assert.equal(more.length, 1);
    await rec.snapshotReady(published[1].snapshot);
    if (process.getuid?.() !== 0) assert.equal(existsSync(path.join(dataDir, published[1].snapshot)), false);
  } finally {
    chmodSync(path.join(dataDir, 'snapshots', 'cam2'), 0o700);
  }
  assert.equal((await store.listEvents({ fromMs: 0, toMs: 2e12 })).length, 2);
  await rec.close();
});
