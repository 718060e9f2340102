// kill -9 durability rounds, shared by bench/store-choice.ts (long run) and
// test/store/kill.test.ts (short run). Each round: start the child on the same database, let it
// commit for a random while, SIGKILL it, then reopen the database and check that it opens
// cleanly and holds every id the child reported as committed. Note: SIGKILL is process death,
// not power loss; the OS page cache survives it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type KillMode = 'sqlite-full' | 'sqlite-normal' | 'pglite' | 'store';

export interface KillCheck {
  /** Opens the database after a kill; returns the ids present per kind and an integrity verdict. */
  (path: string): Promise<{ ids: Map<string, Set<number>>; integrity: string }>;
}

export interface KillRoundsResult {
  mode: KillMode;
  rounds: number;
  reportedCommits: number;
  lost: number;
  integrityFailures: number;
  failures: string[];
}

const CHILD = fileURLToPath(new URL('./store-kill-child.ts', import.meta.url));

function runUntilKilled(mode: KillMode, path: string, minMs: number, maxMs: number): Promise<{ reported: Map<string, number[]>; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reported = new Map<string, number[]>();
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready' && !timer) {
          timer = setTimeout(() => child.kill('SIGKILL'), minMs + Math.random() * (maxMs - minMs));
          continue;
        }
        const [kind, id] = line.split(' ');
        if (!id) continue;
        let list = reported.get(kind);
        if (!list) reported.set(kind, (list = []));
        list.push(Number(id));
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`kill child ended by itself (code ${code}):\n${stderr}`));
      else resolve({ reported, stderr });
    });
  });
}

export async function killRounds(opts: {
  mode: KillMode;
  path: string;
  rounds: number;
  check: KillCheck;
  /** Random kill moment after the child is ready, in ms. */
  minMs?: number;
  maxMs?: number;
}): Promise<KillRoundsResult> {
  const result: KillRoundsResult = { mode: opts.mode, rounds: 0, reportedCommits: 0, lost: 0, integrityFailures: 0, failures: [] };
  for (let r = 0; r < opts.rounds; r++) {
    const { reported } = await runUntilKilled(opts.mode, opts.path, opts.minMs ?? 100, opts.maxMs ?? 600);
    const { ids, integrity } = await opts.check(opts.path);
    result.rounds++;
    if (integrity !== 'ok') {
      result.integrityFailures++;
      result.failures.push(`round ${r + 1}: integrity ${integrity}`);
    }
    for (const [kind, list] of reported) {
      result.reportedCommits += list.length;
      const have = ids.get(kind) ?? new Set<number>();
      const missing = list.filter((id) => !have.has(id));
      if (missing.length) {
        result.lost += missing.length;
        result.failures.push(`round ${r + 1}: ${missing.length} reported-committed "${kind}" rows missing, e.g. ${missing.slice(0, 5).join(', ')}`);
      }
    }
  }
  return result;
}
