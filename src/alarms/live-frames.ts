// Frames for live analytics from the camera's live fan-out, never from a second camera
// connection: a LiveSink that pipes the fMP4 init segment and fragments into one ffmpeg, which
// decodes, keeps frames at least 1/fps apart, scales and writes raw RGB. Each frame carries the
// wall-clock time its fragment arrived (matched by media time through showinfo's pts), so alarms
// can say when it was seen and the latency can be measured. Backpressure: while ffmpeg's stdin
// is backed up, `bufferedBytes` is high and the LiveHub skips this viewer until the next keyframe.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { CameraState, LiveSink } from '../live/index.ts';
import { readCaptureTime, readFragmentDts, readInitInfo } from './fmp4-times.ts';

export interface LiveFrame {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** wall-clock ms when the fragment holding this picture reached the node */
  capturedAt: number;
  /** the camera's own send time of the picture (ms), when it stamps one (the simulator does) */
  cameraTime: number | null;
}

export interface LiveFrameOptions {
  fps: number;
  width: number;
  ffmpeg?: string;
  /** called for each decoded frame; the buffer is reused after the call returns */
  onFrame: (frame: LiveFrame) => void;
  onError?: (message: string) => void;
}

/** How many fragment arrival times to remember for matching frames back to them. */
const ARRIVALS = 256;
/**
 * ffmpeg's stdin backlog (beyond the 64 KiB OS pipe) at which the hub should skip us: about half a
 * second of an 800 kbit/s sub-stream. More would only be video analysed late: alarms are about now.
 * (256 KiB measured 3 s p50 alert latency at 8 cameras on a starved machine.)
 */
const STDIN_LIMIT = 48 * 1024;

interface Arrival { media: number; wall: number; camera: number | null }

export class LiveFrameSource implements LiveSink {
  private readonly o: LiveFrameOptions;
  private proc: ChildProcessWithoutNullStreams | null = null;
  private timescale = 90000;
  private size = { width: 0, height: 0 };
  private frame: Uint8Array = new Uint8Array(0);
  /** the second frame buffer: frame and spare swap while a frame is held */
  private spare: Uint8Array = new Uint8Array(0);
  /** a decoded frame waiting for its showinfo line */
  private held: Uint8Array | null = null;
  private stderrPartial = '';
  private filled = 0;
  private readonly ptsQueue: number[] = [];
  private readonly arrivals: Arrival[] = [];
  private codec: 'h264' | 'h265' = 'h264';
  private stderrTail = '';
  /** frames handed on before their showinfo line was read: skip that many pts lines */
  private owed = 0;
  private closed = false;
  /** frames decoded and handed on */
  frames = 0;
  /** fragments given to us by the live fan-out (one picture each) */
  fragmentsIn = 0;
  state: CameraState = 'connecting';

  constructor(o: LiveFrameOptions) {
    this.o = o;
  }

  get bufferedBytes(): number {
    const w = this.proc?.stdin.writableLength ?? 0;
    // Past the limit, say "full" in the hub's terms so it skips us until a keyframe.
    return w > STDIN_LIMIT ? Number.MAX_SAFE_INTEGER : w;
  }

  init(mime: string, initSegment: Buffer): void {
    if (this.closed) return;
    this.codec = /hvc1|hev1/.test(mime) ? 'h265' : 'h264';
    this.stop();
    const info = readInitInfo(initSegment);
    if (!info || !info.width || !info.height) {
      this.o.onError?.('live stream init segment without picture size');
      return;
    }
    this.timescale = info.timescale;
    const w = Math.min(this.o.width, info.width) & ~1;
    const h = Math.max(2, Math.round((info.height * w) / info.width / 2) * 2);
    this.size = { width: w, height: h };
    this.frame = new Uint8Array(w * h * 3);
    this.spare = new Uint8Array(w * h * 3);
    this.held = null;
    this.stderrPartial = '';
    this.filled = 0;
    this.ptsQueue.length = 0;
    this.owed = 0;
    this.arrivals.length = 0;
    this.start();
    this.write(initSegment);
  }

  fragment(data: Buffer): void {
    if (!this.proc || this.closed) return;
    this.fragmentsIn++;
    const dts = readFragmentDts(data);
    if (dts !== null) {
      this.arrivals.push({ media: dts / this.timescale, wall: Date.now(), camera: readCaptureTime(data, this.codec) });
      if (this.arrivals.length > ARRIVALS) this.arrivals.shift();
    }
    this.write(data);
  }

