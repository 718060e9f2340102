import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteBatch } from '../../src/recorder/write-batch.ts';

test('write batch: fragments copied end to end, memory reused once written, discard drops the queue', () => {
  const b = new WriteBatch(16);
  const parts = [Buffer.from('moof'), Buffer.from('mdat'), Buffer.alloc(40, 7)];
  b.append(parts);
  b.append(Buffer.from('next'));
  parts[2].fill(0); // the caller may reuse its buffers at once
  const first = b.take()!;
  assert.ok(first.equals(Buffer.concat([Buffer.from('moofmdat'), Buffer.alloc(40, 7), Buffer.from('next')])));
  assert.equal(b.take(), null, 'nothing left');
  // While the first batch is being written, the next one fills other memory...
  b.append(Buffer.alloc(10, 1));
  const second = b.take()!;
  assert.notEqual(second.buffer, first.buffer);
  assert.ok(first.equals(Buffer.concat([Buffer.from('moofmdat'), Buffer.alloc(40, 7), Buffer.from('next')])), 'a batch in flight is never overwritten');
  // ...and once written, the first batch's memory serves the next one.
  b.release(first);
  b.release(second);
  b.append(Buffer.alloc(30, 2));
  const third = b.take()!;
  assert.equal(third.buffer, first.buffer);
  assert.ok(third.equals(Buffer.alloc(30, 2)));
  b.append(Buffer.alloc(5, 3));
  b.discard();
  assert.equal(b.take(), null);
});
