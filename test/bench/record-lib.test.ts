// The recording benchmark's own counting and profiling helpers: frames counted from MP4 boxes must
// match what ffmpeg wrote (plain MP4 as ffmpeg's segment muxer writes it, and fragmented MP4 as
// Vigil writes it), and a CPU profile's self time must land on the right function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countMp4Samples, mp4FilesByCamera } from '../../bench/lib/record-mp4-frames.ts';
import { summariseCpuProfile, type CpuProfile } from '../../bench/lib/record-cpuprofile.ts';

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { encoding: 'utf8' });
  if (r.error) assert.fail(`ffmpeg is missing: sudo apt-get install -y ffmpeg (${r.error.message})`);
  assert.equal(r.status, 0, r.stderr);
}

test('frames counted from moov (plain MP4) and moof/trun (fragmented MP4) match what was encoded', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-record-lib-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const src = ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-frames:v', '37', '-c:v', 'libx264', '-g', '10', '-bf', '0'];
  ffmpeg([...src, path.join(dir, 'plain.mp4')]);
  ffmpeg([...src, '-movflags', 'frag_keyframe+empty_moov+default_base_moof', path.join(dir, 'frag.mp4')]);
  const plain = countMp4Samples(path.join(dir, 'plain.mp4'));
  const frag = countMp4Samples(path.join(dir, 'frag.mp4'));
  assert.equal(plain.samples, 37);
  assert.equal(plain.tornBytes, 0);
  assert.equal(frag.samples, 37);
  assert.equal(frag.tornBytes, 0);
});

test('files are grouped by the camera directory below the root', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-record-lib-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  spawnSync('mkdir', ['-p', path.join(dir, 'cam1', '2026-11-23'), path.join(dir, 'cam2')]);
  spawnSync('touch', [path.join(dir, 'cam1', '2026-11-23', '1.mp4'), path.join(dir, 'cam1', '2026-11-23', '2.mp4'), path.join(dir, 'cam2', 'out00000.mp4'), path.join(dir, 'cam2', 'note.txt')]);
  const by = mp4FilesByCamera(dir);
  assert.equal(by.get('cam1')?.length, 2);
  assert.equal(by.get('cam2')?.length, 1);
});

test('CPU profile self time goes to the sampled function, idle excluded, window respected', () => {
  const frame = (id: number, functionName: string, url = '') => ({ id, callFrame: { functionName, url, lineNumber: 9, columnNumber: 0 } });
  const p: CpuProfile = {
    nodes: [frame(1, '(root)'), frame(2, '(idle)'), frame(3, 'hot', 'file:///repo/src/a.ts'), frame(4, 'cold', 'file:///repo/src/b.ts')],
    // samples every 1 ms: hot x3, cold x1, idle x2, then hot x4 after the window
    samples: [3, 3, 3, 4, 2, 2, 3, 3, 3, 3],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    startTime: 0,
    endTime: 10_000,
  };
  const all = summariseCpuProfile(p, '/repo');
  assert.equal(all.functions[0].name, 'hot');
  assert.equal(all.functions[0].where, 'src/a.ts:10');
  assert.ok(!all.functions.some((f) => f.name === '(idle)'));
  const win = summariseCpuProfile(p, '/repo', { fromMs: 0, toMs: 4.5 });
  assert.equal(win.functions.find((f) => f.name === 'hot')?.ms, 3);
  assert.equal(win.functions.find((f) => f.name === 'cold')?.ms, 1);
  assert.equal(win.busyMs, 4);
});
