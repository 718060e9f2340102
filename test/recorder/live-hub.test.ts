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

test('each keyframe carries the wall-clock time of its picture and its place on the media timeline (the tile clock)', async () => {
  const { initSegment, mediaFragment, h264TrackConfig } = await import('../../src/media/index.ts');
  const sps = Buffer.from('6764001facd9405005bb011000000300100000030320f1831960', 'hex');
  const pps = Buffer.from('68ebe3cb22c0', 'hex');
  const frame = (keyframe: boolean) => ({ nalus: [Buffer.from(keyframe ? [0x65, 0x88, 1] : [0x41, 0x9a, 9])], duration: 3600, compositionOffset: 0, keyframe });
  const hub = new LiveHub();
  hub.setState('online', null);
  hub.setInit('video/mp4', initSegment(h264TrackConfig(sps, pps)));
  const clocks: [number, number][] = [];
  const viewer: LiveSink = { init: () => {}, fragment: () => {}, status: () => {}, clock: (w, m) => void clocks.push([w, m]), bufferedBytes: 0 };
  hub.add(viewer);
  const at = Date.UTC(2026, 11, 2, 9, 30, 0);
  hub.fragment(mediaFragment(1, 90_000 * 12, [frame(true)]), true, at);
  hub.fragment(mediaFragment(2, 90_000 * 12 + 3600, [frame(false)]), false, at + 40);
  hub.fragment(mediaFragment(3, 2 ** 33, [frame(true)]), true, at + 5000);
  assert.deepEqual(clocks, [[at, 12], [at + 5000, 2 ** 33 / 90_000]], 'one per keyframe, 64-bit decode times too');
  // A viewer joining mid-GOP gets the GOP's clock with its fragments.
  const late: [number, number][] = [];
  hub.fragment(mediaFragment(4, 2 ** 33 + 3600, [frame(false)]), false, at + 5040);
  hub.add({ ...viewer, clock: (w, m) => void late.push([w, m]) });
  assert.deepEqual(late, [[at + 5000, 2 ** 33 / 90_000]]);
  // Bytes that are not a fragment give no clock rather than a wrong one.
  hub.fragment(Buffer.from('not a fragment'), true, at + 9000);
  assert.equal(clocks.length, 2);
});
