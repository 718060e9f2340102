// A POSIX ustar archive of an export directory, streamed (no temp file): the download of a
// finished export is the directory as it is, so the person receiving it can run
// `vigil export verify` on the unpacked files. Pure header building plus a file reader.
import { createReadStream } from 'node:fs';

export interface TarEntry {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte ustar header of a regular file (names up to 100 bytes, sizes below 8 GiB). */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: name too long: ${name}`);
  if (size >= 8 ** 11) throw new Error(`tar: file too large: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'latin1');
  h.write('        ', 148, 'latin1'); // checksum counts as spaces while summing
  h.write('0', 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

export async function* tarStream(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    yield tarHeader(e.name, e.size, e.mtimeMs);
    let written = 0;
    for await (const chunk of createReadStream(e.path)) {
      written += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    if (written !== e.size) throw new Error(`tar: ${e.name} changed while archiving`);
    const pad = (512 - (e.size % 512)) % 512;
    if (pad) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(1024);
}
