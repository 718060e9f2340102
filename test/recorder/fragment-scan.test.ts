// Crash repair of segment files: a file cut at any byte (a kill -9 or a full disk mid-write) is
// scanned, cut back to its last whole fragment, and then decodes cleanly in ffmpeg. Also the pure
// pieces of gaps and retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Fmp4Fragmenter, groupH264AccessUnits, splitAnnexB, isKeyframe } from '../../src/media/index.ts';
import { scanFragments, repairSegmentFile, recoverSegments, GapTracker, mergeRanges, overlapsLock } from '../../src/recorder/index.ts';
import { openStore } from '../../src/store/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-scan-'));
let file: Buffer;
let fragmentEnds: number[];
let initBytes: number;

function decodeErrors(f: string): string {
  try {
    execFileSync('ffmpeg', ['-v', 'error', '-i', f, '-f', 'null', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  }
}

function frames(f: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', f], { encoding: 'utf8' });
  return Number(out.trim());
}

before(() => {
  if (!existsSync('/usr/bin/ffmpeg')) throw new Error('ffmpeg missing: apt-get install ffmpeg');
  // 2 s of 25 fps H.264 with a keyframe every 10 pictures, muxed by Vigil's own fragmenter.
  const es = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-t', '2', '-c:v', 'libx264', '-g', '10', '-bf', '0', '-f', 'h264', '-'], { maxBuffer: 64 << 20 });
  const frag = new Fmp4Fragmenter();
  const parts: Buffer[] = [];
  fragmentEnds = [];
  let size = 0;
  groupH264AccessUnits(splitAnnexB(es)).forEach((nalus, i) => {
    for (const out of frag.push({ nalus, dts: i * 3600, pts: i * 3600, keyframe: isKeyframe(nalus) })) {
      parts.push(out.data);
      size += out.data.length;
      if (out.kind === 'init') initBytes = size;
      else fragmentEnds.push(size);
    }
  });
  for (const out of frag.flush()) {
    parts.push(out.data);
    size += out.data.length;
    fragmentEnds.push(size);
  }
  file = Buffer.concat(parts);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a whole file: every fragment found, timing from tfdt and trun', () => {
  const s = scanFragments(file);
  assert.equal(s.fragments, 50);
  assert.equal(s.initBytes, initBytes);
  assert.equal(s.validBytes, file.length);
  assert.equal(s.timescale, 90000);
  assert.equal(s.firstDts, 0);
  assert.equal(s.endDts, 50 * 3600);
});

test('cut at 40 random bytes: the scan keeps exactly the whole fragments, and the repaired file decodes cleanly', async () => {
  const cuts = [initBytes - 1, initBytes, initBytes + 5, fragmentEnds[0], fragmentEnds[0] + 1];
  for (let i = 0; i < 35; i++) cuts.push(initBytes + Math.floor(Math.random() * (file.length - initBytes)));
  const day = path.join(dir, 'cam', '2026-11-23');
  mkdirSync(day, { recursive: true });
  for (const [k, cut] of cuts.entries()) {
    const torn = file.subarray(0, cut);
    const whole = fragmentEnds.filter((e) => e <= cut);
    const s = scanFragments(torn);
    assert.equal(s.fragments, whole.length, `cut at ${cut}`);
    assert.equal(s.validBytes, whole.length ? whole[whole.length - 1] : cut >= initBytes ? initBytes : 0);
    if (k % 5 !== 0 || whole.length === 0) continue; // ffmpeg on every 5th file keeps the test quick
    const startMs = 1_795_000_000_000 + k * 10_000;
    const rel = `cam/2026-11-23/${startMs}.mp4`;
    writeFileSync(path.join(dir, rel), torn);
    const r = await repairSegmentFile(dir, 'cam', rel, startMs);
    assert.ok(r);
    assert.equal(r.segment.bytes, s.validBytes);
    assert.equal(r.truncatedBytes, cut - s.validBytes);
    assert.equal(statSync(path.join(dir, rel)).size, s.validBytes);
    assert.equal(r.segment.endMs - startMs, whole.length * 40);
    assert.equal(decodeErrors(path.join(dir, rel)), '', `repaired file cut at ${cut} decodes`);
    assert.equal(frames(path.join(dir, rel)), whole.length);
  }
});

test('startup recovery: a stale index row is moved to the file\'s real end, an unindexed file is indexed, an empty one removed', async () => {
  const root = path.join(dir, 'recovery');
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'rec.sqlite') });
  try {
    const t0 = Date.parse('2026-11-23T10:00:00Z');
    const put = (startMs: number, data: Buffer) => {
      const rel = `cam/2026-11-23/${startMs}.mp4`;
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), data);
      return rel;
    };
    const closed = put(t0, file);
    const stale = put(t0 + 2000, file.subarray(0, fragmentEnds[20] + 100));
    const unindexed = put(t0 + 4000, file.subarray(0, fragmentEnds[9] + 3));
    const empty = put(t0 + 6000, file.subarray(0, initBytes + 10));
    await store.putSegments([
      { cameraId: 'cam', startMs: t0, endMs: t0 + 2000, path: closed, bytes: file.length },
      { cameraId: 'cam', startMs: t0 + 2000, endMs: t0 + 2000, path: stale, bytes: 900 },
    ]);
    const report = await recoverSegments(store, root, ['cam', 'nobody']);
    assert.deepEqual(report.removed, [empty]);
    assert.deepEqual(report.repaired.map((r) => [r.segment.path, r.wasUnindexed, r.truncatedBytes]), [[stale, false, 100], [unindexed, true, 3]]);
    const segs = await store.listSegments('cam', 0, t0 + 100_000);
    assert.deepEqual(segs.map((s) => [s.startMs - t0, s.endMs - t0, s.bytes]), [
      [0, 2000, file.length],
      [2000, 2000 + 21 * 40, fragmentEnds[20]],
      [4000, 4000 + 10 * 40, fragmentEnds[9]],
    ]);
    assert.equal(existsSync(path.join(root, empty)), false);
    assert.equal(readFileSync(path.join(root, unindexed)).length, fragmentEnds[9]);
    // A second run finds nothing to do.
    assert.deepEqual(await recoverSegments(store, root, ['cam']), { repaired: [], removed: [] });
  } finally {
    await store.close();
  }
});

