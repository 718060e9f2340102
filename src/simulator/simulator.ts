// The camera simulator: N RTSP cameras (rtsp://host:port/cam1..camN) on one RtspServer, replaying
// a few cached clips with different start offsets. With `subFps`, each camera also has a sub-stream
// (rtsp://host:port/camN/sub) as IP cameras do: the same pictures at a lower frame rate.
import { RtspServer } from '../media/index.ts';
import type { ServerAuthOptions } from '../media/index.ts';
import { availableClipNames, CLIP_FPS, defaultCacheDir, ensureClip, realClipNames } from './clip-cache.ts';
import { loadClip, type LoadedClip } from './clip.ts';
import { SimulatedCamera, SimulatorClock } from './simulated-camera.ts';
import { SimulatorError } from './simulator-errors.ts';
import type { VideoCodec } from '../media/index.ts';
import { startOnvifFace, type OnvifFace } from './onvif-face.ts';

export interface SimulatorOptions {
  cameras: number;
  /** Default 8554; 0 picks a free port. */
  port?: number;
  host?: string;
  auth?: ServerAuthOptions;
  /** Default $VIGIL_DATA_DIR/sim-cache, else ./data/sim-cache. */
  cacheDir?: string;
  /** Which clips to use (default: the built-in ones available here); `real` stands for every real-footage clip. */
  clips?: string[];
  /** Offer UDP transport too (default true). */
  udp?: boolean;
  /** Encode the clips with libx264 (default) or libx265. */
  codec?: VideoCodec;
  /** Stamp each picture with its send time in an SEI message (see src/media/capture-time-sei.ts). */
  stampTime?: boolean;
  /** Also serve each camera's sub-stream at this frame rate (1..25) under /camN/sub. */
  subFps?: number;
  /** Also an ONVIF face: each camera an ONVIF device (SOAP on HTTP, WS-Discovery on UDP 3702). */
  onvif?: { username: string; password: string; port?: number; discovery?: boolean; discoveryInterface?: string };
}

export interface Simulator {
  urls: string[];
  /** Sub-stream URLs (same order as urls), when subFps was given. */
  subUrls: string[];
  port: number;
  server: RtspServer;
  cameras: SimulatedCamera[];
  /** The ONVIF face, when asked for. */
  onvif: OnvifFace | null;
  /**
   * Cuts the power of these cameras (names such as cam3): their paths vanish, so viewers stall and
   * reconnects are refused, as when a street's supply fails. powerOn restores them.
   */
  powerOff(names: string[]): void;
  powerOn(names: string[]): void;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  if (!Number.isInteger(opts.cameras) || opts.cameras < 1) throw new SimulatorError('SIM_USAGE', 'cameras must be a positive integer');
  const host = opts.host ?? '127.0.0.1';
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const names = (opts.clips ?? availableClipNames()).flatMap((n) => (n === 'real' ? realClipNames() : [n]));
  if (names.length === 0) throw new SimulatorError('SIM_CLIP_UNAVAILABLE', 'no clip to serve on this machine');
  // Encode one at a time: parallel x264 runs on a 2-core machine only thrash.
  const clips: LoadedClip[] = [];
  for (const name of names) clips.push(await loadClip(await ensureClip(cacheDir, name, opts.codec ?? 'h264')));
  const subFps = opts.subFps;
  if (subFps !== undefined && (!Number.isInteger(subFps) || subFps < 1 || subFps > CLIP_FPS)) throw new SimulatorError('SIM_USAGE', `sub-stream frame rate must be an integer in 1..${CLIP_FPS}`);
  const subClips: LoadedClip[] = [];
  if (subFps !== undefined) for (const name of names) subClips.push(await loadClip(await ensureClip(cacheDir, name, opts.codec ?? 'h264', subFps)));
  const clock = new SimulatorClock(clips[0].meta.fps);
  const subClock = subFps !== undefined ? new SimulatorClock(subFps) : null;
  if (clips.some((c) => c.meta.fps !== clips[0].meta.fps)) throw new SimulatorError('SIM_BAD_CLIP', 'all clips must share one frame rate');
  const server = new RtspServer({ host, port: opts.port ?? 8554, auth: opts.auth, udp: opts.udp });
  const cameras: SimulatedCamera[] = [];
  const sources = new Map<string, SimulatedCamera[]>();
  const cut = new Set<string>();
  for (let i = 0; i < opts.cameras; i++) {
    const clip = clips[i % clips.length];
    const round = Math.floor(i / clips.length);
    // A prime stride spreads cameras over the clip (frames, not whole GOPs: joins happen at keyframes anyway).
    const cam = new SimulatedCamera(`cam${i + 1}`, clip, round * 53, clock, opts.stampTime ?? false);
    cameras.push(cam);
    server.addPath(`/${cam.name}`, cam);
    sources.set(cam.name, [cam]);
    if (subClock) {
      // The same moment of the clip as the main stream (both clocks start now).
      const sub = new SimulatedCamera(`${cam.name}/sub`, subClips[i % clips.length], Math.round((round * 53 * subFps!) / clips[0].meta.fps), subClock, opts.stampTime ?? false);
      server.addPath(`/${sub.name}`, sub);
      sources.get(cam.name)!.push(sub);
    }
  }
  const port = await server.listen();
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const urls = cameras.map((c) => `rtsp://${urlHost}:${port}/${c.name}`);
  let onvif: OnvifFace | null = null;
  if (opts.onvif) {
    try {
      onvif = await startOnvifFace({
        ...opts.onvif,
        host,
        cameras: cameras.map((c, i) => ({ name: c.name, url: urls[i], subUrl: subClock ? `${urls[i]}/sub` : undefined })),
      });
    } catch (err) {
      clock.stop();
      subClock?.stop();
      await server.close();
      throw new SimulatorError('SIM_USAGE', `ONVIF face could not start: ${(err as Error).message}`);
    }
  }
  return {
    onvif,
    urls,
    subUrls: subClock ? cameras.map((c) => `rtsp://${urlHost}:${port}/${c.name}/sub`) : [],
    port,
    server,
    cameras,
    powerOff(names) {
      for (const name of names) {
        if (!sources.has(name) || cut.has(name)) continue;
        cut.add(name);
        for (const src of sources.get(name)!) server.removePath(`/${src.name}`);
      }
    },
    powerOn(names) {
      for (const name of names) {
        if (!cut.delete(name)) continue;
        for (const src of sources.get(name)!) server.addPath(`/${src.name}`, src);
      }
    },
    async close() {
      await onvif?.close();
      clock.stop();
      subClock?.stop();
      await server.close();
    },
  };
}
