// ffmpeg decoding video to raw RGB24 frames of a fixed size: `vigil analyze` (a file or a camera
// URL, frames from a pipe), live analytics (a camera's fMP4 fed on stdin, frames from a socket) and
// the detector's calibration (a few frames of a file). The one place that builds that command line;
// each caller reads the frames its own way.
import { spawn } from 'node:child_process';
import { MediaError } from './errors.ts';

export interface RgbDecodeOptions {
  /** A file or URL (rtsp:// goes over TCP), or 'pipe:0' for a stream written to ffmpeg's stdin. */
  input: string;
  /** The container of a stdin stream ('mp4'); files and URLs are probed. */
  format?: string;
  width: number;
  height: number;
  /**
   * Which pictures: `fps`, an even rate (ffmpeg's fps filter: it repeats pictures to fill a gap);
   * `minGapSeconds`, pictures at least that far apart, never invented (a live stream whose viewer
   * was skipped has a gap that repeated pictures would fill with stale video).
   */
  rate: { fps: number | string } | { minGapSeconds: number };
  /** Area averaging instead of ffmpeg's default bicubic: what analysis sees (motion masks, detector). */
  areaScale?: boolean;
  /** Read a file at its own pace (-re) instead of as fast as the consumer takes frames. */
  realtime?: boolean;
  startSeconds?: number;
  maxFrames?: number;
  /**
   * A live stream: no probing, no buffering, one thread, media times kept (-copyts), and each
   * picture's pts logged by showinfo on stderr, so frames can be matched back to fragments.
   */
  live?: boolean;
  /** Where the frames go: stdout (default), or `unix:PATH`, a socket ffmpeg listens on. */
  output?: string;
}

/** The ffmpeg arguments for `o`. */
export function rgbDecodeArgs(o: RgbDecodeOptions): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', o.live ? 'info' : 'error', '-nostdin'];
  if (o.live) {
    // Almost no probing: the init segment says what the stream is, and ffmpeg's defaults (an
    // analyzeduration of 0 means its default 5 s) held the first frame back for 5 s.
    // One decoding thread: frame threads would hold frames back (latency) and, times dozens of
    // cameras, only add contention on a small machine.
    args.push('-fflags', '+nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '1', '-threads', '1');
  }
  if (o.realtime) args.push('-re');
  if (o.startSeconds !== undefined) args.push('-ss', String(o.startSeconds));
  if (o.input.startsWith('rtsp://')) args.push('-rtsp_transport', 'tcp');
  if (o.format) args.push('-f', o.format);
  args.push('-i', o.input, '-an', '-sn');
  if (o.live) args.push('-copyts', '-filter_threads', '1');
  const filters = [
    'fps' in o.rate ? `fps=${o.rate.fps}` : `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${o.rate.minGapSeconds.toFixed(4)})'`,
    `scale=${o.width}:${o.height}${o.areaScale ? ':flags=area' : ''}`,
  ];
  // showinfo only for each frame's pts; its plane checksums cost 0.2-0.3 ms a frame for nothing.
  if (o.live) filters.push('showinfo=checksum=0');
  args.push('-vf', filters.join(','));
  if (o.maxFrames !== undefined) args.push('-frames:v', String(o.maxFrames));
  args.push('-pix_fmt', 'rgb24');
  // One encoder thread too: with more, the rawvideo "encoder" hands each frame on only when the
  // next one arrives, which was 200 ms of every alarm's latency at 5 fps (measured: frame out
  // 200 ms after its fragment came in, 5 ms with this).
  if (o.live) args.push('-fps_mode', 'passthrough', '-threads', '1');
  args.push('-f', 'rawvideo');
  if (o.output?.startsWith('unix:')) args.push('-listen', '1', o.output);
  else args.push(o.output ?? 'pipe:1');
  return args;
}

/**
 * `count` frames of a file, one every `everySeconds` from `startSeconds`, scaled to width×height
 * RGB24 (bicubic), each a copy of its own. For calibration, tests and benches: real frames, not
 * synthetic ones. MediaError FFMPEG_MISSING or DECODE_FAILED.
 */
export async function decodeRgbFrames(file: string, opts: { count: number; width: number; height: number; everySeconds?: number; startSeconds?: number; ffmpeg?: string }): Promise<Uint8Array[]> {
  const { count, width, height } = opts;
  const ffmpeg = opts.ffmpeg ?? 'ffmpeg';
  const args = rgbDecodeArgs({ input: file, width, height, rate: { fps: `1/${opts.everySeconds ?? 1}` }, startSeconds: opts.startSeconds ?? 0, maxFrames: count });
  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => { err += c; });
  const { code, error } = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((res) => {
    child.on('error', (error: NodeJS.ErrnoException) => res({ code: null, error }));
    child.on('close', (code) => res({ code }));
  });
  if (error?.code === 'ENOENT') throw new MediaError('FFMPEG_MISSING', `${ffmpeg} not found: install ffmpeg (apt-get install ffmpeg)`);
  if (code !== 0) throw new MediaError('DECODE_FAILED', `ffmpeg failed on ${file}: ${(error?.message ?? err).trim().slice(0, 300)}`);
  const all = Buffer.concat(chunks);
  const frame = width * height * 3;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + frame <= all.length; o += frame) frames.push(new Uint8Array(all.subarray(o, o + frame)));
  return frames;
}
