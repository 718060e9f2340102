// Test clips for the camera simulator: encoded once by ffmpeg into a cache directory as Annex B
// `.h264` (libx264) or `-h265.hevc` (libx265) plus a JSON sidecar, then replayed forever without re-encoding. Written to a temporary
// name and renamed, so two processes starting at once never see half a file (at worst both encode).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SimulatorError } from './simulator-errors.ts';
import type { VideoCodec } from '../media/index.ts';

/** OpenCV's pedestrian clip (Debian's opencv-doc). */
export const VTEST_AVI = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
/** The project's shared real footage (shared/data/video beside the checkout; see its SOURCES.md). */
export const SHARED_VIDEO_DIR = process.env.VIGIL_SHARED_VIDEO ?? findSharedVideoDir();

// Beside the checkout, or beside the folder that holds it: a git worktree or a CI clone usually sits
// one level deeper than the main checkout, and would otherwise test and calibrate without the footage.
function findSharedVideoDir(): string {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const candidates = [path.resolve(root, '..', 'shared', 'data', 'video'), path.resolve(root, '..', '..', 'shared', 'data', 'video')];
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}

/** Every video file in SHARED_VIDEO_DIR, sorted, or [] when this machine has none. */
export function sharedVideoFiles(): string[] {
  if (!existsSync(SHARED_VIDEO_DIR)) return [];
  return readdirSync(SHARED_VIDEO_DIR).filter((f) => /\.(mp4|avi|mkv)$/i.test(f)).sort().map((f) => path.join(SHARED_VIDEO_DIR, f));
}

/** Real fixed-camera clips in SHARED_VIDEO_DIR, served under their file names without extension. */
const SHARED_CLIPS = ['highway_nl.mp4', 'highway_overpass.avi', 'highway_cctv_osd.avi', 'residential_tjunction.mp4', 'street_topdown.mp4', 'parking_lot.mp4'];

export interface ClipMeta {
  name: string;
  fps: number;
  width: number;
  height: number;
  durationSec: number;
  source: string;
  /** Absent in sidecars written before H.265 clips existed: H.264. */
  codec?: VideoCodec;
}

export interface CachedClip {
  meta: ClipMeta;
  /** The Annex B elementary stream: H.264, or H.265 when meta.codec is 'h265' (name kept for callers). */
  h264Path: string;
}

interface ClipRecipe {
  name: string;
  source: string;
  durationSec: number;
  /** ffmpeg input arguments and video filter (before the common encoder settings). */
  input: (font: string | undefined) => { args: string[]; filter?: string };
  available: () => boolean;
  /** Served only when asked for by name (or as `real`), not by default: the demo and tests keep their set. */
  onRequest?: boolean;
  /** Main-stream bitrate, kbit/s (default 1000: the 640x360 clips). */
  mainKbps?: number;
  /** Another clip's pictures at another size: never one of the `real` set. */
  variant?: boolean;
}

const W = 640;
const H = 360;
const FPS = 25;

function clockOverlay(font: string | undefined, label: string): string | undefined {
  if (!font) return undefined;
  // The burnt-in clock shows clip time: enough to see that frames move and loops happen.
  return `drawtext=fontfile=${font}:text='${label} %{pts\\:hms}':x=16:y=16:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6`;
}

