// The live analytics' frame source hands each picture on as soon as it is decoded, not when the
// next one arrives: at a 5 fps sub-stream, holding one back would add 200 ms to every alarm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { groupH264AccessUnits, h264NalType, splitAnnexB } from '../../../src/media/annexb.ts';
import { Fmp4Fragmenter } from '../../../src/media/fmp4-fragmenter.ts';
import { LiveFrameSource, type LiveFrame } from '../../../src/analytics/index.ts';

test('each fragment written gives its frame before the next fragment is written', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-lf-'));
  try {
    const file = path.join(dir, 'c.h264');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=5', '-t', '6', '-c:v', 'libx264', '-g', '5', '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'h264', file]);
    const units = groupH264AccessUnits(splitAnnexB(readFileSync(file)));
    assert.equal(units.length, 30);
    const frames: LiveFrame[] = [];
    const errors: string[] = [];
    let waiting: (() => void) | null = null;
    const src = new LiveFrameSource({
      fps: 5,
      width: 320,
      onFrame: (f) => {
        frames.push({ ...f, rgb: f.rgb.slice() });
        waiting?.();
      },
      onError: (m) => errors.push(m),
    });
    const mux = new Fmp4Fragmenter({ holdBack: false });
    try {
      // ffmpeg waits for some input before it decodes anything (probing): feed until the first
      // frame is out; from then on each frame must come out before the next fragment goes in.
      let lockstep = -1;
      for (const [i, nalus] of units.entries()) {
        const had = frames.length;
        // Fragments apart in time, so a frame's arrival stamp says which fragment it came from.
        await new Promise((r) => setTimeout(r, 30));
        const writtenAt = Date.now();
        for (const o of mux.push({ nalus, dts: i * 18000, pts: i * 18000, keyframe: nalus.some((n) => h264NalType(n) === 5) })) {
          if (o.kind === 'init') src.init('video/mp4; codecs="avc1.64000d"', o.data);
          else src.fragment(o.data);
        }
        if (lockstep < 0) {
          await new Promise((r) => setTimeout(r, 200));
          if (frames.length > 0) lockstep = i;
          continue;
        }
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`frame ${i} not out before fragment ${i + 1} was written (${frames.length} frames out; ${errors.join('; ')})`)), 3000);
          waiting = () => {
            if (frames.length > had) {
              clearTimeout(timer);
              // The frame out is this fragment's, not the one before (held back until this came).
              const at = frames[frames.length - 1].capturedAt;
              if (at >= writtenAt) resolve();
              else reject(new Error(`after fragment ${i} the frame out was from a fragment ${writtenAt - at} ms older`));
            }
          };
          waiting();
        });
      }
      // Probing is kept tiny: decoding starts within the first GOP (5 pictures) or at the second
      // keyframe, not after ffmpeg's default 5 s of analysis.
      assert.ok(lockstep >= 0 && lockstep <= 6, `decoding started after ${lockstep + 1} fragments`);
    } finally {
      src.close();
    }
    assert.ok(frames.length >= 30 - 6, `${frames.length} of 30 frames out`);
    assert.deepEqual([frames[0].width, frames[0].height, frames[0].rgb.length], [320, 180, 320 * 180 * 3]);
    // A real picture, not zeros: testsrc2 is colourful.
    assert.ok(frames[frames.length - 1].rgb.some((v) => v > 100) && new Set(frames[frames.length - 1].rgb.subarray(0, 3000)).size > 5);
    assert.deepEqual(errors, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
