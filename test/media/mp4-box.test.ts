// The one MP4 box walker: sizes 0 (to the end) and 1 (64-bit), torn and garbage headers, paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOX, childBoxes, findBox, findBoxPath, fourcc, fourccName, readBox } from '../../src/media/index.ts';

function box(type: string, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

test('fourcc round trip, and the codes readUInt32BE gives', () => {
  assert.equal(fourccName(fourcc('hvc1')), 'hvc1');
  assert.equal(BOX.moof, Buffer.from('moof').readUInt32BE(0));
});

test('children, paths, a torn tail and a garbage size', () => {
  const file = Buffer.concat([box('ftyp', Buffer.alloc(4)), box('moov', box('trak', box('tkhd', Buffer.alloc(3)), box('mdia', box('mdhd', Buffer.alloc(5))))), box('mdat', Buffer.alloc(10))]);
  assert.deepEqual(childBoxes(file, 0, file.length).map((b) => fourccName(b.type)), ['ftyp', 'moov', 'mdat']);
  const mdhd = findBoxPath(file, 0, file.length, [BOX.moov, BOX.trak, BOX.mdia, BOX.mdhd]);
  assert.ok(mdhd);
  assert.equal(mdhd.end - mdhd.body, 5);
  assert.equal(findBoxPath(file, 0, file.length, [BOX.moov, BOX.mdia]), null, 'only direct children count');
  // Cut inside the mdat: the torn box is not listed.
  assert.deepEqual(childBoxes(file, 0, file.length - 1).map((b) => fourccName(b.type)), ['ftyp', 'moov']);
  assert.equal(findBox(file, 0, file.length - 1, BOX.mdat), null);
  const garbage = Buffer.from(file);
  garbage.writeUInt32BE(4, 0); // smaller than its own header
  assert.equal(readBox(garbage, 0, garbage.length), null);
  assert.deepEqual(childBoxes(garbage, 0, garbage.length), []);
});

test('size 0 runs to the end of the range; size 1 takes a 64-bit size', () => {
  const open = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('mdat'), Buffer.alloc(20)]);
  const b = readBox(open, 0, open.length);
  assert.deepEqual(b, { type: BOX.mdat, start: 0, body: 8, end: 28, toEnd: true });
  const large = Buffer.alloc(16 + 4);
  large.writeUInt32BE(1, 0);
  large.write('free', 4, 'latin1');
  large.writeBigUInt64BE(20n, 8);
  assert.deepEqual(readBox(large, 0, large.length), { type: BOX.free, start: 0, body: 16, end: 20, toEnd: false });
  assert.equal(readBox(large, 0, 19), null, 'a largesize box that does not fit');
});
