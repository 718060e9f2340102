// Alarm snapshots on disk, under <dataDir>/snapshots/<camera>/. The picture is already made safe
// (heads pixelated) by whoever hands it over. An alarm is published before its picture is
// written, so a reader that comes early waits for the write (`ready`).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newId } from '../core/index.ts';
import { EventError } from './errors.ts';

export class SnapshotStore {
  /** folders already made */
  private readonly dirs = new Set<string>();
  /** snapshots being written (relative path → done) */
  private readonly pending = new Map<string, Promise<void>>();

  private readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** A fresh relative path (with '/' on every platform: it is stored in the event row). */
  newPath(cameraId: string, capturedAt: number): string {
    return path.posix.join('snapshots', cameraId, `${capturedAt}-${newId('s').slice(2, 8)}.png`);
  }

  /** Writes the bytes when they are ready; resolves false when making or writing them failed. */
  write(rel: string, bytes: Promise<Buffer>): Promise<boolean> {
    const done = (async () => {
      const abs = path.join(this.dataDir, ...rel.split('/'));
      const dir = path.dirname(abs);
      if (!this.dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.dirs.add(dir);
      }
      await writeFile(abs, await bytes);
      return true;
    })();
    const settled = done.then(() => undefined, () => undefined);
    this.pending.set(rel, settled);
    void settled.then(() => this.pending.delete(rel));
    return done;
  }

  /** Resolves once the snapshot at this path is written (or failed), at once when none is pending. */
  ready(rel: string): Promise<void> {
    return this.pending.get(rel) ?? Promise.resolve();
  }

  /** The stored picture; NOT_FOUND for a path outside the snapshots folder or a file that is gone. */
  async read(rel: unknown): Promise<Buffer> {
    if (typeof rel !== 'string' || rel.includes('..') || !rel.startsWith('snapshots/')) throw new EventError('NOT_FOUND', 'this alarm has no snapshot');
    await this.ready(rel);
    try {
      return await readFile(path.join(this.dataDir, rel));
    } catch {
      throw new EventError('NOT_FOUND', 'snapshot file is gone');
    }
  }

  async idle(): Promise<void> {
    await Promise.all([...this.pending.values()]);
  }
}
