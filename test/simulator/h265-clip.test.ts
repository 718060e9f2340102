// The simulator's H.265 option: --codec parsing, and an x265 clip cached next to (not over) the
// H.264 one, loaded with VPS/SPS/PPS and a keyframe every second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { ensureClip, loadClip, parseSimulatorArgs } from '../../src/simulator/index.ts';
import { h265NalType, isH265Keyframe, parseH265Sps } from '../../src/media/h265.ts';

const CACHE = path.join(os.tmpdir(), 'vigil-test-sim-cache');

test('--codec h264|h265 is parsed; anything else is a usage error', () => {
  assert.equal(parseSimulatorArgs(['--codec', 'h265']).codec, 'h265');
  assert.equal(parseSimulatorArgs(['--codec=h264']).codec, 'h264');
  assert.equal(parseSimulatorArgs([]).codec, undefined);
  assert.throws(() => parseSimulatorArgs(['--codec', 'av1']), { code: 'SIM_USAGE' });
});

test('an H.265 clip is its own cache entry and loads as H.265 with parameter sets and 1 s GOPs', async () => {
  const h264 = await ensureClip(CACHE, 'testsrc2');
  const h265 = await ensureClip(CACHE, 'testsrc2', 'h265');
  assert.notEqual(h265.h264Path, h264.h264Path);
  assert.equal(h265.meta.codec, 'h265');
  const clip = await loadClip(h265);
  assert.equal(clip.codec, 'h265');
  assert.ok(clip.vps && h265NalType(clip.vps) === 32);
  const sps = parseH265Sps(clip.sps);
  assert.deepEqual([sps.width, sps.height, sps.maxNumReorderPics], [640, 360, 0]);
  assert.equal(clip.frames.length, 250);
  const keys = clip.frames.map((f, i) => (f.keyframe ? i : -1)).filter((i) => i >= 0);
  assert.deepEqual(keys.slice(0, 3), [0, 25, 50]);
  assert.ok(clip.frames.every((f) => f.keyframe === isH265Keyframe(f.nalus)));
  // repeat-headers: every keyframe carries VPS/SPS/PPS in-band, like cameras send them.
  assert.ok(clip.frames.filter((f) => f.keyframe).every((f) => f.nalus.some((n) => h265NalType(n) === 32)));
});
