// Small raster operations on caller-owned buffers, so the per-frame path allocates nothing. Pure.

/**
 * Grey (BT.601 luma) of an interleaved RGB frame, shrunk by an integer factor. Motion and tamper
 * blur this small frame straight away, so it need not average every pixel of a block: each output
 * pixel is the mean of k×k pixels spread evenly over its factor×factor block, k = ⌈factor/2⌉
 * (factor 4: 4 of 16 pixels, a quarter of the frame's bytes read). The same pixels are sampled in
 * every frame, so a still scene gives the same grey frame; the 2×2 mean keeps single-pixel
 * compression noise down.
 */
export function rgbToGreyDownscaled(rgb: Uint8Array, width: number, height: number, factor: number, out: Uint8Array): { width: number; height: number } {
  const ow = Math.floor(width / factor);
  const oh = Math.floor(height / factor);
  const k = Math.ceil(factor / 2);
  if (k === 2) {
    // factor 3 or 4 (640×360 → 160×90): the 2×2 case unrolled, ~5× faster than the loop below
    const a0 = Math.floor(factor / 4), a1 = Math.floor((3 * factor) / 4);
    const row = width * 3, step = factor * 3, dx = (a1 - a0) * 3, dy = (a1 - a0) * row;
    for (let oy = 0; oy < oh; oy++) {
      let i = (oy * factor + a0) * row + a0 * 3;
      const o = oy * ow;
      for (let ox = 0; ox < ow; ox++, i += step) {
        const j = i + dy;
        out[o + ox] = (77 * (rgb[i] + rgb[i + dx] + rgb[j] + rgb[j + dx]) + 150 * (rgb[i + 1] + rgb[i + dx + 1] + rgb[j + 1] + rgb[j + dx + 1]) +
          29 * (rgb[i + 2] + rgb[i + dx + 2] + rgb[j + 2] + rgb[j + dx + 2])) >> 10;
      }
    }
    return { width: ow, height: oh };
  }
  const div = k * k * 256;
  for (let oy = 0; oy < oh; oy++) {
    const o = oy * ow;
    for (let ox = 0; ox < ow; ox++) {
      let s = 0;
      for (let a = 0; a < k; a++) {
        // sample offsets inside a block: the centres of k equal parts
        const r = ((oy * factor + Math.floor(((a + 0.5) * factor) / k)) * width + ox * factor) * 3;
        for (let b = 0; b < k; b++) {
          const i = r + Math.floor(((b + 0.5) * factor) / k) * 3;
          s += 77 * rgb[i] + 150 * rgb[i + 1] + 29 * rgb[i + 2];
        }
      }
      out[o + ox] = (s / div) | 0;
    }
  }
  return { width: ow, height: oh };
}

/** The motion downscale factor for a frame: a grey frame about 90 px high, as Frigate's ~100 px. */
export function motionScaleFor(height: number): number {
  return Math.max(1, Math.round(height / 90));
}

/** 3-tap box blur, horizontal then vertical; two passes approximate a Gaussian (σ ≈ 1.15 px). */
export function boxBlur3(src: Uint8Array, width: number, height: number, tmp: Uint8Array, out: Uint8Array): void {
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      const a = src[r + (x > 0 ? x - 1 : x)];
      const c = src[r + (x < width - 1 ? x + 1 : x)];
      tmp[r + x] = ((a + src[r + x] + c + 1) * 21846) >> 16; // ⌊(sum + 1) / 3⌋ for sums ≤ 766, without a float division
    }
  }
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const dn = (y < height - 1 ? y + 1 : y) * width;
    const r = y * width;
    for (let x = 0; x < width; x++) out[r + x] = ((tmp[up + x] + tmp[r + x] + tmp[dn + x] + 1) * 21846) >> 16;
  }
}

/** 3×3 binary dilation (values 0/1), as a horizontal then a vertical 3-max (separable: 6 reads a pixel, not 9). */
export function dilate3(src: Uint8Array, width: number, height: number, tmp: Uint8Array, out: Uint8Array): void {
  for (let y = 0; y < height; y++) {
    const r = y * width;
    for (let x = 0; x < width; x++) {
      tmp[r + x] = src[r + (x > 0 ? x - 1 : x)] | src[r + x] | src[r + (x < width - 1 ? x + 1 : x)];
    }
  }
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const dn = (y < height - 1 ? y + 1 : y) * width;
    const r = y * width;
    for (let x = 0; x < width; x++) out[r + x] = tmp[up + x] | tmp[r + x] | tmp[dn + x];
  }
}

/** Mean absolute gradient (|dx| + |dy|): a cheap focus / texture measure. */
export function edgeEnergy(grey: Uint8Array, width: number, height: number): number {
  let s = 0;
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const i = y * width + x;
      s += Math.abs(grey[i + 1] - grey[i]) + Math.abs(grey[i + width] - grey[i]);
    }
  }
  return s / Math.max(1, (width - 1) * (height - 1));
}

export function meanAndStd(grey: Uint8Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < grey.length; i++) { const v = grey[i]; s += v; s2 += v * v; }
  const mean = s / grey.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / grey.length - mean * mean)) };
}

/** Copies a pixel rectangle of an RGB frame into `out` (w*h*3 bytes). */
export function cropRgb(rgb: Uint8Array, width: number, x: number, y: number, w: number, h: number, out: Uint8Array): void {
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * width + x) * 3;
    out.set(rgb.subarray(from, from + w * 3), row * w * 3);
  }
}
