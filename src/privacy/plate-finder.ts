// Where a licence plate is inside a vehicle box, found without reading it: plates are small,
// wide, low on the vehicle and dense with vertical strokes (the characters), so the window of a
// plate's shape with the most strong horizontal-gradient pixels in the lower part of the box is
// taken. Nothing is read or kept: the window is only ever pixelated. Pure.

export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlateSearchOptions {
  /** A luma difference between neighbours that counts as a stroke edge (default 28). */
  edge?: number;
  /** Below this box width (px) no plate can be read anyway: the lower half of the box is covered whole (default 64). */
  smallBox?: number;
}

/**
 * Candidate plate windows (at most two) inside one vehicle box, in pixels of the luma plane
 * (`luma`, `stride` bytes a row). `box` is the vehicle in pixels.
 */
export function findPlates(luma: Uint8Array, stride: number, frameW: number, frameH: number, box: PixelRect, o: PlateSearchOptions = {}): PixelRect[] {
  const x0 = clamp(Math.floor(box.x), 0, frameW), x1 = clamp(Math.ceil(box.x + box.w), 0, frameW);
  const y0 = clamp(Math.floor(box.y), 0, frameH), y1 = clamp(Math.ceil(box.y + box.h), 0, frameH);
  const bw = x1 - x0, bh = y1 - y0;
  if (bw < 2 || bh < 2) return [];
  // The plate sits in the lower part of a car seen from front or back; from above or the side it can be anywhere low.
  const sy0 = y0 + Math.floor(bh * 0.35);
  if (bw < (o.smallBox ?? 64)) return [{ x: x0, y: sy0, w: bw, h: y1 - sy0 }];
  const sw = bw, sh = y1 - sy0;
  const edge = o.edge ?? 28;
  // Integral image of "strong horizontal gradient" over the search area.
  const ii = new Uint32Array((sw + 1) * (sh + 1));
  for (let y = 0; y < sh; y++) {
    let row = 0;
    const at = (sy0 + y) * stride + x0;
    for (let x = 0; x < sw; x++) {
      const d = x + 1 < sw ? Math.abs(luma[at + x + 1] - luma[at + x]) : 0;
      if (d >= edge) row++;
      ii[(y + 1) * (sw + 1) + x + 1] = ii[y * (sw + 1) + x + 1] + row;
    }
  }
  const sum = (x: number, y: number, w: number, h: number) =>
    ii[(y + h) * (sw + 1) + x + w] - ii[y * (sw + 1) + x + w] - ii[(y + h) * (sw + 1) + x] + ii[y * (sw + 1) + x];
  // European plates are ~4.7:1, North American ~2:1; seen at an angle, between.
  const ww = Math.max(12, Math.round(bw * 0.3));
  const wh = Math.max(6, Math.min(sh, Math.round(ww * 0.35)));
  const sx = Math.max(1, Math.floor(ww / 4)), syStep = Math.max(1, Math.floor(wh / 3));
  const scored: { r: PixelRect; s: number }[] = [];
  for (let y = 0; y + wh <= sh; y += syStep) {
    for (let x = 0; x + ww <= sw; x += sx) scored.push({ r: { x, y, w: ww, h: wh }, s: sum(x, y, ww, wh) });
  }
  if (!scored.length) return [{ x: x0, y: sy0, w: bw, h: sh }];
  scored.sort((a, b) => b.s - a.s);
  const best = scored[0];
  const out = [best];
  const second = scored.find((c) => !overlaps(c.r, best.r));
  if (second && second.s >= 0.7 * best.s && second.s > 0) out.push(second);
  // Widened by a quarter each way: the window is a plate's size, the plate may sit across two steps.
  return out.map(({ r }) => grow({ x: x0 + r.x, y: sy0 + r.y, w: r.w, h: r.h }, 0.25, frameW, frameH));
}

export function grow(r: PixelRect, share: number, frameW: number, frameH: number): PixelRect {
  const mx = r.w * share, my = r.h * share;
  const x = clamp(Math.floor(r.x - mx), 0, frameW), y = clamp(Math.floor(r.y - my), 0, frameH);
  const xe = clamp(Math.ceil(r.x + r.w + mx), 0, frameW), ye = clamp(Math.ceil(r.y + r.h + my), 0, frameH);
  return { x, y, w: xe - x, h: ye - y };
}

function overlaps(a: PixelRect, b: PixelRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
