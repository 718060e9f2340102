// A clip in memory: its access units as slices of the one file buffer, shared by every camera that
// plays it. Pure apart from reading the file.
import { readFile } from 'node:fs/promises';
import { groupH264AccessUnits, h264NalType, splitAnnexB, H264_NAL } from '../media/index.ts';
import { groupH265AccessUnits, h265NalType, isH265Keyframe, H265_NAL } from '../media/index.ts';
import type { VideoCodec } from '../media/index.ts';
import type { CachedClip, ClipMeta } from './clip-cache.ts';
import { SimulatorError } from './simulator-errors.ts';

export interface ClipFrame {
  nalus: Buffer[];
  keyframe: boolean;
}

export interface LoadedClip {
  meta: ClipMeta;
  codec: VideoCodec;
  sps: Buffer;
  pps: Buffer;
  /** H.265 only. */
  vps?: Buffer;
  /** Starts with a keyframe, so looping back to frame 0 is always a clean cut. */
  frames: ClipFrame[];
}

export function clipFromAnnexB(meta: ClipMeta, data: Buffer): LoadedClip {
  if (meta.codec === 'h265') return h265ClipFromAnnexB(meta, data);
  const units = groupH264AccessUnits(splitAnnexB(data));
  const frames: ClipFrame[] = units.map((nalus) => ({ nalus, keyframe: nalus.some((n) => h264NalType(n) === H264_NAL.IDR) }));
  const first = frames.findIndex((f) => f.keyframe);
  if (first < 0) throw new SimulatorError('SIM_BAD_CLIP', `clip ${meta.name} has no IDR frame`);
  const playable = frames.slice(first);
  const sps = playable[0].nalus.find((n) => h264NalType(n) === H264_NAL.SPS) ?? units.flat().find((n) => h264NalType(n) === H264_NAL.SPS);
  const pps = playable[0].nalus.find((n) => h264NalType(n) === H264_NAL.PPS) ?? units.flat().find((n) => h264NalType(n) === H264_NAL.PPS);
  if (!sps || !pps) throw new SimulatorError('SIM_BAD_CLIP', `clip ${meta.name} has no SPS/PPS`);
  return { meta, codec: 'h264', sps, pps, frames: playable };
}

function h265ClipFromAnnexB(meta: ClipMeta, data: Buffer): LoadedClip {
  const units = groupH265AccessUnits(splitAnnexB(data));
  const frames: ClipFrame[] = units.map((nalus) => ({ nalus, keyframe: isH265Keyframe(nalus) }));
  const first = frames.findIndex((f) => f.keyframe);
  if (first < 0) throw new SimulatorError('SIM_BAD_CLIP', `clip ${meta.name} has no IRAP picture`);
  const playable = frames.slice(first);
  const find = (type: number) => playable[0].nalus.find((n) => h265NalType(n) === type) ?? units.flat().find((n) => h265NalType(n) === type);
  const vps = find(H265_NAL.VPS);
  const sps = find(H265_NAL.SPS);
  const pps = find(H265_NAL.PPS);
  if (!vps || !sps || !pps) throw new SimulatorError('SIM_BAD_CLIP', `clip ${meta.name} has no VPS/SPS/PPS`);
  return { meta, codec: 'h265', vps, sps, pps, frames: playable };
}

export async function loadClip(cached: CachedClip): Promise<LoadedClip> {
  return clipFromAnnexB(cached.meta, await readFile(cached.h264Path));
}
