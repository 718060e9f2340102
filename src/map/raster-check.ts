// A georeferenced raster basemap (a scanned city plan, a floor plan): an image and where its four
// corners lie. Both are checked before anything is kept: a file that is not a PNG, JPEG or WebP
// image, or corners that do not make a usable quadrilateral, are refused with the reason.
import { isValidLonLat, type LonLat } from './geo.ts';
import { MapError } from './errors.ts';

export interface RasterInfo {
  kind: 'raster';
  format: 'png' | 'jpeg' | 'webp';
  width: number;
  height: number;
  /** top-left, top-right, bottom-right, bottom-left, as [lon, lat] (MapLibre's image source order). */
  corners: [LonLat, LonLat, LonLat, LonLat];
  bytes: number;
}

function bad(reason: string): MapError {
  return new MapError('MAP_BASEMAP_INVALID', `not a usable raster basemap: ${reason}`);
}

/** Width and height from the image's own header; throws naming what is wrong. */
export function imageSize(buf: Uint8Array): { format: RasterInfo['format']; width: number; height: number } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
    if (b.toString('latin1', 12, 16) !== 'IHDR') throw bad('a PNG without its IHDR header');
    return { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // Walk the JPEG markers to the frame header (SOF0–SOF15 but DHT, JPG and DAC).
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) throw bad(`a JPEG whose marker at byte ${i} is broken`);
      const marker = b[i + 1]!;
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) { i += marker === 0xff ? 1 : 2; continue; }
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'jpeg', height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
      }
      if (marker === 0xda || marker === 0xd9) break;
      i += 2 + len;
    }
    throw bad('a JPEG without a frame header (truncated?)');
  }
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8X') return { format: 'webp', width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
    if (chunk === 'VP8 ') return { format: 'webp', width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { format: 'webp', width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    throw bad(`a WebP with an unknown ${chunk} chunk`);
  }
  throw bad('the file is not a PNG, JPEG or WebP image');
}

/** Twice the signed area of the ring (shoelace), in degrees²: its sign says which way it turns. */
function signedArea2(ring: readonly LonLat[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    a += x1 * y2 - x2 * y1;
  }
  return a;
}

/**
 * Reads `lon,lat` × 4 (top-left, top-right, bottom-right, bottom-left). The four corners must lie on
 * Earth, turn clockwise as seen on a north-up map (so the image is not mirrored) and make a convex
 * quadrilateral of some size.
 */
export function parseCorners(text: string): [LonLat, LonLat, LonLat, LonLat] {
  const nums = text.split(',').map((s) => Number(s.trim()));
  if (nums.length !== 8 || !nums.every(Number.isFinite)) {
    throw new MapError('MAP_BAD_INPUT', 'corners: expected 8 numbers, lon,lat of the top-left, top-right, bottom-right and bottom-left corners');
  }
  const c = [0, 1, 2, 3].map((k) => [nums[k * 2]!, nums[k * 2 + 1]!] as LonLat) as [LonLat, LonLat, LonLat, LonLat];
  const names = ['top-left', 'top-right', 'bottom-right', 'bottom-left'];
  c.forEach(([lon, lat], k) => {
    if (!isValidLonLat(lon, lat)) throw new MapError('MAP_BAD_INPUT', `corners: the ${names[k]} corner ${lon},${lat} is not on Earth (lon -180..180, lat -90..90)`);
  });
  // Every turn the same way, and clockwise (negative area with lat up): TL → TR → BR → BL.
  for (let k = 0; k < 4; k++) {
    const [a, b, d] = [c[k]!, c[(k + 1) % 4]!, c[(k + 2) % 4]!];
    const cross = (b[0] - a[0]) * (d[1] - b[1]) - (b[1] - a[1]) * (d[0] - b[0]);
    if (!(cross < 0)) throw new MapError('MAP_BAD_INPUT', 'corners: they must run top-left, top-right, bottom-right, bottom-left round a convex area (mirrored, crossed or collapsed corners?)');
  }
  if (Math.abs(signedArea2(c)) < 1e-12) throw new MapError('MAP_BAD_INPUT', 'corners: the area they enclose is too small');
  return c;
}

export function checkRaster(buf: Uint8Array, corners: [LonLat, LonLat, LonLat, LonLat]): RasterInfo {
  const { format, width, height } = imageSize(buf);
  if (!(width > 0 && height > 0)) throw bad(`an image of ${width} × ${height} pixels`);
  // WebGL textures: browsers refuse sides beyond their limit; 16,384 is what most allow.
  if (width > 16_384 || height > 16_384) throw bad(`${width} × ${height} pixels: at most 16,384 a side (cut the plan into tiles, or import it as PMTiles or MBTiles)`);
  return { kind: 'raster', format, width, height, corners, bytes: buf.length };
}
