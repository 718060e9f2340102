// Export redaction: a recorded file re-encoded with faces and licence plates pixelated (and the
// camera's privacy masks painted black) in one pass. ffmpeg decodes to raw yuv420p; every few
// frames the detector is asked where people and vehicles are; the head bands and plate windows
// found are pixelated on those frames and, moved between two looks, on the frames in between;
// a second ffmpeg encodes the result. The detector is handed in (the analytics part owns it):
// it is used for boxes only, to hide, never to recognise. Fails closed: any error ends the
// export, which is never written unredacted instead.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { PrivacyError } from './errors.ts';
import { rasterizeMask, type Point } from './mask-geometry.ts';
import { paintCoverYuv420, pixelateYuv420, regionsBetween, regionsOf, yuv420ToRgbScaled, type FoundObject, type Region } from './redaction-regions.ts';
import type { Box } from './head-blur.ts';
import { plausibleObjects, type PlausibilityOptions } from './vehicle-plausibility.ts';

/** Where people and vehicles are in an RGB frame (boxes normalised to it). */
export type ObjectFinder = (rgb: Uint8Array, width: number, height: number) => Promise<FoundObject[]>;

export interface RedactVideoOptions {
  input: string;
  output: string;
  /** Privacy masks to paint black (normalised polygons); [] for none. */
  polygons: readonly (readonly Point[])[];
  /** Faces and plates are found with this; null: not redacted (lifted by an approver). */
  find: ObjectFinder | null;
  /** How often the detector looks, per second of video (default 5). */
  looksPerSecond?: number;
  /** Longest side the detector's frame is scaled down to, at most (default 640). */
  detectWidth?: number;
  /** libx264 CRF of the redacted file (default 20). */
  crf?: number;
  ffmpeg?: string;
  ffprobe?: string;
  /**
   * Which of the objects found at a look are hidden (default: all), given the look's time in
   * seconds from the file's first frame, and boxes (normalised) within which nothing found is
   * hidden: a violation's evidence keeps its own vehicle's plate, whichever detection found it.
   */
  select?: (seconds: number, found: readonly FoundObject[]) => { hide: readonly FoundObject[]; keep?: readonly Box[] };
  /**
   * With a calibration: ground position of an image point where it measures, so a vehicle box
   * wider on the ground than any vehicle is no vehicle (vehicle-plausibility.ts).
   */
  toGround?: PlausibilityOptions['toGround'];
  /** With a calibration: the highest a vehicle's top can appear above a box's bottom (vehicle-plausibility.ts). */
  topBound?: PlausibilityOptions['topBound'];
  /** Every frame's regions, in order (tests check the pixels against them). */
  onFrame?: (index: number, regions: readonly Region[]) => void;
}

export interface RedactionSummary {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Frames the detector looked at. */
  looked: number;
  framesWithFaces: number;
  framesWithPlates: number;
  /** Vehicle boxes found that cannot be vehicles (a box over the whole view, wider than any vehicle): no plate searched in them. */
  notVehicles: number;
}

export function probeStream(file: string, ffprobe = 'ffprobe'): Promise<{ width: number; height: number; fps: number }> {
  return new Promise((resolve, reject) => {
    execFile(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate', '-of', 'json', file], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        return reject((err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new PrivacyError('FFMPEG_MISSING', `${ffprobe} not found: install ffmpeg (apt-get install ffmpeg)`)
          : new PrivacyError('MASKING_FAILED', `cannot read ${file}: ${String(stderr).trim().split('\n').pop() || err.message}`));
      }
      const s = (JSON.parse(stdout) as { streams?: { width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }[] }).streams?.[0];
      const rate = (r?: string) => { const [a, b] = (r ?? '').split('/').map(Number); return a > 0 && b > 0 ? a / b : null; };
      const fps = rate(s?.avg_frame_rate) ?? rate(s?.r_frame_rate);
      if (!s?.width || !s.height || !fps) return reject(new PrivacyError('MASKING_FAILED', `${file}: no video stream with a frame rate`));
      resolve({ width: s.width, height: s.height, fps });
    });
  });
}

function run(ffmpeg: string, args: string[], stdio: ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe']): { proc: ChildProcess; done: Promise<void> } {
  const proc = spawn(ffmpeg, args, { stdio });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => { if (err.length < 4000) err += d.toString(); });
  const done = new Promise<void>((resolve, reject) => {
    proc.on('error', (e: NodeJS.ErrnoException) => reject(new PrivacyError(e.code === 'ENOENT' ? 'FFMPEG_MISSING' : 'MASKING_FAILED', e.code === 'ENOENT' ? `${ffmpeg} not found: install ffmpeg (apt-get install ffmpeg)` : e.message)));
    proc.on('close', (code, signal) => (code === 0 ? resolve() : reject(new PrivacyError('MASKING_FAILED', `ffmpeg ended (${signal ?? code}): ${err.trim().split('\n').slice(-2).join(' ')}`))));
  });
  done.catch(() => undefined); // awaited by the caller; never an unhandled rejection when the other side failed first
  return { proc, done };
}

