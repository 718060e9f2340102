// The checkpoint file: one signed checkpoint per line (JSON), only ever appended to (O_APPEND,
// fsynced), mode 0600, outside the database — <dataDir>/audit/checkpoints.jsonl by default. A writer
// of the database cannot touch it; copies go into every export manifest (and, in a cluster, to
// other nodes), so that even whoever can write this file cannot quietly rewrite all of them.
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { latestOf, type Checkpoint } from './checkpoint.ts';

export const CHECKPOINT_FILE = 'checkpoints.jsonl';

/**
 * Reads every checkpoint. A line that is not JSON is a write torn by a crash (the next append
 * starts a fresh line after it): skipped, never trusted. Skipping can only lose a checkpoint,
 * which whoever can write this file could do anyway; it cannot make a forgery pass.
 */
export function readCheckpointFile(file: string): Checkpoint[] {
  return readJsonLines(file) as Checkpoint[];
}

/** Every JSON object of an append-only lines file (checkpoints, prune records); torn lines skipped. */
export function readJsonLines(file: string): object[] {
  if (!existsSync(file)) return [];
  return parseCheckpoints(readFileSync(file, 'utf8'));
}

export function parseCheckpoints(text: string): Checkpoint[] {
  const out: Checkpoint[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    try {
      const c = JSON.parse(line) as Checkpoint;
      if (c && typeof c === 'object') out.push(c);
    } catch {
      // torn write
    }
  }
  return out;
}

/** The last checkpoint of a file, reading only its end (exports and reports ask for it often). */
export function readLatestCheckpoint(file: string): Checkpoint | null {
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 4 * 1024 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const c = JSON.parse(lines[i]) as Checkpoint;
        if (typeof c.seq === 'number') return c;
      } catch {
        // a torn last line, or the cut first line of the window
      }
    }
    return len < size ? latestOf(readCheckpointFile(file)) : null;
  } finally {
    closeSync(fd);
  }
}

export class CheckpointFile {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  }

  read(): Checkpoint[] {
    return readCheckpointFile(this.file);
  }

  /** Appends and fsyncs, so a checkpoint reported written survives a crash. */
  append(checkpoints: readonly Checkpoint[]): void {
    appendJsonLines(this.file, checkpoints);
  }
}

/** Appends objects as JSON lines (mode 0600) and fsyncs. */
export function appendJsonLines(file: string, items: readonly object[]): void {
  if (items.length === 0) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // A torn line left by a crash would glue onto the next one: start on a fresh line.
  const fd = openSync(file, 'a+', 0o600);
  try {
    const text = items.map((c) => JSON.stringify(c)).join('\n') + '\n';
    writeSync(fd, endsMidLine(fd) ? '\n' + text : text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function endsMidLine(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}
