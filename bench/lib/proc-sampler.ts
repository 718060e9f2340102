// CPU and memory of running processes, read from /proc: the same figures `top` shows, without
// trusting a process to report on itself.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) a process has used so far, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/** Resident memory in MB, or null when the process is gone. */
export function rssMB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface GroupUsage {
  /** Average cores over the window: CPU seconds / wall seconds. */
  cpuCores: number;
  rssPeakMB: number;
  rssMeanMB: number;
  wallSec: number;
}

/**
 * Samples a group of processes (summed, e.g. one ffmpeg per camera) over a window. CPU comes
 * from the counters at the window's ends; RSS from one sample per interval.
 */
export async function sampleGroups(groups: Record<string, number[]>, seconds: number, intervalMs = 1000): Promise<Record<string, GroupUsage>> {
  const names = Object.keys(groups);
  const sumCpu = (pids: number[]) => pids.reduce((s, p) => s + (cpuSeconds(p) ?? NaN), 0);
  const sumRss = (pids: number[]) => pids.reduce((s, p) => s + (rssMB(p) ?? NaN), 0);
  const cpu0 = names.map((n) => sumCpu(groups[n]));
  const rss: number[][] = names.map(() => []);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    names.forEach((n, i) => rss[i].push(sumRss(groups[n])));
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, end - performance.now()))));
  }
  const wallSec = (performance.now() - t0) / 1000;
  const out: Record<string, GroupUsage> = {};
  names.forEach((n, i) => {
    const cpu = sumCpu(groups[n]) - cpu0[i];
    if (!Number.isFinite(cpu)) throw new Error(`${n}: a process exited during the measurement window`);
    out[n] = {
      cpuCores: cpu / wallSec,
      rssPeakMB: Math.max(...rss[i]),
      rssMeanMB: rss[i].reduce((a, b) => a + b, 0) / rss[i].length,
      wallSec,
    };
  });
  return out;
}
