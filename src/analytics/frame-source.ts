// Frames for analysis: ffmpeg decodes a file or an RTSP URL at the analysis rate, scaled, as raw
// RGB on stdout. Frames land in a small ring of preallocated buffers; a frame stays valid until
// the consumer has pulled RING-1 further frames, and the pull-based read means ffmpeg is throttled
// by the pipe (backpressure) instead of buffering unboundedly. Files run as fast as the consumer
// can unless `realtime` is set (-re).
import { spawn, execFile } from 'node:child_process';
import { AnalyticsError } from './errors.ts';
import { rgbDecodeArgs } from '../media/index.ts';

export interface VideoFrame {
  /** 0-based index at the analysis rate */
  index: number;
  /** seconds from the start: index / fps */
  t: number;
  /** interleaved RGB, width*height*3; owned by the source's ring, reused after RING-1 more frames */
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface FrameSourceOptions {
  input: string;
  fps?: number;
  /** output width (height keeps the aspect ratio, even) */
  width?: number;
  realtime?: boolean;
  ffmpeg?: string;
  ffprobe?: string;
  /** stop after this many frames */
  maxFrames?: number;
  /** The video comes as these bytes on ffmpeg's stdin (input 'pipe:0'), in `format` (e.g. 'mp4'). */
  stdin?: AsyncIterable<Buffer>;
  format?: string;
}

export const RING = 3;

export interface VideoInfo {
  width: number; height: number; duration: number | null; fps: number | null;
  /** presentation time of the file's first video frame, s (0 for most files; MPEG-TS often starts later) */
  startTime: number;
}

function isUrl(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
}

/** Camera URLs may carry a password: never put one in an error or a log. */
export function redactUrl(input: string): string {
  return input.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

export function probeVideo(input: string, ffprobe = 'ffprobe'): Promise<VideoInfo> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate,start_time:format=duration', '-of', 'json'];
  if (input.startsWith('rtsp://')) args.push('-rtsp_transport', 'tcp');
  args.push(input);
  return new Promise((resolve, reject) => {
    execFile(ffprobe, args, { timeout: 20000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new AnalyticsError('FFMPEG_MISSING', `${ffprobe} not found: install ffmpeg (apt-get install ffmpeg)`));
      }
      if (err) return reject(new AnalyticsError('SOURCE_UNREADABLE', `cannot read video ${redactUrl(input)}: ${String(stderr).trim().split('\n').pop() || err.message}`));
      try {
        const j = JSON.parse(stdout) as { streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string; start_time?: string }[]; format?: { duration?: string } };
        const s = j.streams?.[0];
        if (!s?.width || !s.height) throw new Error('no video stream');
        const rate = (r?: string) => { const [a, b] = (r ?? '').split('/').map(Number); return a > 0 && b > 0 ? a / b : null; };
        const d = Number(j.format?.duration);
        const start = Number(s.start_time);
        resolve({ width: s.width, height: s.height, duration: Number.isFinite(d) ? d : null, fps: rate(s.avg_frame_rate) ?? rate(s.r_frame_rate), startTime: Number.isFinite(start) ? start : 0 });
      } catch (e) {
        reject(new AnalyticsError('SOURCE_UNREADABLE', `cannot read video ${redactUrl(input)}: ${(e as Error).message}`));
      }
    });
  });
}

export function scaledSize(info: { width: number; height: number }, width: number): { width: number; height: number } {
  const w = Math.min(width, info.width) & ~1;
  return { width: w, height: Math.max(2, Math.round((info.height * w) / info.width / 2) * 2) };
}

/** Decodes `opts.input`; the generator kills ffmpeg when the consumer stops early. */
export async function* decodeFrames(opts: FrameSourceOptions, size: { width: number; height: number }): AsyncGenerator<VideoFrame> {
  const fps = opts.fps ?? 5;
  const { width, height } = size;
  const frameBytes = width * height * 3;
  const ring = Array.from({ length: RING }, () => new Uint8Array(frameBytes));
  const args = rgbDecodeArgs({ input: opts.stdin ? 'pipe:0' : opts.input, format: opts.format, width, height, rate: { fps }, areaScale: true, realtime: opts.realtime });
  const proc = spawn(opts.ffmpeg ?? 'ffmpeg', args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  if (opts.stdin && proc.stdin) {
    const stdin = proc.stdin;
    stdin.on('error', () => undefined); // ffmpeg stopped reading (enough frames, or it failed: its exit says which)
    const feed = opts.stdin;
    void (async () => {
      try {
        for await (const chunk of feed) {
          if (stdin.destroyed) break;
          if (!stdin.write(chunk)) {
            await new Promise<void>((resolve) => {
              const go = () => { stdin.off('drain', go); stdin.off('close', go); resolve(); };
              stdin.on('drain', go);
              stdin.on('close', go);
            });
          }
        }
      } catch {
        // an unreadable recording ends the input early; what was decoded stands
      } finally {
        stdin.end();
      }
    })();
  }
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    proc.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    proc.on('close', (code) => resolve({ code }));
  });
  let index = 0;
  let k = 0;
  let filled = 0;
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - off);
        ring[k].set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          yield { index, t: index / fps, rgb: ring[k], width, height };
          index++;
          k = (k + 1) % RING;
          filled = 0;
          if (opts.maxFrames !== undefined && index >= opts.maxFrames) return;
        }
      }
    }
    const { code, error } = await exited;
    if (error?.code === 'ENOENT') throw new AnalyticsError('FFMPEG_MISSING', `${opts.ffmpeg ?? 'ffmpeg'} not found: install ffmpeg (apt-get install ffmpeg)`);
    if (error) throw new AnalyticsError('DECODE_FAILED', `ffmpeg failed to start: ${error.message}`);
    if (code !== 0) throw new AnalyticsError('DECODE_FAILED', `ffmpeg exited with ${code} decoding ${redactUrl(opts.input)}: ${stderr.trim().split('\n').slice(-2).join(' ')}`);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  }
}

export { isUrl };
