// A file's pages in the kernel's page cache, for benchmarks that must say "cold" honestly: how much
// of a file is resident (util-linux fincore), and dropping that file's pages only (coreutils dd with
// nocache: posix_fadvise DONTNEED after an fdatasync) — not the whole machine's cache, which other
// work on a shared machine relies on. A virtual machine's host may still cache the disk below.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd: string, args: string[], install: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${cmd} is missing: ${install}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Bytes of the file in the page cache now (0 for a file that does not exist). */
export function residentBytes(file: string): number {
  if (!existsSync(file)) return 0;
  const out = run('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], 'apt-get install util-linux');
  return Number(out.trim());
}

/**
 * Writes out and drops the files' cached pages (dirty pages cannot be dropped, hence the sync
 * first). Returns the bytes still resident afterwards, summed over the files.
 */
export function evictFromPageCache(files: string[]): number {
  let left = 0;
  for (const f of files.filter((x) => existsSync(x))) {
    run('dd', [`of=${f}`, 'oflag=nocache', 'conv=notrunc,fdatasync', 'count=0', 'status=none'], 'apt-get install coreutils');
    run('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none'], 'apt-get install coreutils');
    left += residentBytes(f);
  }
  return left;
}
