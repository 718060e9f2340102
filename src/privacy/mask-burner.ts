// Burns privacy masks into a video: fMP4 in (the camera's own fragments, live or recorded), fMP4
// out with the masked area painted over, re-encoded by one ffmpeg process (decode → overlay of an
// opaque cover the shape of the masks → libx264). Keyframes stay where the camera put them, so a
// late viewer still starts on the next keyframe. docs/decisions/040-burned-in-masks.md says why
// ffmpeg's overlay and not a per-pixel filter or an in-process encoder.
//
// Fails closed: when ffmpeg is missing or dies, the consumer gets an error, never the original.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fourccName, readBoxHeader, readFmp4, visualSampleSize } from '../media/index.ts';
import { PrivacyError } from './errors.ts';
import { maskBounds, rasterizeMask, type Point } from './mask-geometry.ts';

export interface BurnerOutput {
  /** MSE mime type (with codecs) and the init segment of the masked stream. */
  init(mime: string, init: Buffer): void;
  /** One moof+mdat of the masked stream. */
  fragment(data: Buffer, keyframe: boolean): void;
  /** ffmpeg ended: null after a clean end of input, else why it failed. */
  end(error: PrivacyError | null): void;
}

export interface BurnerOptions {
  polygons: readonly (readonly Point[])[];
  ffmpeg?: string;
  /** libx264 rate control: CRF (default 23). */
  crf?: number;
}

/** Width and height of the video track, from the visual sample entry of an init segment. */
export function frameSizeOfInit(init: Buffer): { width: number; height: number } {
  const size = visualSampleSize(init);
  if (!size) throw new PrivacyError('MASKING_FAILED', 'the init segment has no readable frame size');
  return size;
}

/** A PAM image (RGB_ALPHA) of the cover: opaque black where the masks are, transparent elsewhere. */
export function coverImage(polygons: readonly (readonly Point[])[], width: number, height: number): { pam: Buffer; x: number; y: number } | null {
  const box = maskBounds(polygons, width, height);
  if (!box) return null;
  const cover = rasterizeMask(polygons, width, height);
  const header = Buffer.from(`P7\nWIDTH ${box.w}\nHEIGHT ${box.h}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n`, 'latin1');
  const px = Buffer.alloc(box.w * box.h * 4); // black, alpha 0
  for (let y = 0; y < box.h; y++) {
    for (let x = 0; x < box.w; x++) {
      if (cover[(box.y + y) * width + box.x + x]) px[(y * box.w + x) * 4 + 3] = 255;
    }
  }
  return { pam: Buffer.concat([header, px]), x: box.x, y: box.y };
}

/** Top-level MP4 boxes out of a byte stream that arrives in arbitrary pieces. */
export class BoxSplitter {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, onBox: (type: string, box: Buffer) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    for (let h = readBoxHeader(this.buf, at, this.buf.length); h; h = readBoxHeader(this.buf, at, this.buf.length)) {
      // A stream has no "to the end" box: size 0 is as wrong here as a size below the header's.
      if (h.size < h.header) throw new PrivacyError('MASKING_FAILED', `bad MP4 box size ${h.size} in the masked stream`);
      if (this.buf.length - at < h.size) break;
      onBox(fourccName(h.type), this.buf.subarray(at, at + h.size));
      at += h.size;
    }
    this.buf = at === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(at));
  }
}

/**
 * One ffmpeg re-encoding one fMP4 stream with the masks burned in. write() the input's init
 * segment first, then its fragments; end() when the input is complete (recorded video), kill()
 * to stop at once (live viewers gone).
 */
export class MaskBurner {
  private proc: ChildProcess | null = null;
  private dir: string | null = null;
  private init: Buffer | null = null;
  private moof: Buffer | null = null;
  private ended = false;
  private stderr = '';
  private readonly splitter = new BoxSplitter();

  private readonly o: BurnerOptions;
  private readonly out: BurnerOutput;

