// The live socket's text protocol and reconnect timing, as the browser player reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLiveControlMessage, reconnectDelayMs } from '../../web/src/live/protocol.ts';

test('parses init and status messages', () => {
  assert.deepEqual(parseLiveControlMessage('{"type":"init","mime":"video/mp4; codecs=\\"avc1.64001f\\""}'), {
    type: 'init',
    mime: 'video/mp4; codecs="avc1.64001f"',
  });
  assert.deepEqual(parseLiveControlMessage('{"type":"status","state":"offline","message":"timed out"}'), {
    type: 'status',
    state: 'offline',
    message: 'timed out',
  });
  // The server sends a null message for some states.
  assert.deepEqual(parseLiveControlMessage('{"type":"status","state":"connecting","message":null}'), {
    type: 'status',
    state: 'connecting',
    message: '',
  });
});

test('ignores malformed and unknown messages instead of throwing', () => {
  for (const text of ['', 'not json', 'null', '42', '{"type":"init"}', '{"type":"init","mime":5}', '{"type":"ptz","pan":1}', '{"type":"status"}']) {
    assert.equal(parseLiveControlMessage(text), null, text);
  }
});

test('reconnect delay doubles from 0.5 s, is capped at 10 s, and is jittered by at most 20 %', () => {
  const mid = () => 0.5;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 30].map((n) => reconnectDelayMs(n, mid)), [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  assert.equal(reconnectDelayMs(0, () => 0), 400);
  assert.equal(reconnectDelayMs(0, () => 0.999999), 600);
  assert.equal(reconnectDelayMs(20, () => 0.999999), 12000);
});

test('clock messages: parsed when both figures are numbers; the frame on screen gets its wall-clock time', async () => {
  const { frameWallMs } = await import('../../web/src/live/protocol.ts');
  assert.deepEqual(parseLiveControlMessage('{"type":"clock","wallMs":1764667800000,"mediaSec":12.5}'), { type: 'clock', wallMs: 1764667800000, mediaSec: 12.5 });
  assert.equal(parseLiveControlMessage('{"type":"clock","wallMs":"x","mediaSec":1}'), null);
  const anchors = [{ wallMs: 1_000_000, mediaSec: 10 }, { wallMs: 1_002_000, mediaSec: 12 }];
  assert.equal(frameWallMs(anchors, 11.5), 1_001_500, 'from the keyframe at or before the frame');
  assert.equal(frameWallMs(anchors, 12.04), 1_002_040);
  assert.equal(frameWallMs(anchors, 9.5), 999_500, 'older than every keyframe known: back from the oldest');
  assert.equal(frameWallMs([], 3), null, 'no clock yet: no time rather than a made-up one');
});
