// Snapshots never show a recognisable face: before a frame is written, the top of every person
// box (where the head is) is pixelated into coarse blocks. Coarse blocks, not a soft blur: a soft
// blur can be partly undone, averaged blocks keep no detail smaller than a block. Pure.
/** A box normalised to the frame: [x1, y1, x2, y2], each 0..1, y down (analytics' Box has this shape). */
export type Box = readonly [number, number, number, number];

export interface HeadBlurOptions {
  /** share of the box height, from its top, that is covered (default 0.4) */
  topShare?: number;
  /** block side as a share of the box width (default 0.25: four blocks across a head) */
  blockShare?: number;
  /** widen the band by this share of the box width on each side (default 0.1) */
  margin?: number;
}

/** The pixel band that blurHeads covers for one normalised person box. */
export function headBand(box: Box, width: number, height: number, o: HeadBlurOptions = {}): { x: number; y: number; w: number; h: number } {
  const bw = (box[2] - box[0]) * width;
  const bh = (box[3] - box[1]) * height;
  const m = (o.margin ?? 0.1) * bw;
  const x0 = Math.max(0, Math.floor(box[0] * width - m));
  const x1 = Math.min(width, Math.ceil(box[2] * width + m));
  const y0 = Math.max(0, Math.floor(box[1] * height - m));
  const y1 = Math.min(height, Math.ceil(box[1] * height + bh * (o.topShare ?? 0.4)));
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/** Pixelates, in place, the head band of every box in interleaved RGB (width*height*3). */
export function blurHeads(rgb: Uint8Array, width: number, height: number, personBoxes: Box[], o: HeadBlurOptions = {}): void {
  for (const box of personBoxes) {
    const band = headBand(box, width, height, o);
    if (band.w === 0 || band.h === 0) continue;
    const block = Math.max(4, Math.round((box[2] - box[0]) * width * (o.blockShare ?? 0.25)));
    pixelate(rgb, width, band.x, band.y, band.w, band.h, block);
  }
}

function pixelate(rgb: Uint8Array, width: number, x0: number, y0: number, w: number, h: number, block: number): void {
  for (let by = y0; by < y0 + h; by += block) {
    const ye = Math.min(y0 + h, by + block);
    for (let bx = x0; bx < x0 + w; bx += block) {
      const xe = Math.min(x0 + w, bx + block);
      let r = 0, g = 0, b = 0, n = 0;
      for (let y = by; y < ye; y++) {
        for (let x = bx, i = (y * width + bx) * 3; x < xe; x++, i += 3) {
          r += rgb[i]; g += rgb[i + 1]; b += rgb[i + 2]; n++;
        }
      }
      r = Math.round(r / n); g = Math.round(g / n); b = Math.round(b / n);
      for (let y = by; y < ye; y++) {
        for (let x = bx, i = (y * width + bx) * 3; x < xe; x++, i += 3) {
          rgb[i] = r; rgb[i + 1] = g; rgb[i + 2] = b;
        }
      }
    }
  }
}
