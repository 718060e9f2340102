// The map's label glyphs: DejaVu Sans (Debian's fonts-dejavu-core) read by Vigil's own TrueType
// reader, each glyph an SDF in MapLibre's glyph protocol buffer; Latin, Arabic letters (Pashto's
// too) and the presentation forms MapLibre shapes Arabic words into.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeGlyphs } from '../helpers/glyph-reader.ts';
import { DEFAULT_GLYPH_FONT, encodeGlyphRange, GLYPH_SIZE, GlyphSource, sdfGlyph, TrueTypeFont, type PathCommand } from '../../src/map/index.ts';

if (!existsSync(DEFAULT_GLYPH_FONT)) throw new Error(`${DEFAULT_GLYPH_FONT} is missing: apt-get install fonts-dejavu-core`);

test('a square outline: ink inside (≥ the 0.75 edge), none outside, the edge between; metrics as MapLibre reads them', () => {
  const square: PathCommand[] = [{ type: 'M', x: 2, y: -12 }, { type: 'L', x: 12, y: -12 }, { type: 'L', x: 12, y: -2 }, { type: 'L', x: 2, y: -2 }, { type: 'Z' }];
  const g = sdfGlyph(65, square, 14.4);
  assert.deepEqual({ width: g.width, height: g.height, left: g.left, top: g.top, advance: g.advance }, { width: 10, height: 10, left: 2, top: 12 - 27, advance: 14 });
  assert.equal(g.bitmap.length, 16 * 16);
  const at = (x: number, y: number) => g.bitmap[(y + 3) * 16 + (x + 3)]!;
  assert.ok(at(5, 5) > 191, `centre ${at(5, 5)}`);
  assert.ok(at(-3, -3) < 120, `outside ${at(-3, -3)}`);
  assert.ok(Math.abs(at(0, 5) - 191) < 20, `edge ${at(0, 5)}`);
  const space = sdfGlyph(32, [], 7.6);
  assert.deepEqual({ bitmap: space.bitmap.length, width: space.width, advance: space.advance }, { bitmap: 0, width: 0, advance: 8 });
});

test('DejaVu Sans read by Vigil: Latin, Arabic and Pashto letters, Persian digits, presentation forms; outlines with ink', () => {
  const font = new TrueTypeFont(readFileSync(DEFAULT_GLYPH_FONT));
  for (const c of ['A', 'z', 'ب', 'ټ', 'ځ', 'ښ', '۴', '\uFE91', '\uFEDF', '\uFB8F']) assert.notEqual(font.glyphOf(c.codePointAt(0)!), null, c);
  assert.equal(font.glyphOf(0x4e00), null, 'no CJK in DejaVu Sans');
  const a = font.glyphOf(65)!;
  const g = sdfGlyph(65, font.path(a, GLYPH_SIZE), (font.advance(a) * GLYPH_SIZE) / font.unitsPerEm);
  assert.ok(g.width >= 14 && g.width <= 19 && g.height >= 16 && g.height <= 19, `${g.width}×${g.height}`);
  assert.ok([...g.bitmap].some((v) => v > 191) && [...g.bitmap].some((v) => v < 100));
  // A composite glyph (an accented letter) has the ink of both its parts: é reaches higher than e.
  const e = sdfGlyph(101, font.path(font.glyphOf(101)!, GLYPH_SIZE), 10);
  const eAcute = sdfGlyph(233, font.path(font.glyphOf(233)!, GLYPH_SIZE), 10);
  assert.ok(eAcute.height > e.height + 3, `é ${eAcute.height} vs e ${e.height}`);
});

test('a range is served as MapLibre asks for it: name, range, the glyphs of the font in it', async () => {
  const source = new GlyphSource();
  try {
    const latin = decodeGlyphs(await source.range(0));
    assert.equal(latin.name, 'DejaVu Sans');
    assert.equal(latin.range, '0-255');
    const A = latin.glyphs.find((x) => x.id === 65)!;
    assert.equal(A.bitmap.length, (A.width + 6) * (A.height + 6));
    const arabic = decodeGlyphs(await source.range(65024));
    assert.equal(arabic.range, '65024-65279');
    assert.ok(arabic.glyphs.some((x) => x.id === 0xfe91 && x.bitmap.length > 0), 'beh, initial form');
    assert.ok(arabic.glyphs.length > 100);
    await assert.rejects(source.range(100), /multiple of 256/);
  } finally {
    await source.close();
  }
  const missing = new GlyphSource('/nonexistent/font.ttf');
  await assert.rejects(missing.range(0), /apt-get install fonts-dejavu-core/);
});

test('the protocol buffer writer and the reader agree, negative offsets included', () => {
  const bytes = encodeGlyphRange('X', 256, [{ id: 300, bitmap: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), width: 0, height: 0, left: -2, top: -30, advance: 9 }]);
  assert.deepEqual(decodeGlyphs(bytes), { name: 'X', range: '256-511', glyphs: [{ id: 300, bitmap: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), width: 0, height: 0, left: -2, top: -30, advance: 9 }] });
});
