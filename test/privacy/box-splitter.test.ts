// The masked stream's reader, built on media's one box walker: boxes out of a stream cut anywhere,
// garbage refused, and the frame size read from the init segment's visual sample entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoxSplitter, frameSizeOfInit } from '../../src/privacy/index.ts';
import { visualSampleSize } from '../../src/media/index.ts';

function box(type: string, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

function initWithSize(width: number, height: number): Buffer {
  const entry = Buffer.alloc(78);
  entry.writeUInt16BE(1, 6); // data reference index
  entry.writeUInt16BE(width, 24);
  entry.writeUInt16BE(height, 26);
  const stsd = box('stsd', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), box('avc1', entry));
  return Buffer.concat([box('ftyp', Buffer.alloc(8)), box('moov', box('trak', box('mdia', box('minf', box('stbl', stsd)))))]);
}

test('boxes come out whole however the stream is cut, including a 64-bit size', () => {
  const big = Buffer.alloc(16 + 5);
  big.writeUInt32BE(1, 0);
  big.write('mdat', 4, 'latin1');
  big.writeBigUInt64BE(BigInt(big.length), 8);
  const stream = Buffer.concat([box('moof', Buffer.alloc(20, 1)), big, box('moof', Buffer.alloc(3, 2))]);
  for (const cut of [1, 3, 7, 8, 9, 15, 17, stream.length]) {
    const splitter = new BoxSplitter();
    const got: string[] = [];
    for (let at = 0; at < stream.length; at += cut) splitter.push(stream.subarray(at, Math.min(stream.length, at + cut)), (type, b) => got.push(`${type}:${b.length}`));
    assert.deepEqual(got, ['moof:28', `mdat:${big.length}`, 'moof:11'], `pieces of ${cut} bytes`);
  }
});

test('a box size below its header (or 0) in the stream is refused, not waited for', () => {
  const bad = Buffer.from([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x66]);
  assert.throws(() => new BoxSplitter().push(bad, () => undefined), /bad MP4 box size 4/);
  const zero = Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]);
  assert.throws(() => new BoxSplitter().push(zero, () => undefined), /bad MP4 box size 0/);
});

test('frame size from the visual sample entry; none in a segment without one', () => {
  assert.deepEqual(frameSizeOfInit(initWithSize(640, 360)), { width: 640, height: 360 });
  assert.deepEqual(visualSampleSize(initWithSize(1920, 1080)), { width: 1920, height: 1080 });
  assert.equal(visualSampleSize(box('ftyp', Buffer.alloc(8))), null);
  assert.throws(() => frameSizeOfInit(box('ftyp', Buffer.alloc(8))), /no readable frame size/);
});
