// Which parts of a frame go to the detector. Motion boxes (and where tracked objects are expected)
// are clustered into square crops about the model's input size, so a small car far away is seen
// at full resolution and still air is never inferred on. When the crops would cover most of the
// frame, the frame is covered by overlapping square tiles instead (a 16:9 frame squeezed into one
// square input halves every person's width and loses the far ones), and only tiles where something
// moves or is expected are kept. Pure.
import type { Box } from './geometry.ts';

/** A pixel rectangle of the detection frame. */
export interface PixelRect { x: number; y: number; w: number; h: number }

export interface RegionOptions {
  /** crop side in frame pixels (e.g. the detector's input size) */
  cropSize: number;
  /** above this fraction of the frame covered by crops, use the full frame instead */
  fullFrameFraction?: number;
  /** margin added around each motion box, as a fraction of its size */
  margin?: number;
  /** how a busy frame is covered (default: square tiles, one row); false: the whole frame as one input */
  tiles?: TileOptions | false;
}

export interface TileOptions {
  /**
   * Rows of square tiles over the frame's height: 1 makes tiles as tall as the frame (2 for a 16:9
   * or 4:3 frame), 2 half as tall (8 for 16:9, each seen at 1.8× the resolution for 4× the cost).
   */
  rows: number;
  /** overlap of neighbouring tiles, fraction of the tile side (default 0.2): an object cut by one tile's edge is whole in the next */
  overlap?: number;
}

/**
 * Square tiles covering a W×H frame: `rows` rows over the height, as many columns as the width
 * needs, neighbours overlapping by at least `overlap` of the side, spread evenly.
 */
export function frameTiles(frameW: number, frameH: number, opts: TileOptions): PixelRect[] {
  const o = Math.min(0.5, Math.max(0, opts.overlap ?? 0.2));
  const short = Math.min(frameW, frameH);
  const rows = Math.max(1, Math.floor(opts.rows));
  const side = Math.min(short, Math.ceil(short / (rows - (rows - 1) * o)));
  const count = (len: number) => (len <= side ? 1 : Math.ceil((len / side - o) / (1 - o) - 1e-9));
  const place = (len: number, n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? Math.floor((len - side) / 2) : Math.round((i * (len - side)) / (n - 1))));
  const xs = place(frameW, count(frameW));
  const ys = place(frameH, count(frameH));
  return ys.flatMap((y) => xs.map((x) => ({ x, y, w: side, h: side })));
}

export function motionCrops(boxes: Box[], frameW: number, frameH: number, opts: RegionOptions): PixelRect[] {
  if (boxes.length === 0) return [];
  const margin = opts.margin ?? 0.1;
  const full: PixelRect = { x: 0, y: 0, w: frameW, h: frameH };
  // Pixel boxes, biggest first so small ones join the crop a big one already needs.
  const px = boxes
    .map((b) => {
      const mw = (b[2] - b[0]) * frameW * margin;
      const mh = (b[3] - b[1]) * frameH * margin;
      return [Math.max(0, b[0] * frameW - mw), Math.max(0, b[1] * frameH - mh), Math.min(frameW, b[2] * frameW + mw), Math.min(frameH, b[3] * frameH + mh)];
    })
    .sort((a, b) => (b[2] - b[0]) * (b[3] - b[1]) - (a[2] - a[0]) * (a[3] - a[1]));
  const clusters: number[][] = [];
  for (const b of px) {
    let placed = false;
    for (const c of clusters) {
      const u = [Math.min(c[0], b[0]), Math.min(c[1], b[1]), Math.max(c[2], b[2]), Math.max(c[3], b[3])];
      if (u[2] - u[0] <= opts.cropSize && u[3] - u[1] <= opts.cropSize) {
        c[0] = u[0]; c[1] = u[1]; c[2] = u[2]; c[3] = u[3];
        placed = true;
        break;
      }
    }
    if (!placed) clusters.push(b.slice());
  }
  const rects = clusters.map((c) => squareAround(c, opts.cropSize, frameW, frameH));
  let covered = 0;
  for (const r of rects) covered += r.w * r.h;
  if (covered < (opts.fullFrameFraction ?? 0.6) * frameW * frameH) return rects;
  // A frame no larger than the input loses nothing squeezed into it (a 320×240 stream at 320 px is
  // only stretched): one run, not two.
  if (opts.tiles === false || Math.max(frameW, frameH) <= opts.cropSize) return [full];
  // Tiles where nothing moves and nothing is expected are skipped: the CPU tiles cost is spent only where it can find something.
  const tiles = frameTiles(frameW, frameH, opts.tiles ?? { rows: 1 });
  return tiles.filter((t) => px.some((b) => b[0] < t.x + t.w && b[2] > t.x && b[1] < t.y + t.h && b[3] > t.y));
}

/**
 * A square of `side` px centred on the box (wider or taller only when the box is), shifted, not
 * shrunk, to stay in the frame.
 */
function squareAround(b: number[], side: number, frameW: number, frameH: number): PixelRect {
  const w = Math.min(Math.max(side, Math.ceil(b[2] - b[0])), frameW);
  const h = Math.min(Math.max(side, Math.ceil(b[3] - b[1])), frameH);
  const cx = (b[0] + b[2]) / 2;
  const cy = (b[1] + b[3]) / 2;
  const x = Math.round(Math.min(Math.max(0, cx - w / 2), frameW - w));
  const y = Math.round(Math.min(Math.max(0, cy - h / 2), frameH - h));
  return { x, y, w, h };
}

export function rectToRegion(r: PixelRect, frameW: number, frameH: number): [number, number, number, number] {
  return [r.x / frameW, r.y / frameH, (r.x + r.w) / frameW, (r.y + r.h) / frameH];
}
