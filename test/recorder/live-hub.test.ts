import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveHub } from '../../src/live/index.ts';
import type { LiveSink } from '../../src/live/index.ts';

function sink(buffered = () => 0) {
  const got: string[] = [];
  const s: LiveSink = {
    init: (mime) => got.push(`init:${mime}`),
    fragment: (d) => got.push(`frag:${d.toString()}`),
    status: (st) => got.push(`status:${st}`),
    get bufferedBytes() {
      return buffered();
    },
  };
  return { s, got };
}

test('a late viewer gets the init segment and the GOP so far, then live fragments', () => {
  const hub = new LiveHub();
  hub.setState('online', null);
  hub.setInit('video/mp4', Buffer.from('I'));
  hub.fragment(Buffer.from('k1'), true);
  hub.fragment(Buffer.from('p1'), false);
  const a = sink();
  hub.add(a.s);
  hub.fragment(Buffer.from('p2'), false);
  assert.deepEqual(a.got, ['init:video/mp4', 'frag:k1', 'frag:p1', 'frag:p2']);
});

test('one camera, many viewers: each gets every fragment once; unsubscribe stops delivery', () => {
  const hub = new LiveHub();
  hub.setState('online', null);
  hub.setInit('m', Buffer.from('I'));
  const a = sink();
  const b = sink();
  const offA = hub.add(a.s);
  hub.add(b.s);
  hub.fragment(Buffer.from('k'), true);
  offA();
  hub.fragment(Buffer.from('p'), false);
  assert.deepEqual(a.got, ['init:m', 'frag:k']);
  assert.deepEqual(b.got, ['init:m', 'frag:k', 'frag:p']);
  assert.equal(hub.viewerCount, 1);
});

test('a slow viewer is skipped until it drains, then resumes on a keyframe', () => {
  const hub = new LiveHub();
  hub.setState('online', null);
  hub.setInit('m', Buffer.from('I'));
  let backlog = 0;
  const slow = sink(() => backlog);
  hub.add(slow.s);
  hub.fragment(Buffer.from('k1'), true);
  backlog = 10 * 1024 * 1024;
  hub.fragment(Buffer.from('p1'), false);
  backlog = 0;
  hub.fragment(Buffer.from('p2'), false);
  hub.fragment(Buffer.from('k2'), true);
  assert.deepEqual(slow.got, ['init:m', 'frag:k1', 'frag:k2']);
});

test('viewers hear when the camera goes offline', () => {
  const hub = new LiveHub();
  const a = sink();
  hub.add(a.s);
  hub.setState('offline', 'CAMERA_UNREACHABLE');
  assert.deepEqual(a.got, ['status:connecting', 'status:offline']);
});
