// A clip in memory: its access units as slices of the one file buffer, shared by every camera that
// plays it. Pure apart from reading the file.
import { readFile } from 'node:fs/promises';
import { groupH264AccessUnits, h264NalType, splitAnnexB, H264_NAL } from '../media/annexb.ts';
import type { CachedClip, ClipMeta } from './clip-cache.ts';
import { SimulatorError } from './simulator-errors.ts';

export interface ClipFrame {
  nalus: Buffer[];
  keyframe: boolean;
}

export interface LoadedClip {
  meta: ClipMeta;
  sps: Buffer;
  pps: Buffer;
  /** Starts with a keyframe, so looping back to frame 0 is always a clean cut. */
  frames: ClipFrame[];
}

export function clipFromAnnexB(meta: ClipMeta, data: Buffer): LoadedClip {
  const units = groupH264AccessUnits(splitAnnexB(data));
  const frames: ClipFrame[] = units.map((nalus) => ({ nalus, keyframe: nalus.some((n) => h264NalType(n) === H264_NAL.IDR) }));
  const first = frames.findIndex((f) => f.keyframe);
  if (first < 0) throw new SimulatorError('SIM_BAD_CLIP', `clip ${meta.name} has no IDR frame`);
  const playable = frames.slice(first);
  const sps = playable[0].nalus.find((n) => h264NalType(n) === H264_NAL.SPS) ?? units.flat().find((n) => h264NalType(n) === H264_NAL.SPS);
  const pps = playable[0].nalus.find((n) => h264NalType(n) === H264_NAL.PPS) ?? units.flat().find((n) => h264NalType(n) === H264_NAL.PPS);
  if (!sps || !pps) throw new SimulatorError('SIM_BAD_CLIP', `clip ${meta.name} has no SPS/PPS`);
  return { meta, sps, pps, frames: playable };
}

export async function loadClip(cached: CachedClip): Promise<LoadedClip> {
  return clipFromAnnexB(cached.meta, await readFile(cached.h264Path));
}
