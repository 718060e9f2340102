// The alarms part's pure pieces: head pixelation, fMP4 timing fields, count buckets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blurHeads, headBand } from '../../../src/privacy/index.ts';
import { readInitInfo, readFragmentDts } from '../../../src/analytics/index.ts';
import { bucketCounts } from '../../../src/events/index.ts';
import { execFileSync } from 'node:child_process';
import { initSegment, mediaFragment, splitAnnexB, h264NalType, h264TrackConfig, H264_NAL } from '../../../src/media/index.ts';
import { neighbourDiff } from './png-decode.ts';

function noise(w: number, h: number, seed = 1): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  let s = seed;
  for (let i = 0; i < rgb.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    rgb[i] = s >>> 24;
  }
  return rgb;
}

test('blurHeads pixelates the top of each person box and leaves the rest alone', () => {
  const w = 320, h = 180;
  const img = noise(w, h);
  const before = img.slice();
  const box: [number, number, number, number] = [0.4, 0.2, 0.5, 0.8];
  blurHeads(img, w, h, [box]);
  const band = headBand(box, w, h);
  assert.ok(band.h >= 0.4 * 0.6 * h - 2, 'the band covers about the top 40 % of the box');
  const image = { width: w, height: h, rgb: img };
  const inside = neighbourDiff(image, band);
  const below = { x: band.x, y: band.y + band.h + 2, w: band.w, h: 30 };
  const outside = neighbourDiff(image, below);
  assert.ok(inside < outside * 0.4, `detail inside ${inside.toFixed(1)} vs outside ${outside.toFixed(1)}`);
  // Pixels outside the band are untouched.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x >= band.x && x < band.x + band.w && y >= band.y && y < band.y + band.h) continue;
      const i = (y * w + x) * 3;
      if (img[i] !== before[i]) assert.fail(`pixel ${x},${y} outside the band changed`);
    }
  }
  // A box at the image edge does not write outside the image.
  blurHeads(img, w, h, [[0.95, 0, 1, 1], [0, 0, 0.01, 0.01]]);
});

test('init segment timescale and size, fragment decode time', () => {
  // A real SPS/PPS from ffmpeg (apt-get install ffmpeg), 320x240.
  const es = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-frames:v', '1', '-c:v', 'libx264', '-f', 'h264', 'pipe:1']);
  const nalus = splitAnnexB(es);
  const sps = nalus.find((n) => h264NalType(n) === H264_NAL.SPS)!;
  const pps = nalus.find((n) => h264NalType(n) === H264_NAL.PPS)!;
  const init = initSegment(h264TrackConfig(sps, pps));
  const info = readInitInfo(init);
  assert.deepEqual(info, { timescale: 90000, width: 320, height: 240 });
  const frag = mediaFragment(3, 123456, [{ nalus: [Buffer.from([0x65, 1, 2, 3])], duration: 3600, compositionOffset: 0, keyframe: true }]);
  assert.equal(readFragmentDts(frag), 123456);
  assert.equal(readFragmentDts(Buffer.from('garbage')), null);
  assert.equal(readInitInfo(Buffer.alloc(16)), null);
});

test('count buckets regroup minutes and keep class and direction apart', () => {
  const m = 1_800_000_000_000 - (1_800_000_000_000 % 60000);
  const rows = [
    { cameraId: 'c', line: 'a', minuteMs: m, cls: 'person', direction: 'positive' as const, n: 1 },
    { cameraId: 'c', line: 'a', minuteMs: m + 60000, cls: 'person', direction: 'positive' as const, n: 2 },
    { cameraId: 'c', line: 'a', minuteMs: m + 60000, cls: 'person', direction: 'negative' as const, n: 5 },
    { cameraId: 'c', line: 'a', minuteMs: m + 300000, cls: 'car', direction: 'positive' as const, n: 7 },
  ];
  assert.deepEqual(bucketCounts(rows, m, 300), [
    { from: m, line: 'a', cls: 'person', direction: 'negative', n: 5 },
    { from: m, line: 'a', cls: 'person', direction: 'positive', n: 3 },
    { from: m + 300000, line: 'a', cls: 'car', direction: 'positive', n: 7 },
  ]);
  assert.equal(bucketCounts(rows, m, 60).length, 4);
});
