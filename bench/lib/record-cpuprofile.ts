// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per source file,
// so a benchmark can say where a recorder's CPU goes. Pure apart from the CLI at the bottom.
//
//   node bench/lib/record-cpuprofile.ts FILE.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface SelfTime {
  name: string;
  /** file:line, relative to the repository, or the V8 category ("(garbage collector)"). */
  where: string;
  ms: number;
  /** Share of the busy time (everything but "(idle)"). */
  busyShare: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  functions: SelfTime[];
  files: SelfTime[];
}

/** window: only samples this many ms after the profile's start (e.g. the steady state, not start-up). */
export function summariseCpuProfile(p: CpuProfile, root: string, window?: { fromMs: number; toMs: number }): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the gap before sample i: the time up to the next sample belongs to sample i.
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    const rel = (t - p.startTime) / 1000;
    if (window && (rel < window.fromMs || rel > window.toMs)) continue;
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + Math.max(0, dt));
  }
  const fn = new Map<string, SelfTime>();
  const file = new Map<string, SelfTime>();
  let busyUs = 0;
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    totalUs += us;
    if (cf.functionName === '(idle)') continue;
    busyUs += us;
    const rel = cf.url ? shortUrl(cf.url, root) : '';
    const where = rel ? `${rel}:${cf.lineNumber + 1}` : cf.functionName;
    const name = cf.functionName || '(anonymous)';
    const fk = `${name}@${where}`;
    const f = fn.get(fk) ?? { name, where, ms: 0, busyShare: 0 };
    f.ms += us / 1000;
    fn.set(fk, f);
    const fileKey = rel || cf.functionName;
    const g = file.get(fileKey) ?? { name: fileKey, where: fileKey, ms: 0, busyShare: 0 };
    g.ms += us / 1000;
    file.set(fileKey, g);
  }
  const finish = (m: Map<string, SelfTime>) =>
    [...m.values()].map((x) => ({ ...x, busyShare: busyUs ? x.ms / (busyUs / 1000) : 0 })).sort((a, b) => b.ms - a.ms);
  return { wallMs: totalUs / 1000, busyMs: busyUs / 1000, functions: finish(fn), files: finish(file) };
}

function shortUrl(url: string, root: string): string {
  const p = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  if (p.startsWith(root + path.sep)) return path.relative(root, p);
  return p.replace(/^.*\/node_modules\//, 'node_modules/');
}

export function formatSummary(s: ProfileSummary, top = 25): string {
  const line = (x: SelfTime) => `${x.ms.toFixed(0).padStart(9)} ms ${(x.busyShare * 100).toFixed(1).padStart(5)} %  ${x.name.padEnd(36)} ${x.where === x.name ? '' : x.where}`;
  return [
    `profile: ${(s.wallMs / 1000).toFixed(1)} s sampled, ${(s.busyMs / 1000).toFixed(1)} s busy on the main thread`,
    'top functions by self time (share of busy time):',
    ...s.functions.slice(0, top).map(line),
    'by file:',
    ...s.files.slice(0, 15).map((x) => `${x.ms.toFixed(0).padStart(9)} ms ${(x.busyShare * 100).toFixed(1).padStart(5)} %  ${x.name}`),
  ].join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  const root = path.resolve(import.meta.dirname, '../..');
  for (const f of positionals) console.log(`${f}\n${formatSummary(summariseCpuProfile(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, root), Number(values.top))}\n`);
}
