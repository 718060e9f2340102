// Masks painted into a still picture (alarm snapshots) before it is served. Decodes 8-bit RGB and
// RGBA PNGs (what Vigil writes), paints the masked pixels black and encodes again. Anything it
// cannot decode is refused, never served unmasked.
import { inflateSync } from 'node:zlib';
import { encodePng } from '../media/index.ts';
import { PrivacyError } from './errors.ts';
import { rasterizeMask, type Point } from './mask-geometry.ts';

export function decodePngRgb(png: Buffer): { rgb: Uint8Array; width: number; height: number } {
  const bad = (why: string) => new PrivacyError('MASKING_FAILED', `snapshot is not a PNG this server can mask: ${why}`);
  if (png.length < 33 || png.readUInt32BE(0) !== 0x89504e47) throw bad('no PNG signature');
  let at = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  while (at + 12 <= png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw bad('only 8-bit, non-interlaced pictures');
      channels = body[9] === 2 ? 3 : body[9] === 6 ? 4 : 0;
      if (!channels) throw bad('only RGB and RGBA pictures');
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  if (!width || !height || idat.length === 0) throw bad('no IHDR or IDAT');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw bad('truncated image data');
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? px[row + i - channels] : 0;
      const b = y > 0 ? px[row - stride + i] : 0;
      const c = y > 0 && i >= channels ? px[row - stride + i - channels] : 0;
      const x = raw[src + i];
      let v: number;
      switch (f) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        case 4: {
          const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw bad(`unknown row filter ${f}`);
      }
      px[row + i] = v & 0xff;
    }
  }
  if (channels === 3) return { rgb: px, width, height };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < px.length; i += 4, j += 3) { rgb[j] = px[i]; rgb[j + 1] = px[i + 1]; rgb[j + 2] = px[i + 2]; }
  return { rgb, width, height };
}

/** Paints the masked pixels of interleaved RGB black, in place. */
export function paintMasks(rgb: Uint8Array, width: number, height: number, polygons: readonly (readonly Point[])[]): void {
  const cover = rasterizeMask(polygons, width, height);
  for (let i = 0; i < cover.length; i++) if (cover[i]) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = 0;
}

/** The PNG with the masks painted in; the same bytes when there is nothing to mask. */
export function maskPng(png: Buffer, polygons: readonly (readonly Point[])[]): Buffer {
  if (polygons.length === 0) return png;
  const { rgb, width, height } = decodePngRgb(png);
  paintMasks(rgb, width, height, polygons);
  return encodePng(rgb, width, height, 2);
}