test('gap tracker: the first reason holds, short holes are not gaps, a restart seeds from the index', () => {
  const g = new GapTracker('cam');
  assert.equal(g.resumed(1000), null, 'nothing recorded yet: no gap');
  g.recorded(5000);
  g.down('STREAM_ENDED');
  g.down('CAMERA_UNREACHABLE');
  assert.deepEqual(g.resumed(9000), { cameraId: 'cam', startMs: 5000, endMs: 9000, reason: 'STREAM_ENDED' });
  g.recorded(9100);
  g.down('RECONFIGURED');
  assert.equal(g.resumed(9200), null, '100 ms is jitter');
  g.recorded(9300);
  assert.deepEqual(g.resumed(12_000)?.reason, 'NO_VIDEO', 'the reason was consumed by the short hole');
  const fresh = new GapTracker('cam');
  fresh.seed(20_000);
  assert.deepEqual(fresh.resumed(23_500), { cameraId: 'cam', startMs: 20_000, endMs: 23_500, reason: 'RECORDER_DOWN' });
});

test('retention helpers: lock overlap at the edges, contiguous segments merge into ranges', () => {
  const lock = { fromMs: 1000, toMs: 2000 };
  assert.equal(overlapsLock({ startMs: 0, endMs: 1000 }, lock), false, 'segment [0,1000) ends where the lock starts');
  assert.equal(overlapsLock({ startMs: 0, endMs: 1001 }, lock), true);
  assert.equal(overlapsLock({ startMs: 2000, endMs: 3000 }, lock), true, 'the lock includes its end');
  assert.equal(overlapsLock({ startMs: 2001, endMs: 3000 }, lock), false);
  assert.deepEqual(mergeRanges([{ startMs: 4000, endMs: 6000 }, { startMs: 0, endMs: 2000 }, { startMs: 2010, endMs: 4000 }, { startMs: 9000, endMs: 9500 }]), [[0, 6000], [9000, 9500]]);
});
