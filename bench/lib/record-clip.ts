// The benchmark's camera picture: a 1280x720 25 fps H.264 Annex B clip at about 2 Mb/s (GOP 25,
// no B-frames), like a typical city camera's main stream. The simulator's own clips are 640x360
// at 1 Mb/s, so the benchmark encodes its own once into a cache directory and reuses it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClipMeta } from '../../src/simulator/index.ts';

export const VTEST_AVI = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
export const CLIP_NAME = 'vtest-720p-2M';
const W = 1280;
const H = 720;
const FPS = 25;
const SECONDS = 10;

export interface BenchClip {
  meta: ClipMeta;
  h264Path: string;
  /** Actual average bitrate of the encoded clip, bits per second. */
  bitsPerSec: number;
}

export function ensureBenchClip(cacheDir: string): BenchClip {
  const h264Path = path.join(cacheDir, `${CLIP_NAME}.h264`);
  const metaPath = path.join(cacheDir, `${CLIP_NAME}.json`);
  const done = (meta: ClipMeta): BenchClip => ({ meta, h264Path, bitsPerSec: (statSync(h264Path).size * 8) / meta.durationSec });
  if (existsSync(h264Path) && existsSync(metaPath)) return done(JSON.parse(readFileSync(metaPath, 'utf8')) as ClipMeta);
  if (!existsSync(VTEST_AVI)) throw new Error(`${VTEST_AVI} is missing: sudo apt-get install -y opencv-doc`);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${h264Path}.tmp-${process.pid}`;
  // Pedestrians scaled up, plus temporal noise so the encoder has detail to spend 2 Mb/s on
  // (the clean upscale alone undershoots the target by a third).
  const r = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', VTEST_AVI, '-t', String(SECONDS),
    '-vf', `scale=${W}:${H},fps=${FPS},noise=alls=12:allf=t`,
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
    '-r', String(FPS), '-g', String(FPS), '-keyint_min', String(FPS), '-sc_threshold', '0', '-bf', '0',
    '-b:v', '2M', '-maxrate', '2M', '-bufsize', '1M', '-x264-params', 'repeat-headers=1',
    '-f', 'h264', tmp,
  ], { encoding: 'utf8' });
  if (r.error) {
    rmSync(tmp, { force: true });
    throw new Error(`ffmpeg could not start (${r.error.message}): sudo apt-get install -y ffmpeg`);
  }
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`ffmpeg failed encoding the benchmark clip: ${r.stderr.slice(0, 1000)}`);
  }
  const meta: ClipMeta = { name: CLIP_NAME, fps: FPS, width: W, height: H, durationSec: SECONDS, source: `${VTEST_AVI} scaled to ${W}x${H} + noise, x264 2M` };
  renameSync(tmp, h264Path);
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return done(meta);
}
