// A full recordings volume (a 20 MB tmpfs) under a whole running Vigil: recording goes on, a
// disk.full event is raised, retention frees the oldest recordings but not the evidence-locked
// one, the deletion is audited; and the evidence lock, events and storage API.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { openStore, type EventRow, type SegmentRow } from '../../src/store/index.ts';
import { AuthService } from '../../src/access/index.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-diskfull-'));
const rec = path.join(dir, 'rec');
const dataDir = path.join(dir, 'data');
let mounted = false;
let sim: Simulator | null = null;
let v: TestVigil | null = null;

before(() => {
  if (process.getuid?.() !== 0) throw new Error('the disk-full test mounts a tmpfs and must run as root (or: sudo node --test test/recorder/disk-full.test.ts)');
  if (!existsSync('/usr/bin/ffmpeg')) throw new Error('ffmpeg missing: apt-get install ffmpeg');
  mkdirSync(rec);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', rec]);
  mounted = true;
});
after(async () => {
  await v?.stop().catch(() => undefined);
  await sim?.close().catch(() => undefined);
  if (mounted) execFileSync('umount', [rec]);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const x = await fn();
    if (x) return x as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Old recordings of a removed camera fill the volume to the last byte, all indexed. */
async function fillVolume(): Promise<{ old: SegmentRow[]; locked: SegmentRow }> {
  mkdirSync(dataDir);
  const store = await openStore({ kind: 'sqlite', path: path.join(dataDir, 'vigil.db') });
  const old: SegmentRow[] = [];
  // Half a day old: inside the 72 h default retention, so only free space can be the reason to delete.
  const t0 = Date.now() - 12 * 3_600_000;
  const day = new Date(t0).toISOString().slice(0, 10);
  mkdirSync(path.join(rec, 'old', day), { recursive: true });
  try {
    for (const size of [1 << 20, 16 << 10, 1 << 10]) {
      for (;;) {
        const startMs = t0 + old.length * 60_000;
        const rel = `old/${day}/${startMs}.mp4`;
        try {
          writeFileSync(path.join(rec, rel), Buffer.alloc(size, 7));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          rmSync(path.join(rec, rel), { force: true });
          break;
        }
        old.push({ cameraId: 'old', startMs, endMs: startMs + 60_000, path: rel, bytes: size });
      }
    }
    await store.putSegments(old);
    const locked = old[0];
    await store.addEvidenceLock({ id: 'lck_case1', cameraId: 'old', fromMs: locked.startMs + 10_000, toMs: locked.startMs + 20_000, reason: 'case 2026/7', createdBy: 'u1', createdAt: Date.now() });
    return { old, locked };
  } finally {
    await store.close();
  }
}

test('disk full: recording goes on, disk.full is raised, the oldest unlocked recordings are freed and the deletion audited', async () => {
  const { old, locked } = await fillVolume();
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  v = await startTestVigil({
    dataDir,
    recording: { dir: rec, segmentSeconds: 2, retention: { minFreePercent: 10, sweepSeconds: 3600 } },
    cameras: [{ id: 'cam', name: 'Disk full', url: sim.urls[0] }],
  });
  const t = v;
  const full = await waitFor('a disk.full event', async () => (await t.store.listEvents({ fromMs: 0, toMs: Date.now() + 1000, kind: 'disk.full' }))[0]);
  assert.equal(full.severity, 'critical');
  // Recording goes on after the disk was full: two more whole segments, each decoding cleanly.
  const after = await waitFor('2 segments recorded after the disk was full', async () => {
    const s = (await t.store.listSegments('cam', full.ts, Date.now() + 1000)).filter((x) => x.startMs >= full.ts && x.endMs - x.startMs >= 1500);
    return s.length >= 2 ? s : null;
  });
  for (const s of after) {
    const out = execFileSync('ffmpeg', ['-v', 'error', '-i', path.join(rec, s.path), '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(out, '');
  }
  assert.equal(v.fleet.status('cam').state, 'online');
  assert.equal(v.fleet.status('cam').reconnects, 0, 'the camera connection was never dropped');

  const remaining = await v.store.listSegments('old', 0, Date.now());
  assert.ok(remaining.length < old.length, 'retention deleted old recordings');
  assert.equal(remaining[0].startMs, locked.startMs, 'the evidence-locked segment is kept although it is the oldest');
  assert.ok(existsSync(path.join(rec, locked.path)));
  assert.equal(existsSync(path.join(rec, old[1].path)), false, 'the next oldest file is gone');
  const deletions = (await v.store.listAudit(0, 1000)).filter((e) => e.action === 'recording.delete');
  assert.ok(deletions.length >= 1);
  assert.equal(deletions[0].actor, 'system');
  assert.equal(deletions[0].cameraId, 'old');
  assert.equal(deletions[0].details.rule, 'free_space');
  assert.ok(Array.isArray(deletions[0].details.ranges) && (deletions[0].details.ranges as unknown[]).length >= 1);
  const retentionEvents = await v.store.listEvents({ fromMs: 0, toMs: Date.now() + 1000, kind: 'retention.deleted' });
  assert.ok(retentionEvents.length >= 1);

  // The same through the API.
  assert.equal((await v.http('/api/events?from=0&to=9999999999999')).status, 401);
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  const evs = (await (await v.http(`/api/events?from=0&to=${Date.now() + 1000}&kind=disk.full`)).json()) as { events: EventRow[] };
  assert.equal(evs.events[0].id, full.id);
  const storage = (await (await v.http('/api/storage')).json()) as { volumes: { root: string; totalBytes: number; freeBytes: number; recordingBytes: number; minFreeBytes: number }[] };
  assert.equal(storage.volumes[0].root, rec);
  assert.ok(Math.abs(storage.volumes[0].totalBytes - 20 * 1024 * 1024) < 1024 * 1024, `volume size ${storage.volumes[0].totalBytes}`);
  assert.ok(storage.volumes[0].recordingBytes > 10 * 1024 * 1024);
});

test('evidence locks through the API: placed and released with who and why in the audit log; viewers may not; bad intervals refused', async () => {
  const t = v!;
  const from = Date.now() - 60_000;
  let res = await t.http('/api/cameras/cam/locks', { method: 'POST', json: { from, to: from + 30_000, reason: 'incident 2026-11-23 gate' } });
  assert.equal(res.status, 201);
  const { lock } = (await res.json()) as { lock: { id: string; createdBy: string; reason: string } };
  assert.equal(lock.reason, 'incident 2026-11-23 gate');
  res = await t.http('/api/cameras/cam/locks', { method: 'POST', json: { from, to: from, reason: 'empty interval' } });
  assert.equal(res.status, 400);
  res = await t.http('/api/cameras/cam/locks', { method: 'POST', json: { from, to: from + 1, reason: 'x', extra: 1 } });
  assert.equal(res.status, 400);
  const list = (await (await t.http('/api/cameras/cam/locks')).json()) as { locks: { id: string }[] };
  assert.deepEqual(list.locks.map((l) => l.id), [lock.id]);

  await new AuthService(t.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 }).createUser('vera', 'viewer-pass-1', 'viewer', 'test');
  const adminCookie = t.cookie;
  assert.equal((await t.login('vera', 'viewer-pass-1')).status, 200);
  assert.equal((await t.http('/api/cameras/cam/locks')).status, 403);
  assert.equal((await t.http(`/api/cameras/cam/locks/${lock.id}`, { method: 'DELETE' })).status, 403);
  assert.equal((await t.http('/api/storage')).status, 403);
  t.cookie = adminCookie;

  assert.equal((await t.http(`/api/cameras/other/locks/${lock.id}`, { method: 'DELETE' })).status, 404, 'a lock is released on its own camera only');
  assert.equal((await t.http(`/api/cameras/cam/locks/${lock.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await t.http(`/api/cameras/cam/locks/${lock.id}`, { method: 'DELETE' })).status, 404);
  const audit = (await t.store.listAudit(0, 10_000)).filter((e) => e.action.startsWith('evidence.'));
  assert.deepEqual(audit.map((e) => e.action), ['evidence.lock', 'evidence.unlock']);
  assert.equal(audit[0].details.reason, 'incident 2026-11-23 gate');
  assert.equal(audit[1].details.lockId, lock.id);
  assert.equal(audit[0].actor, audit[1].actor);
  assert.ok(audit[0].ip);
});
