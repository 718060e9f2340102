// The glyphs Vigil serves for the map's text (street names of an imported basemap, in Latin and
// Arabic script): built from DejaVu Sans, a font Debian installs (fonts-dejavu-core) that covers
// Latin, Arabic with the letters of Dari, Pashto and Urdu, and the Arabic presentation forms that
// MapLibre shapes words into. A range is built on a worker thread when first asked for, and kept.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { MapError } from './errors.ts';

export const DEFAULT_GLYPH_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
/** The one font name the map's styles use. */
export const GLYPH_FONT_NAME = 'DejaVu Sans';

export class GlyphSource {
  private readonly file: string;
  private worker: Worker | null = null;
  private readonly ranges = new Map<number, Promise<Uint8Array>>();
  private readonly waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();

  constructor(file = DEFAULT_GLYPH_FONT) {
    this.file = file;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    if (!existsSync(this.file)) {
      throw new MapError('MAP_GLYPHS_UNAVAILABLE', `the map's label font ${this.file} is missing: apt-get install fonts-dejavu-core`);
    }
    const worker = new Worker(new URL('./glyph-worker.ts', import.meta.url), { workerData: { file: this.file, name: GLYPH_FONT_NAME } });
    worker.unref();
    worker.on('message', (m: { start: number; bytes?: Uint8Array; error?: string }) => {
      const w = this.waiting.get(m.start);
      this.waiting.delete(m.start);
      if (m.bytes) w?.resolve(m.bytes);
      else w?.reject(new MapError('MAP_GLYPHS_UNAVAILABLE', `glyphs ${m.start}: ${m.error}`));
    });
    const fail = (err: Error) => {
      for (const [start, w] of this.waiting) {
        w.reject(new MapError('MAP_GLYPHS_UNAVAILABLE', `glyph builder stopped: ${err.message}`));
        this.ranges.delete(start);
      }
      this.waiting.clear();
      this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => { if (this.worker === worker) fail(new Error(`exit ${code}`)); });
    this.worker = worker;
    return worker;
  }

  /** The glyphs of code points start … start + 255 (start a multiple of 256, below 65,536). */
  range(start: number): Promise<Uint8Array> {
    if (!Number.isInteger(start) || start < 0 || start > 0xff00 || start % 256 !== 0) {
      return Promise.reject(new MapError('MAP_BAD_INPUT', `range: ${start}: a glyph range starts at a multiple of 256 below 65,536`));
    }
    const kept = this.ranges.get(start);
    if (kept) return kept;
    let worker: Worker;
    try {
      worker = this.start();
    } catch (error) {
      return Promise.reject(error);
    }
    const built = new Promise<Uint8Array>((resolve, reject) => this.waiting.set(start, { resolve, reject }));
    built.catch(() => this.ranges.delete(start));
    this.ranges.set(start, built);
    worker.postMessage(start);
    return built;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
