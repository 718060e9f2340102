// The one PNG encoder (8-bit RGB, no row filter): annotated frames of `vigil analyze` (sync) and
// alarm snapshots (deflated on libuv's pool, not on the main thread that carries every camera's
// RTSP, recording and live traffic: deflateSync took 15-30 ms per 640x360 frame there). Pure apart
// from zlib.
import { crc32, deflate, deflateSync } from 'node:zlib';
import { promisify } from 'node:util';

const deflateAsync = promisify(deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Level 6 by default: debug frames are small and rare. */
export function encodePng(rgb: Uint8Array, width: number, height: number, level = 6): Buffer {
  return assemble(width, height, deflateSync(rawRows(rgb, width, height), { level }));
}

/**
 * Off the main thread. Level 2 by default: a few per cent larger files than level 6 for about a
 * third of the CPU; snapshots are evidence of what was seen, not archives.
 */
export async function encodePngAsync(rgb: Uint8Array, width: number, height: number, level = 2): Promise<Buffer> {
  return assemble(width, height, await deflateAsync(rawRows(rgb, width, height), { level }));
}

function rawRows(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3;
  const raw = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type: none
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return raw;
}

function assemble(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}