  status(state: CameraState): void {
    this.state = state;
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private write(data: Buffer): void {
    const stdin = this.proc?.stdin;
    if (stdin && !stdin.destroyed && stdin.writable) stdin.write(data);
  }

  private start(): void {
    const { width, height } = this.size;
    const gap = (1 / this.o.fps) * 0.95;
    const args = [
      '-hide_banner', '-nostats', '-loglevel', 'info', '-nostdin',
      '-fflags', '+nobuffer', '-flags', 'low_delay', '-probesize', '65536', '-analyzeduration', '0',
      // One decoding thread: frame threads would hold frames back (latency) and, times dozens of
      // cameras, only add contention on a small machine.
      '-threads', '1', '-f', 'mp4', '-i', 'pipe:0', '-an', '-sn', '-copyts', '-filter_threads', '1',
      // select, not fps: fps would invent duplicate frames to fill a gap after the hub skipped us.
      '-vf', `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${gap.toFixed(4)})',scale=${width}:${height}:flags=area,showinfo`,
      '-fps_mode', 'passthrough', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
    ];
    const proc = spawn(this.o.ffmpeg ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.on('error', (err: NodeJS.ErrnoException) => {
      this.o.onError?.(err.code === 'ENOENT' ? 'ffmpeg not found: install ffmpeg (apt-get install ffmpeg)' : `ffmpeg: ${err.message}`);
    });
    proc.stdin.on('error', () => undefined);
    proc.stderr.on('data', (d: Buffer) => this.onStderr(d.toString()));
    proc.stdout.on('data', (chunk: Buffer) => this.onStdout(proc, chunk));
    proc.on('close', (code, signal) => {
      if (this.proc === proc) this.proc = null;
      if (!this.closed && signal !== 'SIGKILL' && code !== 0) this.o.onError?.(`ffmpeg exited with ${code}: ${this.stderrTail.trim().split('\n').slice(-2).join(' ')}`);
    });
  }

  private stop(): void {
    const p = this.proc;
    this.proc = null;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }

  private onStderr(text: string): void {
    const lines = (this.stderrPartial + text).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /Parsed_showinfo.*\bpts_time:\s*(-?[0-9.]+)/.exec(line);
      if (m && this.owed > 0) this.owed--;
      else if (m && this.held) {
        // The frame came out of stdout before its line came out of stderr: hand it on now.
        const held = this.held;
        this.held = null;
        this.deliver(held, Number(m[1]));
        this.spare = held;
      } else if (m) {
        this.ptsQueue.push(Number(m[1]));
        if (this.ptsQueue.length > 64) this.ptsQueue.shift();
      } else if (line.trim()) {
        this.stderrTail = (this.stderrTail + line + '\n').slice(-2000);
      }
    }
  }

  private onStdout(proc: ChildProcessWithoutNullStreams, chunk: Buffer): void {
    if (proc !== this.proc) return;
    const bytes = this.frame.length;
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(bytes - this.filled, chunk.length - off);
      this.frame.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === bytes) {
        this.filled = 0;
        this.frames++;
        const pts = this.ptsQueue.shift();
        if (pts !== undefined) {
          this.deliver(this.frame, pts);
          continue;
        }
        // stdout and stderr are read independently: the showinfo line of this frame may not have
        // been read yet. Hold the frame (and fill the spare buffer meanwhile) until it is; a frame
        // still held when the next one completes goes on without its time.
        if (this.held) {
          this.owed++;
          this.deliver(this.held, undefined);
          this.spare = this.held;
        }
        this.held = this.frame;
        this.frame = this.spare;
      }
    }
  }

  private deliver(rgb: Uint8Array, pts: number | undefined): void {
    const a = this.arrivalOf(pts);
    this.o.onFrame({ rgb, width: this.size.width, height: this.size.height, capturedAt: a?.wall ?? Date.now(), cameraTime: a?.camera ?? null });
  }

  /** Arrival of the last fragment that starts at or before the frame's media time. */
  private arrivalOf(pts: number | undefined): Arrival | null {
    if (pts === undefined || this.arrivals.length === 0) return null;
    let best: Arrival | null = null;
    for (const a of this.arrivals) if (a.media <= pts + 1e-6 && (!best || a.media >= best.media)) best = a;
    return best ?? this.arrivals[0];
  }
}
