// The alarm recorder publishes an alarm without waiting for its snapshot to be compressed and
// written; whoever reads the snapshot early waits for it; a failed snapshot write loses no alarm.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openStore, type Store } from '../../src/store/index.ts';
import { EventBus } from '../../src/bus/index.ts';
import { AlarmRecorder, type AlarmTopics, type AnalysedFrame } from '../../src/alarms/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-alarmrec-'));
let store: Store | undefined;
after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function frame(cameraId: string, at: number): AnalysedFrame {
  // Full HD noise: compressing it takes tens of ms, far longer than writing an event row.
  const width = 1920, height = 1080;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7919) & 0xff; // noise: a slow, large PNG
  return {
    cameraId, rgb, width, height, capturedAt: at, cameraTime: null, analysedAt: at + 5, tracks: [], detections: [],
    events: [{ kind: 'zone_intrusion', rule: 'gate', t: 0, cls: 'car', box: [0.1, 0.1, 0.3, 0.3], trackId: 1 }],
  };
}

test('alarms go out before their snapshots are written; readers wait for them; a failed write loses no alarm', async () => {
  store = await openStore({ kind: 'sqlite', path: path.join(dir, 'v.db') });
  const bus = new EventBus<AlarmTopics>();
  const published: { snapshot: string; existed: boolean }[] = [];
  const dataDir = path.join(dir, 'data');
  bus.subscribe('event', (e) => {
    const rel = String((e.details as { snapshot: string }).snapshot);
    published.push({ snapshot: rel, existed: existsSync(path.join(dataDir, rel)) });
  });
  const rec = new AlarmRecorder({ store, bus, dataDir, logger: pino({ level: 'silent' }), detectorName: () => 'neural' });
  const rows = await rec.record(frame('cam1', 1_800_000_000_000));
  assert.equal(rows.length, 1);
  assert.equal(published.length, 1);
  assert.equal(published[0].existed, false, 'the alarm was published before its snapshot was on disk');
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
