// Counts the pictures in recorded MP4 files without decoding or reading the media data: fragmented
// MP4 (Vigil's segments) by summing trun sample counts, plain MP4 (ffmpeg's segment muxer) by the
// stsz sample count. Only box headers and moov/moof are read; mdat is skipped by seeking, so
// counting hours of recordings costs milliseconds of I/O per file.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'moof', 'traf']);

/** Samples in one box tree held in memory (moov or moof): trun and stsz counts summed. */
export function samplesInBoxes(buf: Buffer, from = 0, to = buf.length): number {
  let n = 0;
  for (let at = from; at + 8 <= to; ) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(buf.readBigUInt64BE(at + 8));
      body = at + 16;
    } else if (size === 0) size = to - at;
    if (size < body - at || at + size > to) break;
    if (CONTAINERS.has(type)) n += samplesInBoxes(buf, body, at + size);
    else if (type === 'trun' && body + 8 <= at + size) n += buf.readUInt32BE(body + 4);
    else if (type === 'stsz' && body + 12 <= at + size) n += buf.readUInt32BE(body + 8);
    at += size;
  }
  return n;
}

export interface Mp4Count {
  samples: number;
  bytes: number;
  /** Bytes after the last complete top-level box (a torn write). */
  tornBytes: number;
}

/** Counts the samples of one MP4 file, reading only moov/moof boxes. */
export function countMp4Samples(file: string): Mp4Count {
  const fd = openSync(file, 'r');
  try {
    const bytes = statSync(file).size;
    const head = Buffer.alloc(16);
    let samples = 0;
    let at = 0;
    while (at + 8 <= bytes) {
      readSync(fd, head, 0, 16, at);
      let size = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (size === 1) size = Number(head.readBigUInt64BE(8));
      else if (size === 0) size = bytes - at;
      if (size < 8 || at + size > bytes) break;
      if (type === 'moov' || type === 'moof') {
        const box = Buffer.alloc(size);
        readSync(fd, box, 0, size, at);
        samples += samplesInBoxes(box);
      }
      at += size;
    }
    return { samples, bytes, tornBytes: bytes - at };
  } finally {
    closeSync(fd);
  }
}

/** Every .mp4 under dir, grouped by the first path component below it (the camera). */
export function mp4FilesByCamera(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.mp4')) continue;
    const full = path.join(e.parentPath, e.name);
    const cam = path.relative(dir, full).split(path.sep)[0];
    const list = out.get(cam) ?? [];
    list.push(full);
    out.set(cam, list);
  }
  return out;
}

/** Total size of the regular files under dir (what has reached the file system so far). */
export function bytesUnder(dir: string): number {
  let total = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      try {
        total += statSync(path.join(e.parentPath, e.name)).size;
      } catch {
        // deleted or renamed between the listing and the stat
      }
    }
  } catch {
    // nothing written yet
  }
  return total;
}
