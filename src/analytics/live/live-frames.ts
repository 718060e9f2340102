// Frames for live analytics from the camera's live fan-out, never from a second camera
// connection: a LiveSink that pipes the fMP4 init segment and fragments into one ffmpeg, which
// decodes, keeps frames at least 1/fps apart, scales and writes raw RGB. Each frame carries the
// wall-clock time its fragment arrived (matched by media time through showinfo's pts), so alarms
// can say when it was seen and the latency can be measured. Backpressure: while ffmpeg's stdin
// is backed up, `bufferedBytes` is high and the LiveHub skips this viewer until the next keyframe.
//
// Frames do not come through ffmpeg's stdout: a pipe read gives a new 64 KiB buffer per read, and
// 32 cameras' frames at 5 fps are 110 MB/s of buffers for the garbage collector, which ran a full
// collection about five times a second for them (its trigger is external memory, not the heap).
// ffmpeg listens on a Unix socket instead and we read it with `onread`, straight into the frame
// buffer: no allocation and no copy per frame.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CameraState, LiveSink } from '../../live/index.ts';
import { rgbDecodeArgs } from '../../media/index.ts';
import { scaledSize } from '../frame-source.ts';
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
  /** A fragment (one picture) came in, at this media time (s) when its header says. */
  onFragment?: (mediaSeconds: number | null) => void;
}

/** How many fragment arrival times to remember for matching frames back to them. */
const ARRIVALS = 256;
/**
 * ffmpeg's stdin backlog (beyond the 64 KiB OS pipe) at which the hub should skip us: about half a
 * second of an 800 kbit/s sub-stream. More would only be video analysed late: alarms are about now.
 * (256 KiB measured 3 s p50 alert latency at 8 cameras on a starved machine.)
 */
const STDIN_LIMIT = 48 * 1024;

let socketSeq = 0;

interface Arrival { media: number; wall: number; camera: number | null }

export class LiveFrameSource implements LiveSink {
  private readonly o: LiveFrameOptions;
  private proc: ChildProcess | null = null;
  /** The frames' socket (ffmpeg listens, we connect once it does). */
  private sock: Socket | null = null;
  private sockPath = '';
  private connectTimer: NodeJS.Timeout | null = null;
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
    const w = this.proc?.stdin?.writableLength ?? 0;
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
    const { width: w, height: h } = scaledSize(info, this.o.width);
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
    this.o.onFragment?.(dts === null ? null : dts / this.timescale);
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
    // Short: a Unix socket path has room for about 100 bytes.
    const sockPath = path.join(tmpdir(), `vigil-af-${process.pid}-${++socketSeq}.sock`);
    rmSync(sockPath, { force: true });
    const args = rgbDecodeArgs({
      input: 'pipe:0', format: 'mp4', width, height, areaScale: true, live: true, output: `unix:${sockPath}`,
      rate: { minGapSeconds: (1 / this.o.fps) * 0.95 },
    });
    const proc = spawn(this.o.ffmpeg ?? 'ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.proc = proc;
    this.sockPath = sockPath;
    proc.on('error', (err: NodeJS.ErrnoException) => {
      this.o.onError?.(err.code === 'ENOENT' ? 'ffmpeg not found: install ffmpeg (apt-get install ffmpeg)' : `ffmpeg: ${err.message}`);
    });
    proc.stdin!.on('error', () => undefined);
    proc.stderr!.on('data', (d: Buffer) => this.onStderr(d.toString()));
    proc.on('close', (code, signal) => {
      if (this.proc === proc) this.proc = null;
      rmSync(sockPath, { force: true });
      if (!this.closed && signal !== 'SIGKILL' && code !== 0) this.o.onError?.(`ffmpeg exited with ${code}: ${this.stderrTail.trim().split('\n').slice(-2).join(' ')}`);
    });
    this.connectFrames(proc, sockPath, 10);
  }

  /**
   * ffmpeg opens its output (and listens) only once it has decoded the first picture: try until
   * it does, a little less often each time, for as long as this ffmpeg runs.
   */
  private connectFrames(proc: ChildProcess, sockPath: string, delayMs: number): void {
    if (proc !== this.proc) return;
    const sock = connect({
      path: sockPath,
      onread: {
        // Each read lands where the frame being filled goes on.
        buffer: () => this.frame.subarray(this.filled),
        callback: (n: number) => {
          if (proc === this.proc) this.onFrameBytes(n);
          return true;
        },
      },
    });
    sock.once('connect', () => {
      if (proc !== this.proc) sock.destroy();
      else this.sock = sock;
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      sock.destroy();
      if (this.sock === sock) this.sock = null;
      if (proc !== this.proc || (err.code !== 'ENOENT' && err.code !== 'ECONNREFUSED')) return;
      this.connectTimer = setTimeout(() => this.connectFrames(proc, sockPath, Math.min(delayMs * 2, 200)), delayMs);
    });
  }

  private stop(): void {
    const p = this.proc;
    this.proc = null;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    this.sock?.destroy();
    this.sock = null;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    if (this.sockPath) rmSync(this.sockPath, { force: true });
  }

  private onStderr(text: string): void {
    const lines = (this.stderrPartial + text).split('\n');
    this.stderrPartial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /Parsed_showinfo.*\bpts_time:\s*(-?[0-9.]+)/.exec(line);
      if (m && this.owed > 0) this.owed--;
      else if (m && this.held) {
        // The frame came before its line came out of stderr: hand it on now.
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

  /** `n` more bytes were read into the frame being filled. */
  private onFrameBytes(n: number): void {
    this.filled += n;
    if (this.filled < this.frame.length) return;
    this.filled = 0;
    this.frames++;
    const pts = this.ptsQueue.shift();
    if (pts !== undefined) {
      this.deliver(this.frame, pts);
      return;
    }
    // Frames and stderr are read independently: the showinfo line of this frame may not have
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
