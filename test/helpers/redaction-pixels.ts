// Pixel checks for redaction tests (exports, evidence packages): frames decoded to luma, the detail
// left in a rectangle, and how flat a pixelated region's blocks are.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Region } from '../../src/privacy/index.ts';

/** Luma planes of every frame of a file. */
export function decodeLuma(file: string, w: number, h: number): Buffer[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `crop=${w}:${h}:0:0`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, String(r.stderr));
  const out: Buffer[] = [];
  for (let at = 0; at + w * h <= r.stdout.length; at += w * h) out.push(r.stdout.subarray(at, at + w * h));
  return out;
}

/** Mean absolute difference between horizontal neighbours inside a rectangle: detail. */
export function detail(luma: Buffer, w: number, h: number, r: { x: number; y: number; w: number; h: number }): number {
  let s = 0, n = 0;
  for (let y = r.y; y < Math.min(r.y + r.h, h); y++) for (let x = r.x; x + 1 < Math.min(r.x + r.w, w); x++) { s += Math.abs(luma[y * w + x + 1] - luma[y * w + x]); n++; }
  return n ? s / n : 0;
}

/**
 * The worst block of the region's grid: the mean absolute deviation of luma from the block's own
 * mean (a pixelated block is flat; the encoder's ringing at block edges moves a few pixels only,
 * so two pixels at each edge are left out). Blocks another region of the frame overlaps (pixelated
 * again on its own grid) are left out.
 */
export function worstBlockDeviation(luma: Buffer, w: number, h: number, r: Region, others: readonly Region[]): number {
  const b = Math.max(2, r.block & ~1);
  const x0 = r.x & ~1, y0 = r.y & ~1, x1 = (r.x + r.w + 1) & ~1, y1 = (r.y + r.h + 1) & ~1;
  let worst = 0;
  for (let by = y0; by + b <= Math.min(y1, h); by += b) for (let bx = x0; bx + b <= Math.min(x1, w); bx += b) {
    if (others.some((o) => o !== r && bx < o.x + o.w + 2 && o.x - 2 < bx + b && by < o.y + o.h + 2 && o.y - 2 < by + b)) continue;
    let sum = 0, n = 0;
    for (let y = by + 2; y < by + b - 2; y++) for (let x = bx + 2; x < bx + b - 2; x++) { sum += luma[y * w + x]; n++; }
    const mean = sum / n;
    let dev = 0;
    for (let y = by + 2; y < by + b - 2; y++) for (let x = bx + 2; x < bx + b - 2; x++) dev += Math.abs(luma[y * w + x] - mean);
    worst = Math.max(worst, dev / n);
  }
  return worst;
}

