// The simulator's capture-time SEI survives the way to the node: written into a picture, found
// again in the fMP4 fragment the live fan-out hands on, emulation prevention included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureTimeSei } from '../../../src/simulator/index.ts';
import { readCaptureTime } from '../../../src/analytics/index.ts';

function fragment(nalus: Buffer[]): Buffer {
  const body = Buffer.concat(nalus.flatMap((n) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(n.length);
    return [len, n];
  }));
  const moof = Buffer.alloc(8);
  moof.writeUInt32BE(8);
  moof.write('moof', 4, 'latin1');
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(8 + body.length);
  mdat.write('mdat', 4, 'latin1');
  return Buffer.concat([moof, mdat, body]);
}

test('capture time round trip through an fMP4 fragment, H.264 and H.265', () => {
  const slice264 = Buffer.from([0x65, 0x88, 0x84, 0x00, 0x33]);
  const slice265 = Buffer.from([0x26, 0x01, 0xaf, 0x10]);
  // 1_764_496_000_000_000 µs, and a value whose bytes hold 00 00 01 (needs emulation prevention).
  for (const micros of [1_764_496_800_123_456, 0x0000_0100_0000_0001 + 1_700_000_000_000_000, 0x6_4c00_0000_0000]) {
    const sei = captureTimeSei(micros, 'h264');
    assert.ok(!sei.subarray(1).includes(Buffer.from([0, 0, 1])), 'no start code inside the SEI');
    assert.equal(readCaptureTime(fragment([sei, slice264]), 'h264'), Math.round(micros) / 1000);
    assert.equal(readCaptureTime(fragment([captureTimeSei(micros, 'h265'), slice265]), 'h265'), Math.round(micros) / 1000);
  }
  // An x264-style SEI with another UUID is not a capture time; nothing after the picture counts.
  const other = Buffer.from(captureTimeSei(1e15, 'h264'));
  other[3] ^= 0xff;
  assert.equal(readCaptureTime(fragment([other, slice264]), 'h264'), null);
  assert.equal(readCaptureTime(fragment([slice264, captureTimeSei(1e15, 'h264')]), 'h264'), null);
  assert.equal(readCaptureTime(fragment([slice264]), 'h264'), null);
});
