// Builds glyph ranges off the main thread: a range takes a few hundred milliseconds of arithmetic,
// which on the main thread would hold up every request (and the alarm path) meanwhile.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeGlyphRange, GLYPH_SIZE, sdfGlyph, type SdfGlyph } from './glyph-sdf.ts';
import { TrueTypeFont } from './truetype.ts';

const { file, name } = workerData as { file: string; name: string };
const font = new TrueTypeFont(readFileSync(file));
const scale = GLYPH_SIZE / font.unitsPerEm;

parentPort!.on('message', (start: number) => {
  try {
    const glyphs: SdfGlyph[] = [];
    for (let c = start; c < start + 256; c++) {
      const g = font.glyphOf(c);
      if (g !== null) glyphs.push(sdfGlyph(c, font.path(g, GLYPH_SIZE), font.advance(g) * scale));
    }
    parentPort!.postMessage({ start, bytes: encodeGlyphRange(name, start, glyphs) });
  } catch (error) {
    parentPort!.postMessage({ start, error: (error as Error).message });
  }
});