export async function redactVideo(o: RedactVideoOptions): Promise<RedactionSummary> {
  const ffmpeg = o.ffmpeg ?? 'ffmpeg';
  const info = await probeStream(o.input, o.ffprobe);
  // yuv420p needs even sides; a camera's odd last row or column is dropped.
  const W = info.width & ~1, H = info.height & ~1;
  const frameBytes = W * H * 3 / 2;
  const step = o.find ? Math.max(1, Math.round(info.fps / (o.looksPerSecond ?? 5))) : Infinity;
  const factor = Math.max(1, Math.ceil(Math.max(W, H) / (o.detectWidth ?? 640)));
  const cover = o.polygons.length ? rasterizeMask(o.polygons, W, H) : null;

  const dec = run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', o.input, '-map', '0:v:0', '-vf', `crop=${W}:${H}:0:0`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], ['ignore', 'pipe', 'pipe']);
  const enc = run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`, '-framerate', String(info.fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(o.crf ?? 20), '-g', String(Math.max(1, Math.round(info.fps * 2))), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', o.output], ['pipe', 'ignore', 'pipe']);
  const stdin = enc.proc.stdin!;
  stdin.on('error', () => undefined); // EPIPE when the encoder died: its exit says why

  const summary: RedactionSummary = { width: W, height: H, fps: info.fps, frames: 0, looked: 0, framesWithFaces: 0, framesWithPlates: 0, notVehicles: 0 };
  let prev: Region[] = [];
  let pending: Buffer[] = [];
  let pendingStart = 0;

  const emit = async (frame: Buffer, index: number, regions: readonly Region[]) => {
    for (const r of regions) pixelateYuv420(frame, W, H, r, r.block);
    if (cover) paintCoverYuv420(frame, W, H, cover); // after the blocks: a block's average never carries a masked pixel's colour out
    if (regions.some((r) => r.kind === 'face')) summary.framesWithFaces++;
    if (regions.some((r) => r.kind === 'plate')) summary.framesWithPlates++;
    o.onFrame?.(index, regions);
    if (!stdin.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = () => { stdin.off('drain', done); enc.proc.off('close', done); resolve(); };
        stdin.on('drain', done);
        enc.proc.on('close', done);
      });
    }
  };

  const onFrame = async (frame: Buffer, index: number) => {
    summary.frames++;
    if (index % step !== 0) {
      pending.push(frame);
      return;
    }
    const small = yuv420ToRgbScaled(frame, W, H, factor);
    // A box over the whole view is not a vehicle whose plate could be there (nor a violator to spare).
    const raw = await o.find!(small.rgb, small.width, small.height);
    const all = plausibleObjects(raw, { toGround: o.toGround, topBound: o.topBound });
    summary.notVehicles += raw.length - all.length;
    const chosen = o.select ? o.select(index / info.fps, all) : { hide: all };
    summary.looked++;
    const keep = (chosen.keep ?? []).map((b) => [b[0] * W, b[1] * H, b[2] * W, b[3] * H]);
    const cur = regionsOf(chosen.hide, frame, W, W, H).filter((r) => !keep.some((k) => r.x + r.w / 2 >= k[0] && r.x + r.w / 2 <= k[2] && r.y + r.h / 2 >= k[1] && r.y + r.h / 2 <= k[3]));
    const span = index - pendingStart + 1;
    for (let k = 0; k < pending.length; k++) await emit(pending[k], pendingStart + k, regionsBetween(prev, cur, (k + 1) / span));
    pending = [];
    // The looked-at frame also keeps the last look's regions: a face that just left the detector's view is still covered once.
    await emit(frame, index, [...cur, ...prev.filter((p) => !cur.some((c) => c.kind === p.kind && overlap(c, p)))]);
    prev = cur;
    pendingStart = index + 1;
  };

  try {
    let buf: Buffer = Buffer.alloc(0);
    let index = 0;
    for await (const chunk of dec.proc.stdout! as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= frameBytes) {
        const frame = Buffer.from(buf.subarray(0, frameBytes)); // owned: pending frames outlive the chunk
        buf = buf.subarray(frameBytes);
        await onFrame(frame, index++);
      }
    }
    await dec.done;
    // The tail after the last look keeps that look's regions.
    for (let k = 0; k < pending.length; k++) await emit(pending[k], pendingStart + k, prev);
    stdin.end();
    await enc.done;
  } catch (err) {
    dec.proc.kill('SIGKILL');
    enc.proc.kill('SIGKILL');
    throw err instanceof PrivacyError ? err : new PrivacyError('MASKING_FAILED', `redaction failed: ${(err as Error).message}`);
  }
  if (summary.frames === 0) throw new PrivacyError('MASKING_FAILED', `${o.input}: no frames decoded`);
  return summary;
}

function overlap(a: Region, b: Region): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
