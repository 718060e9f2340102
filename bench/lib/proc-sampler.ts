// CPU (cores) and RSS (MB) of processes from /proc, sampled over a window.
import { readFileSync } from 'node:fs';

const CLK_TCK = 100; // Linux USER_HZ on every x86_64/arm64 kernel we run on

export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export interface Usage {
  cpuCores: number;
  rssMeanMb: number;
  rssPeakMb: number;
}

/** Sample a group of processes (summed) every `everyMs` for `seconds`. */
export async function sampleGroup(pids: number[], seconds: number, everyMs = 1000): Promise<Usage> {
  const t0 = performance.now();
  const c0 = pids.reduce((s, p) => s + cpuSeconds(p), 0);
  const rss: number[] = [];
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, everyMs));
    rss.push(pids.reduce((s, p) => s + rssMb(p), 0));
  }
  const c1 = pids.reduce((s, p) => s + cpuSeconds(p), 0);
  const wall = (performance.now() - t0) / 1000;
  return {
    cpuCores: round((c1 - c0) / wall, 3),
    rssMeanMb: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1),
    rssPeakMb: round(Math.max(...rss), 1),
  };
}

export function round(x: number, d = 1): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}