  constructor(o: BurnerOptions, out: BurnerOutput) {
    this.o = o;
    this.out = out;
  }

  /** Input bytes; the first call must hold the whole init segment (ftyp+moov). */
  write(chunk: Buffer): boolean {
    if (this.ended) return false;
    if (!this.proc) this.start(chunk);
    return this.proc?.stdin?.write(chunk) ?? false;
  }

  /** Resolves when ffmpeg can take more input (backpressure for recorded video). */
  drained(): Promise<void> {
    const stdin = this.proc?.stdin;
    if (!stdin || !stdin.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      stdin.once('drain', resolve);
      this.proc?.once('exit', () => resolve());
    });
  }

  /** Input bytes ffmpeg has not taken yet. */
  get pendingBytes(): number {
    return this.proc?.stdin?.writableLength ?? 0;
  }

  /** Output backpressure: stop reading ffmpeg's output (it then stops when its pipe is full). */
  pauseOutput(): void {
    this.proc?.stdout?.pause();
  }

  resumeOutput(): void {
    this.proc?.stdout?.resume();
  }

  end(): void {
    if (this.proc?.stdin && !this.proc.stdin.writableEnded) this.proc.stdin.end();
    else if (!this.proc) this.finish(null);
  }

  kill(): void {
    if (this.ended) return;
    this.ended = true;
    this.proc?.kill('SIGKILL');
    this.cleanup();
  }

  private start(firstChunk: Buffer): void {
    let size: { width: number; height: number };
    try {
      size = frameSizeOfInit(firstChunk);
    } catch (err) {
      this.finish(err instanceof PrivacyError ? err : new PrivacyError('MASKING_FAILED', `unreadable input: ${(err as Error).message}`));
      return;
    }
    const cover = coverImage(this.o.polygons, size.width, size.height);
    this.dir = mkdtempSync(path.join(tmpdir(), 'vigil-mask-'));
    let filter: string;
    if (cover) {
      const file = path.join(this.dir, 'cover.pam');
      writeFileSync(file, cover.pam);
      // The path is ours (mkdtemp under tmpdir): no characters that need escaping in a filter graph.
      filter = `movie=${file.replace(/([\\:'[\],;])/g, '\\$1')}[m];[0:v][m]overlay=${cover.x}:${cover.y}:eof_action=repeat:format=yuv420,format=yuv420p[v]`;
    } else {
      filter = '[0:v]format=yuv420p[v]';
    }
    const args = [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-probesize', '32', '-analyzeduration', '0', '-fflags', '+nobuffer',
      '-f', 'mp4', '-i', 'pipe:0',
      '-filter_complex', filter, '-map', '[v]',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', String(this.o.crf ?? 23),
      '-force_key_frames', 'source', '-an',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof+frag_every_frame', '-flush_packets', '1',
      '-f', 'mp4', 'pipe:1',
    ];
    const proc = spawn(this.o.ffmpeg ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.on('error', (err: NodeJS.ErrnoException) => {
      this.finish(new PrivacyError(err.code === 'ENOENT' ? 'FFMPEG_MISSING' : 'MASKING_FAILED',
        err.code === 'ENOENT' ? `${this.o.ffmpeg ?? 'ffmpeg'} not found: install ffmpeg (apt-get install ffmpeg)` : `ffmpeg: ${err.message}`));
    });
    proc.stdin!.on('error', () => undefined); // EPIPE when ffmpeg has died: reported by 'exit'
    proc.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 4000) this.stderr += d.toString();
    });
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (this.ended) return;
      try {
        this.splitter.push(chunk, (type, box) => this.onBox(type, box));
      } catch (err) {
        this.proc?.kill('SIGKILL');
        this.finish(err as PrivacyError);
      }
    });
    // 'close', not 'exit': exit can come before the last of stdout has been read.
    proc.on('close', (code, signal) => {
      this.finish(code === 0 ? null : new PrivacyError('MASKING_FAILED', `ffmpeg ended (${signal ?? code}): ${this.stderr.trim().split('\n').slice(-2).join(' ')}`));
    });
  }

  private initParts: Buffer[] = [];

  private onBox(type: string, box: Buffer): void {
    if (!this.init) {
      this.initParts.push(Buffer.from(box));
      if (type === 'moov') {
        this.init = Buffer.concat(this.initParts);
        const { codecString } = readFmp4(this.init);
        this.out.init(`video/mp4; codecs="${codecString}"`, this.init);
      }
      return;
    }
    if (type === 'moof') {
      this.moof = Buffer.from(box);
    } else if (type === 'mdat' && this.moof) {
      const data = Buffer.concat([this.moof, box]);
      this.moof = null;
      const keyframe = readFmp4(Buffer.concat([this.init, data])).fragments[0]?.keyframe ?? false;
      this.out.fragment(data, keyframe);
    }
  }

  private finish(error: PrivacyError | null): void {
    if (this.ended) return;
    this.ended = true;
    this.cleanup();
    this.out.end(error);
  }

  private cleanup(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

export interface BurnFileOptions {
  /** A whole fMP4 (init and fragments): a file path or its bytes. */
  input: string | Buffer;
  polygons: readonly (readonly Point[])[];
  /** 'mp4' into outputPath (an export file), or 'mpegts' returned as bytes (a masked HLS segment). */
  format: 'mp4' | 'mpegts';
  outputPath?: string;
  /** mpegts: shift the timestamps by this many seconds (HLS segments on a shared clock). */
  tsOffsetS?: number;
  ffmpeg?: string;
}

/** Re-encodes a whole recording with the masks burned in (exports, masked HLS segments). */
export async function burnFile(o: BurnFileOptions): Promise<Buffer> {
  const head = typeof o.input === 'string' ? await readHead(o.input) : o.input;
  const size = frameSizeOfInit(head);
  const cover = coverImage(o.polygons, size.width, size.height);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-mask-'));
  try {
    let filter = '[0:v]format=yuv420p[v]';
    if (cover) {
      const file = path.join(dir, 'cover.pam');
      writeFileSync(file, cover.pam);
      filter = `movie=${file.replace(/([\\:'[\],;])/g, '\\$1')}[m];[0:v][m]overlay=${cover.x}:${cover.y}:eof_action=repeat:format=yuv420,format=yuv420p[v]`;
    }
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'mp4', '-i', typeof o.input === 'string' ? o.input : 'pipe:0',
      '-filter_complex', filter, '-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-force_key_frames', 'source', '-an'];
    if (o.format === 'mp4') args.push('-movflags', '+faststart', '-f', 'mp4', o.outputPath ?? path.join(dir, 'out.mp4'));
    else args.push(...(o.tsOffsetS !== undefined ? ['-output_ts_offset', o.tsOffsetS.toFixed(3)] : []), '-f', 'mpegts', 'pipe:1');
    return await new Promise<Buffer>((resolve, reject) => {
      const proc = spawn(o.ffmpeg ?? 'ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      proc.stdout!.on('data', (d: Buffer) => out.push(d));
      proc.stderr!.on('data', (d: Buffer) => { if (err.length < 4000) err += d.toString(); });
      proc.stdin!.on('error', () => undefined);
      proc.on('error', (e: NodeJS.ErrnoException) => reject(new PrivacyError(e.code === 'ENOENT' ? 'FFMPEG_MISSING' : 'MASKING_FAILED', e.code === 'ENOENT' ? 'ffmpeg not found: install ffmpeg (apt-get install ffmpeg)' : e.message)));
      proc.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new PrivacyError('MASKING_FAILED', `ffmpeg ended (${code}): ${err.trim().split('\n').slice(-2).join(' ')}`))));
      if (typeof o.input === 'string') proc.stdin!.end();
      else proc.stdin!.end(o.input);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
