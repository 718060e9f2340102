// Motion as Frigate finds it: a blurred, downscaled grey frame against a running-average
// background; changed pixels thresholded, dilated, grouped into boxes. A change over most of the
// frame at once is lighting (clouds, auto-exposure, lights switched on), not motion: the
// background is relearnt instead of reporting the whole frame. Pure: feed it grey frames.
import { boxBlur3, dilate3 } from './image-ops.ts';
import { pointInPolygon, type Box, type Polygon } from './geometry.ts';

export interface MotionOptions {
  /** grey-level difference counted as change (0..255) */
  threshold?: number;
  /** background learning rate per frame */
  alpha?: number;
  /** fraction of changed pixels above which a frame is a lighting change */
  lightingFraction?: number;
  /** smallest motion box, as a fraction of the frame area */
  minArea?: number;
  dilations?: number;
  /**
   * A pixel that keeps differing for this many frames is learnt quickly instead: ghosts (where a
   * parked car left) and things that stopped fade into the background. Tracking keeps looking at
   * stopped objects by itself (the pipeline also crops where tracks are).
   */
  stuckFrames?: number;
  /** polygons (normalised) where motion is ignored (trees, clocks, OSD text) */
  ignore?: Polygon[];
}

export interface MotionResult {
  /** normalised boxes */
  boxes: Box[];
  changedFraction: number;
  /** the background was relearnt on this frame (first frame or a lighting change) */
  relearnt: boolean;
}

export class MotionDetector {
  readonly width: number;
  readonly height: number;
  private readonly threshold: number;
  private readonly alpha: number;
  private readonly lightingFraction: number;
  private readonly minPixels: number;
  private readonly dilations: number;
  private readonly blurred: Uint8Array;
  private readonly tmp: Uint8Array;
  private readonly mask: Uint8Array;
  private readonly mask2: Uint8Array;
  private readonly ignoreMask: Uint8Array | null;
  private readonly background: Float32Array;
  private readonly stuck: Uint16Array;
  private readonly stuckFrames: number;
  private readonly labels: Int32Array;
  private readonly stack: Int32Array;
  private started = false;

  constructor(width: number, height: number, opts: MotionOptions = {}) {
    this.width = width;
    this.height = height;
    this.threshold = opts.threshold ?? 25;
    this.alpha = opts.alpha ?? 0.05;
    this.lightingFraction = opts.lightingFraction ?? 0.5;
    this.minPixels = Math.max(1, (opts.minArea ?? 0.0008) * width * height);
    this.dilations = opts.dilations ?? 2;
    const n = width * height;
    this.blurred = new Uint8Array(n);
    this.tmp = new Uint8Array(n);
    this.mask = new Uint8Array(n);
    this.mask2 = new Uint8Array(n);
    this.background = new Float32Array(n);
    this.stuck = new Uint16Array(n);
    this.stuckFrames = opts.stuckFrames ?? 15;
    this.labels = new Int32Array(n);
    this.stack = new Int32Array(n);
    this.ignoreMask = opts.ignore?.length ? rasterise(opts.ignore, width, height) : null;
  }

  /** The learnt background as grey levels (for tamper checks and debugging). */
  backgroundLevel(i: number): number {
    return this.background[i];
  }

  detect(grey: Uint8Array): MotionResult {
    const { width: w, height: h } = this;
    const n = w * h;
    boxBlur3(grey, w, h, this.tmp, this.mask2);
    boxBlur3(this.mask2, w, h, this.tmp, this.blurred);
    const bg = this.background;
    const blurred = this.blurred;
    if (!this.started) {
      for (let i = 0; i < n; i++) bg[i] = blurred[i];
      this.started = true;
      return { boxes: [], changedFraction: 0, relearnt: true };
    }
    const mask = this.mask;
    const ignore = this.ignoreMask;
    const t = this.threshold;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(blurred[i] - bg[i]) > t && !(ignore && ignore[i]) ? 1 : 0;
      mask[i] = v;
      changed += v;
    }
    const changedFraction = changed / n;
    if (changedFraction > this.lightingFraction) {
      for (let i = 0; i < n; i++) bg[i] = blurred[i];
      this.stuck.fill(0);
      return { boxes: [], changedFraction, relearnt: true };
    }
    const a = this.alpha;
    const stuck = this.stuck;
    const limit = this.stuckFrames;
    for (let i = 0; i < n; i++) {
      if (mask[i]) { if (stuck[i] < 65535) stuck[i]++; } else stuck[i] = 0;
      bg[i] += (stuck[i] > limit ? 0.3 : a) * (blurred[i] - bg[i]);
    }
    let cur = mask;
    let other = this.mask2;
    for (let k = 0; k < this.dilations; k++) {
      dilate3(cur, w, h, this.tmp, other);
      const s = cur; cur = other; other = s;
    }
    return { boxes: this.components(cur), changedFraction, relearnt: false };
  }

  /** 4-connected components of a 0/1 mask, as normalised boxes of at least minPixels pixels. */
  private components(mask: Uint8Array): Box[] {
    const { width: w, height: h } = this;
    const labels = this.labels;
    labels.fill(0);
    const stack = this.stack;
    const boxes: Box[] = [];
    let label = 0;
    for (let start = 0; start < w * h; start++) {
      if (!mask[start] || labels[start]) continue;
      label++;
      let sp = 0;
      stack[sp++] = start;
      labels[start] = label;
      let minX = w, minY = h, maxX = -1, maxY = -1, count = 0;
      while (sp > 0) {
        const i = stack[--sp];
        const x = i % w;
        const y = (i - x) / w;
        count++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (x > 0 && mask[i - 1] && !labels[i - 1]) { labels[i - 1] = label; stack[sp++] = i - 1; }
        if (x < w - 1 && mask[i + 1] && !labels[i + 1]) { labels[i + 1] = label; stack[sp++] = i + 1; }
        if (y > 0 && mask[i - w] && !labels[i - w]) { labels[i - w] = label; stack[sp++] = i - w; }
        if (y < h - 1 && mask[i + w] && !labels[i + w]) { labels[i + w] = label; stack[sp++] = i + w; }
      }
      if (count >= this.minPixels) boxes.push([minX / w, minY / h, (maxX + 1) / w, (maxY + 1) / h]);
    }
    return boxes;
  }
}

function rasterise(polys: Polygon[], w: number, h: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p: [number, number] = [(x + 0.5) / w, (y + 0.5) / h];
      if (polys.some((poly) => pointInPolygon(p, poly))) m[y * w + x] = 1;
    }
  }
  return m;
}
