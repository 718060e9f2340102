// One exported file made fit to leave: the camera's masks painted in and faces and plates
// pixelated (unless lifted), in place, with the lines the signed manifest carries about it. Used
// by exports through the API and `vigil export create` alike, so neither can skip it.
import { rename } from 'node:fs/promises';
import { redactVideo, type ObjectFinder } from './redact-video.ts';
import type { Point } from './mask-geometry.ts';

export interface ExportFileRedaction {
  filePath: string;
  /** Masks to paint (as the requester may see the camera). */
  polygons: readonly (readonly Point[])[];
  /** How faces and plates are found; null when redaction is off (see `lift`, `off`). */
  find: (() => Promise<ObjectFinder>) | null;
  /** Lifted for this export by an approver. */
  lift: { by: string; byName: string; reason: string } | null;
  /** The requester's liftable masks were lifted (said in the manifest). */
  masksLifted?: boolean;
  looksPerSecond?: number;
}

/** Rewrites the file when anything is to be hidden; returns what was done, for the manifest. */
export async function redactExportFile(o: ExportFileRedaction): Promise<string[]> {
  const redact = o.find !== null && o.lift === null;
  const applied: string[] = [];
  if (o.polygons.length || redact) {
    const find = redact ? await o.find!() : null;
    const tmp = `${o.filePath}.redacting.mp4`;
    const s = await redactVideo({ input: o.filePath, output: tmp, polygons: o.polygons, find, looksPerSecond: o.looksPerSecond });
    await rename(tmp, o.filePath);
    if (redact) {
      applied.push(`faces: the head band of every person the detector (NanoDet, boxes only, no recognition) finds, looked for ${o.looksPerSecond ?? 5} times a second and moved between looks, pixelated in blocks of a quarter of the person's width (${s.framesWithFaces} of ${s.frames} frames)`);
      applied.push(`licence plates: in every vehicle box, the plate-shaped windows densest in character strokes (never read) pixelated in blocks of a third of the window's height; vehicles too small to read covered in their lower part (${s.framesWithPlates} of ${s.frames} frames)`);
    }
    if (o.polygons.length) applied.push(`privacy masks: ${o.polygons.length} polygon(s) painted opaque black`);
    applied.push(`re-encoded with libx264 (CRF 20) at ${Math.round(s.fps * 100) / 100} frames/s; the archive keeps the camera's original`);
  }
  if (o.lift) applied.push(`faces and licence plates NOT redacted: lifted by ${o.lift.byName} (${o.lift.by}): ${o.lift.reason}`);
  else if (!o.find) applied.push('faces and licence plates NOT redacted: export redaction is switched off on this server (privacy.redactExports)');
  if (o.masksLifted) applied.push('privacy masks: liftable masks lifted by the requester (audited as mask.lift)');
  return applied;
}
