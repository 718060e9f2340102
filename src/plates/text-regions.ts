// Text regions from a DB-style text probability map (PaddleOCR's detector output): pixels above a
// threshold are grouped into 4-connected components; each becomes a rotated rectangle from its
// principal axis (so a tilted plate gets a tilted box), grown as DBNet's "unclip" does (the map
// marks a shrunk core of each text line). Pure.

export interface RotatedRect {
  /** centre, in map pixels */
  cx: number;
  cy: number;
  /** unit vector along the text line */
  ux: number;
  uy: number;
  /** full length along the line and height across it, map pixels */
  length: number;
  height: number;
  /** mean probability inside the component */
  score: number;
}

export interface TextRegionOptions {
  /** probability from which a pixel is text (default 0.3, PaddleOCR's) */
  threshold?: number;
  /** components with a lower mean probability are dropped (default 0.5) */
  minScore?: number;
  /** fewest pixels in a component (default 12) */
  minPixels?: number;
  /** DBNet unclip ratio (default 1.6): the core is grown by area × ratio / perimeter on every side */
  unclip?: number;
}

export function textRegions(prob: Float32Array, w: number, h: number, o: TextRegionOptions = {}): RotatedRect[] {
  const thr = o.threshold ?? 0.3, minScore = o.minScore ?? 0.5, minPixels = o.minPixels ?? 12, unclip = o.unclip ?? 1.6;
  const label = new Int32Array(w * h);
  const out: RotatedRect[] = [];
  const stack: number[] = [];
  let next = 1;
  for (let start = 0; start < w * h; start++) {
    if (label[start] || prob[start] < thr) continue;
    const id = next++;
    label[start] = id;
    stack.push(start);
    const px: number[] = [];
    let sum = 0;
    while (stack.length) {
      const i = stack.pop()!;
      px.push(i);
      sum += prob[i];
      const x = i % w, y = (i - x) / w;
      if (x > 0 && !label[i - 1] && prob[i - 1] >= thr) { label[i - 1] = id; stack.push(i - 1); }
      if (x < w - 1 && !label[i + 1] && prob[i + 1] >= thr) { label[i + 1] = id; stack.push(i + 1); }
      if (y > 0 && !label[i - w] && prob[i - w] >= thr) { label[i - w] = id; stack.push(i - w); }
      if (y < h - 1 && !label[i + w] && prob[i + w] >= thr) { label[i + w] = id; stack.push(i + w); }
    }
    if (px.length < minPixels || sum / px.length < minScore) continue;
    out.push(rectOf(px, w, sum / px.length, unclip));
  }
  return out;
}

function rectOf(px: number[], w: number, score: number, unclip: number): RotatedRect {
  let mx = 0, my = 0;
  for (const i of px) { mx += i % w; my += Math.floor(i / w); }
  mx /= px.length; my /= px.length;
  let sxx = 0, syy = 0, sxy = 0;
  for (const i of px) {
    const dx = (i % w) - mx, dy = Math.floor(i / w) - my;
    sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
  }
  // principal axis of the pixel cloud; a text line is longer than it is tall
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const ux = Math.cos(angle), uy = Math.sin(angle);
  let a0 = Infinity, a1 = -Infinity, b0 = Infinity, b1 = -Infinity;
  for (const i of px) {
    const dx = (i % w) - mx, dy = Math.floor(i / w) - my;
    const a = dx * ux + dy * uy, b = -dx * uy + dy * ux;
    if (a < a0) a0 = a; if (a > a1) a1 = a; if (b < b0) b0 = b; if (b > b1) b1 = b;
  }
  // pixel extents are centres: add one pixel
  let length = a1 - a0 + 1, height = b1 - b0 + 1;
  const grow = (length * height * unclip) / (2 * (length + height));
  length += 2 * grow; height += 2 * grow;
  const ca = (a0 + a1) / 2, cb = (b0 + b1) / 2;
  return { cx: mx + ca * ux - cb * uy, cy: my + ca * uy + cb * ux, ux, uy, length, height, score };
}

/**
 * Text regions that are pieces of one line (a plate's groups of characters, split at their spaces
 * by the detector): about as tall, along one line, with a gap under ~1.5 heights, become one
 * rectangle spanning them.
 */
export function mergeLines(rects: RotatedRect[]): RotatedRect[] {
  const out = rects.map((r) => ({ ...r }));
  for (let merged = true; merged;) {
    merged = false;
    outer: for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const a = out[i], b = out[j];
        const ratio = Math.max(a.height, b.height) / Math.min(a.height, b.height);
        const h = Math.max(a.height, b.height);
        const dx = b.cx - a.cx, dy = b.cy - a.cy;
        const along = Math.abs(dx * a.ux + dy * a.uy), across = Math.abs(-dx * a.uy + dy * a.ux);
        const gap = along - (a.length + b.length) / 2;
        const parallel = Math.abs(a.ux * b.uy - a.uy * b.ux) < 0.2;
        if (ratio > 1.5 || across > 0.35 * h || gap > 1.5 * h || !parallel) continue;
        out[i] = span(a, b);
        out.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return out;
}

function span(a: RotatedRect, b: RotatedRect): RotatedRect {
  const { ux, uy } = a.length >= b.length ? a : b;
  let a0 = Infinity, a1 = -Infinity, b0 = Infinity, b1 = -Infinity;
  for (const r of [a, b]) {
    for (const [s, t] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
      const x = r.cx + (s * r.length / 2) * r.ux - (t * r.height / 2) * r.uy, y = r.cy + (s * r.length / 2) * r.uy + (t * r.height / 2) * r.ux;
      const p = x * ux + y * uy, q = -x * uy + y * ux;
      a0 = Math.min(a0, p); a1 = Math.max(a1, p); b0 = Math.min(b0, q); b1 = Math.max(b1, q);
    }
  }
  const ca = (a0 + a1) / 2, cb = (b0 + b1) / 2;
  // the rotated corners overstate the height a little; a line is as tall as its taller piece
  return { cx: ca * ux - cb * uy, cy: ca * uy + cb * ux, ux, uy, length: a1 - a0, height: Math.min(b1 - b0, Math.max(a.height, b.height) * 1.15), score: (a.score * a.length + b.score * b.length) / (a.length + b.length) };
}
