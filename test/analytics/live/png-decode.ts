// Reads back the PNGs Vigil writes (8-bit RGB, filter type 0 on every row), for checking pixels.
import { inflateSync } from 'node:zlib';

export interface Image { width: number; height: number; rgb: Uint8Array }

export function decodePng(buf: Buffer): Image {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8;
  let width = 0, height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 2) throw new Error('only 8-bit RGB');
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    if (raw[row] !== 0) throw new Error('only unfiltered rows');
    rgb.set(raw.subarray(row + 1, row + 1 + width * 3), y * width * 3);
  }
  return { width, height, rgb };
}

/** Mean absolute difference between horizontally and vertically adjacent pixels: fine detail. */
export function neighbourDiff(img: Image, r: { x: number; y: number; w: number; h: number }): number {
  let sum = 0, n = 0;
  const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
  const x1 = Math.min(img.width - 1, r.x + r.w - 1), y1 = Math.min(img.height - 1, r.y + r.h - 1);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) {
        sum += Math.abs(img.rgb[i + c] - img.rgb[i + 3 + c]) + Math.abs(img.rgb[i + c] - img.rgb[i + img.width * 3 + c]);
        n += 2;
      }
    }
  }
  return n ? sum / n : 0;
}
