import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildH264Sdp, findH264Track, hasAudio, parseSdp, resolveControlUrl } from '../../src/media/sdp.ts';

// Shaped like what a Hikvision-style camera answers, audio first.
const CAMERA_SDP = [
  'v=0',
  'o=- 1109162014219182 1109162014219192 IN IP4 192.168.1.64',
  's=Media Presentation',
  'c=IN IP4 0.0.0.0',
  't=0 0',
  'a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast',
  'm=audio 0 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast',
  'm=video 0 RTP/AVP 96',
  'b=AS:5000',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AKZpkA8ARPy4C3AQEBQAAAwPoAADDUOhgAJiWAAJiWF3lxoYABMSwABMSwu8uFA==,aO48gA==',
  'a=control:trackID=1',
  '',
].join('\r\n');

test('finds the H.264 track behind an audio track, with sprop SPS/PPS', () => {
  const desc = parseSdp(CAMERA_SDP);
  assert.equal(desc.media.length, 2);
  assert.equal(hasAudio(desc), true);
  const t = findH264Track(desc)!;
  assert.equal(t.payloadType, 96);
  assert.equal(t.clockRate, 90000);
  assert.equal(t.packetizationMode, 1);
  assert.equal(t.profileLevelId, '420029');
  assert.equal(t.control, 'trackID=1');
  assert.equal(t.sps![0] & 0x1f, 7);
  assert.deepEqual(t.pps, Buffer.from('68ee3c80', 'hex'));
});

test('no H.264 track: undefined (H.265 or audio only)', () => {
  const h265 = 'v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\nm=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n';
  assert.equal(findH264Track(parseSdp(h265)), undefined);
  assert.equal(findH264Track(parseSdp('garbage\nmore garbage')), undefined);
});

test('control URLs resolve like ffmpeg and live555 do', () => {
  assert.equal(resolveControlUrl('rtsp://cam/live/', 'trackID=1'), 'rtsp://cam/live/trackID=1');
  assert.equal(resolveControlUrl('rtsp://cam/live', 'trackID=1'), 'rtsp://cam/live/trackID=1');
  assert.equal(resolveControlUrl('rtsp://cam/live/', 'rtsp://other/x'), 'rtsp://other/x');
  assert.equal(resolveControlUrl('rtsp://cam/live/', '*'), 'rtsp://cam/live/');
  assert.equal(resolveControlUrl('rtsp://cam/live/', undefined), 'rtsp://cam/live/');
});

test('buildH264Sdp round-trips through parseSdp', () => {
  const sps = Buffer.from('674d401eda0280bfe584', 'hex');
  const pps = Buffer.from('68ee3c80', 'hex');
  const t = findH264Track(parseSdp(buildH264Sdp({ sps, pps, control: 'trackID=0' })))!;
  assert.deepEqual(t.sps, sps);
  assert.deepEqual(t.pps, pps);
  assert.equal(t.profileLevelId, '4d401e');
  assert.equal(t.packetizationMode, 1);
  assert.equal(t.control, 'trackID=0');
});
