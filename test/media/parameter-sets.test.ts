// The one place parameter sets go in front of keyframes (recorder, RTSP client for H.265, RTSP
// server for viewers): only what the keyframe lacks, VPS/SPS/PPS order, pieces kept unjoined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PiecewiseAccessUnit, withParameterSets, type AccessUnit } from '../../src/media/index.ts';

const sps264 = Buffer.from([0x67, 1, 2]);
const pps264 = Buffer.from([0x68, 3]);
const idr264 = Buffer.from([0x65, 9, 9]);
const vps265 = Buffer.from([32 << 1, 1, 7]);
const sps265 = Buffer.from([33 << 1, 1, 8]);
const pps265 = Buffer.from([34 << 1, 1, 9]);
const idr265 = Buffer.from([19 << 1, 1, 5]);

test('H.264: a bare keyframe gets SPS and PPS; one with its own, and a delta unit, stay as they are', () => {
  const bare: AccessUnit = { nalus: [idr264], dts: 0, pts: 0, keyframe: true };
  assert.deepEqual(withParameterSets(bare, 'h264', { sps: sps264, pps: pps264 }).nalus, [sps264, pps264, idr264]);
  const own: AccessUnit = { nalus: [sps264, pps264, idr264], dts: 0, pts: 0, keyframe: true };
  assert.equal(withParameterSets(own, 'h264', { sps: Buffer.from([0x67, 5]), pps: pps264 }), own);
  const delta: AccessUnit = { nalus: [Buffer.from([0x41, 1])], dts: 0, pts: 0, keyframe: false };
  assert.equal(withParameterSets(delta, 'h264', { sps: sps264, pps: pps264 }), delta);
  assert.deepEqual(withParameterSets({ ...bare }, 'h264', {}).nalus, [idr264], 'nothing known: nothing added');
});

test('H.265: only the missing ones, in VPS/SPS/PPS order, and the pieces of a fragmented picture stay pieces', () => {
  const half = new PiecewiseAccessUnit([[vps265], [idr265.subarray(0, 2), idr265.subarray(2)]], 0, 0, true, 'h265');
  const out = withParameterSets(half, 'h265', { vps: Buffer.from([32 << 1, 1, 0]), sps: sps265, pps: pps265 });
  assert.ok(out.parts, 'still piecewise');
  assert.equal(out.parts.length, 4);
  assert.deepEqual(out.nalus, [sps265, pps265, vps265, idr265]);
});