const RECIPES: ClipRecipe[] = [
  {
    name: 'testsrc2',
    source: 'lavfi testsrc2',
    durationSec: 10,
    input: () => ({ args: ['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${FPS}`] }),
    available: () => true,
  },
  {
    name: 'smptehdbars',
    source: 'lavfi smptehdbars + clock',
    durationSec: 10,
    input: (font) => ({ args: ['-f', 'lavfi', '-i', `smptehdbars=size=${W}x${H}:rate=${FPS}`], filter: clockOverlay(font, 'BARS') }),
    available: () => true,
  },
  {
    name: 'life',
    source: 'lavfi life + clock',
    durationSec: 10,
    input: (font) => ({
      args: ['-f', 'lavfi', '-i', `life=size=${W / 4}x${H / 4}:rate=${FPS}:mold=10:ratio=0.3:life_color=#33cc33:death_color=#202020:seed=7`],
      filter: ['scale=' + W + ':' + H + ':flags=neighbor', clockOverlay(font, 'LIFE')].filter(Boolean).join(','),
    }),
    available: () => true,
  },
  {
    name: 'vtest',
    source: 'opencv-doc vtest.avi (pedestrians)',
    durationSec: 30,
    input: () => ({ args: ['-i', VTEST_AVI], filter: `scale=${W}:${H},fps=${FPS}` }),
    available: () => existsSync(VTEST_AVI),
  },
  // Real street and road footage, re-encoded like the others (640x360, 25 fps, GOP 1 s, no
  // B-frames): every simulated camera shares one clock rate, and the 4:3 clips are stretched as
  // vtest is. Clips shorter than 30 s simply loop sooner.
  ...SHARED_CLIPS.map((file): ClipRecipe => {
    const source = path.join(SHARED_VIDEO_DIR, file);
    return {
      name: file.replace(/\.[a-z0-9]+$/, ''),
      source: `shared real footage ${file}`,
      durationSec: 30,
      input: () => ({ args: ['-i', source], filter: `scale=${W}:${H},fps=${FPS}` }),
      available: () => existsSync(source),
      onRequest: true,
    };
  }),
  // A 1080p camera (issue 14's traffic benchmark): the motorway clip scaled up to 1920x1080, at a
  // bitrate such a camera's main stream has. Never part of `real`.
  {
    name: 'highway_nl_1080p',
    source: 'shared real footage highway_nl.mp4, scaled to 1920x1080',
    durationSec: 30,
    input: () => ({ args: ['-i', path.join(SHARED_VIDEO_DIR, 'highway_nl.mp4')], filter: `scale=1920:1080,fps=${FPS}` }),
    available: () => existsSync(path.join(SHARED_VIDEO_DIR, 'highway_nl.mp4')),
    onRequest: true,
    mainKbps: 4000,
    variant: true,
  },
];

/** The real-footage clips this machine has: vtest (pedestrians) and the shared road/street clips. */
export function realClipNames(): string[] {
  return RECIPES.filter((r) => r.name !== 'testsrc2' && r.name !== 'smptehdbars' && r.name !== 'life' && !r.variant && r.available()).map((r) => r.name);
}

export function defaultCacheDir(): string {
  const dataDir = process.env.VIGIL_DATA_DIR;
  return dataDir ? path.join(dataDir, 'sim-cache') : path.resolve('data', 'sim-cache');
}

/** Names of the clips this machine can produce (vtest only with Debian's opencv-doc). */
export function availableClipNames(): string[] {
  return RECIPES.filter((r) => !r.onRequest && r.available()).map((r) => r.name);
}

const inFlight = new Map<string, Promise<CachedClip>>();

/** The main streams' frame rate. */
export const CLIP_FPS = FPS;

/**
 * The clip from the cache, encoding it first when missing. `fps` below the clips' 25 gives a
 * camera's sub-stream: the same pictures, fewer of them, at a lower bitrate.
 */
export function ensureClip(cacheDir: string, name: string, codec: VideoCodec = 'h264', fps = FPS): Promise<CachedClip> {
  if (!Number.isInteger(fps) || fps < 1 || fps > FPS) throw new SimulatorError('SIM_USAGE', `clip frame rate must be an integer in 1..${FPS}, got ${fps}`);
  const key = path.join(cacheDir, `${name}:${codec}:${fps}`);
  let p = inFlight.get(key);
  if (!p) {
    p = ensureClipUncached(cacheDir, name, codec, fps).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

async function ensureClipUncached(cacheDir: string, name: string, codec: VideoCodec, fps: number): Promise<CachedClip> {
  const recipe = RECIPES.find((r) => r.name === name);
  if (!recipe) throw new SimulatorError('SIM_CLIP_UNKNOWN', `unknown clip ${name}; known: ${RECIPES.map((r) => r.name).join(', ')}`);
  const stem = fps === FPS ? name : `${name}-${fps}fps`;
  const h264Path = path.join(cacheDir, codec === 'h265' ? `${stem}-h265.hevc` : `${stem}.h264`);
  const metaPath = path.join(cacheDir, codec === 'h265' ? `${stem}-h265.json` : `${stem}.json`);
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as ClipMeta;
    if (existsSync(h264Path) && meta.fps > 0) return { meta, h264Path };
  } catch {
    // not cached yet (or a damaged sidecar): encode again
  }
  if (!recipe.available()) throw new SimulatorError('SIM_CLIP_UNAVAILABLE', `clip ${name} needs ${recipe.source}`);
  await mkdir(cacheDir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmpH264 = `${h264Path}.tmp-${tag}`;
  const tmpMeta = `${metaPath}.tmp-${tag}`;
  const input = recipe.input(findFont());
  const args = input.args;
  const filter = fps === FPS ? input.filter : [input.filter, `fps=${fps}`].filter(Boolean).join(',');
  // A sub-stream carries a quarter of the main stream's bits or less, as cameras' sub-streams do.
  const kbps = fps === FPS ? null : Math.max(150, Math.round((800 * fps) / FPS) + 150);
  const encoder = codec === 'h265'
    ? [
      // A GOP of one second, no B-frames, no scene-cut keyframes: the same layout as the H.264
      // clips. x265 repeats VPS/SPS/PPS before every keyframe by default (repeat-headers).
      '-an', '-c:v', 'libx265', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-r', String(fps), '-b:v', `${kbps ?? 800}k`,
      '-x265-params', `keyint=${fps}:min-keyint=${fps}:scenecut=0:bframes=0:repeat-headers=1:log-level=error`,
      '-f', 'hevc', tmpH264,
    ]
    : null;
  const ffArgs = [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    ...args,
    '-t', String(recipe.durationSec),
    ...(filter ? ['-vf', filter] : []),
    ...(encoder ?? []),
  ];
  if (!encoder) ffArgs.push(
    '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
    '-r', String(fps), '-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0', '-bf', '0',
    ...(kbps ? ['-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.5)}k`, '-bufsize', `${kbps * 2}k`]
      : recipe.mainKbps ? ['-b:v', `${recipe.mainKbps}k`, '-maxrate', `${Math.round(recipe.mainKbps * 1.5)}k`, '-bufsize', `${recipe.mainKbps * 2}k`]
      : ['-b:v', '1M', '-maxrate', '1500k', '-bufsize', '2M']),
    // SPS/PPS before every IDR, like cameras send them: a viewer joining mid-stream can decode.
    '-x264-params', 'repeat-headers=1',
    '-f', 'h264', tmpH264,
  );
  try {
    await runFfmpeg(ffArgs);
    const meta: ClipMeta = { name, fps, width: W, height: H, durationSec: recipe.durationSec, source: recipe.source, ...(codec === 'h265' ? { codec } : {}) };
    await writeFile(tmpMeta, JSON.stringify(meta, null, 2));
    // Video first, sidecar last: the sidecar's presence means the video is complete.
    await rename(tmpH264, h264Path);
    await rename(tmpMeta, metaPath);
    return { meta, h264Path };
  } finally {
    await rm(tmpH264, { force: true });
    await rm(tmpMeta, { force: true });
  }
}

let fontCache: string | undefined | null = null;

function findFont(): string | undefined {
  if (fontCache !== null) return fontCache;
  fontCache = undefined;
  const r = spawnSync('fc-match', ['-f', '%{file}', 'DejaVu Sans Mono:bold'], { encoding: 'utf8' });
  if (r.status === 0 && r.stdout && existsSync(r.stdout.trim())) fontCache = r.stdout.trim();
  return fontCache;
}

function runFfmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new SimulatorError('SIM_FFMPEG_MISSING', 'ffmpeg is not installed: sudo apt-get install -y ffmpeg')
          : new SimulatorError('SIM_CLIP_ENCODE', `ffmpeg failed to start: ${e.message}`),
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new SimulatorError('SIM_CLIP_ENCODE', `ffmpeg exited with ${code}: ${stderr.trim().slice(0, 1000)}`));
    });
  });
}
