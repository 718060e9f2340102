import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DetectorError } from './errors.ts';

export const VTEST_AVI = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';

/** The shared evaluation clips when this checkout has them (../shared/data/video), else []. */
export function sharedClips(): string[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data', 'video');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /\.(mp4|avi|mkv)$/i.test(f)).sort().map((f) => join(dir, f));
}

/**
 * Decodes `count` frames, one every `everySeconds`, scaled to width×height RGB24, with ffmpeg.
 * Used for calibration, tests and the bench: real frames, not synthetic ones.
 */
export async function decodeRgbFrames(file: string, opts: { count: number; width: number; height: number; everySeconds?: number; startSeconds?: number }): Promise<Uint8Array[]> {
  if (!existsSync('/usr/bin/ffmpeg')) throw new DetectorError('BACKEND_UNAVAILABLE', 'ffmpeg is missing: apt-get install ffmpeg');
  const { count, width, height } = opts;
  const args = ['-v', 'error', '-ss', String(opts.startSeconds ?? 0), '-i', file,
    '-vf', `fps=1/${opts.everySeconds ?? 1},scale=${width}:${height}`, '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child = spawn('/usr/bin/ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => { err += c; });
  const code = await new Promise<number | null>((res) => child.on('close', res));
  if (code !== 0) throw new DetectorError('BAD_INPUT', `ffmpeg failed on ${file}: ${err.trim().slice(0, 300)}`);
  const all = Buffer.concat(chunks);
  const frame = width * height * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + frame <= all.length; o += frame) frames.push(new Uint8Array(all.subarray(o, o + frame)));
  return frames;
}
