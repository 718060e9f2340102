// Line counts against hand counts, with a held-aside part: runs `vigil analyze` (a real child
// process, as a user would) once per clip with every counting line of that clip from
// bench/ground-truth/line-counts.json, and compares each line's counts with the hand-listed
// crossings: per direction, per class group, and crossing by crossing (a count matches a hand-listed
// crossing of the same direction within MATCH_S), so a miss and a double count cannot cancel out
// unseen. Tuning and held-aside lines are reported apart; the held-aside figure is the one that says
// how counting holds on footage nothing was tuned on.
//
//   npm run eval:counting -- [--fps N] [--input PX] [--tiles ROWS|off] [--part tuning|held-aside]
//                            [--lines OVER,ST] [--out DIR]
//
// Ends with `RESULT {json}`: per line hand vs Vigil counts, accuracy per part.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { SHARED_VIDEO_DIR } from '../src/simulator/index.ts';
import { machine } from './lib/bench-env.ts';
import { MATCH_S, matchTimes } from './lib/match-crossings.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TRUTH = join(ROOT, 'bench/ground-truth/line-counts.json');

type Direction = 'positive' | 'negative';
interface Crossing { t: number; direction: Direction; kind: string; note?: string }
interface TruthLine {
  file: string;
  line: string;
  part: 'tuning' | 'held-aside';
  crossings: Crossing[];
  /** a view made from a shared clip with an ffmpeg filter (e.g. a part of it enlarged: a telephoto-like view) */
  derive?: { from: string; vf: string };
}

/** The detector's classes group the hand-listed kinds like this (it calls a van car or truck in turn). */
const GROUP: Record<string, string> = { car: 'vehicle', van: 'vehicle', pickup: 'vehicle', truck: 'vehicle', bus: 'bus', motorcycle: 'motorcycle', bicycle: 'bicycle' };
const CLASS_GROUP: Record<string, string> = { car: 'vehicle', truck: 'vehicle', bus: 'bus', motorcycle: 'motorcycle', bicycle: 'bicycle', person: 'person' };

interface LineRow {
  line: string;
  clip: string;
  part: 'tuning' | 'held-aside';
  hand: { positive: number; negative: number; byGroup: Record<string, number> };
  vigil: { positive: number; negative: number; byGroup: Record<string, number> };
  /** |counted − hand| over both directions / hand, % */
  errorPct: number;
  matched: number;
  /** hand-listed crossings not counted, counts with no hand-listed crossing (s; negative direction −t) */
  missed: number[];
  extra: number[];
}

interface AnalyzeDoc {
  frames: number; seconds: number; elapsedSeconds: number; detector: string; model?: string | null;
  detection?: unknown; cost?: { inferencesPerFrame: number; units320PerFrame: number; detectorWallMsPerFrame: number };
  lines: Record<string, { positive: Record<string, number>; negative: Record<string, number> }>;
  events: { kind: string; t: number; rule?: string; direction?: Direction; cls?: string }[];
}

function sum(c: Record<string, number>): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

function main(): number {
  const { values } = parseArgs({ options: { fps: { type: 'string' }, input: { type: 'string' }, tiles: { type: 'string' }, part: { type: 'string' }, lines: { type: 'string' }, out: { type: 'string' } } });
  const truth = JSON.parse(readFileSync(TRUTH, 'utf8')) as { clips: TruthLine[] };
  if (!existsSync(SHARED_VIDEO_DIR)) {
    console.log(`eval:counting: no clips at ${SHARED_VIDEO_DIR} (the shared test videos are not on this machine)`);
    console.log(`RESULT ${JSON.stringify({ skipped: true, reason: 'no clips' })}`);
    return 1;
  }
  const onlyLines = values.lines ? new Set(values.lines.split(',')) : null;
  const wanted = truth.clips.filter((c) => (!values.part || c.part === values.part) && (!onlyLines || onlyLines.has(lineName(c))));
  const out = resolve(values.out ?? join(ROOT, 'test-output/eval-counting'));
  mkdirSync(out, { recursive: true });
  const started = new Date();
  const load0 = loadavg();
  const rows: LineRow[] = [];
  const runs: { clip: string; model: string | null; detector: string; frames: number; seconds: number; elapsed: number; cost: AnalyzeDoc['cost'] | null }[] = [];
  // one analysis per clip, with all of its lines: lines do not change what is detected or tracked
  const files = [...new Set(wanted.map((c) => c.file))];
  for (const file of files) {
    const lines = wanted.filter((c) => c.file === file);
    const derive = lines.find((l) => l.derive)?.derive;
    const path = derive ? derived(derive, join(out, file)) : join(SHARED_VIDEO_DIR, file);
    if (!existsSync(path)) {
      console.error(`${file}: missing from ${SHARED_VIDEO_DIR}`);
      return 1;
    }
    const args = [join(ROOT, 'src/cli/main.ts'), 'analyze', path, '--detector', 'neural', '--json', '--annotate', join(out, file.replace(/\.\w+$/, '')), '--annotate-every', '10'];
    for (const l of lines) args.push('--line', l.line);
    if (values.fps) args.push('--fps', values.fps);
    if (values.input) args.push('--input', values.input);
    if (values.tiles) args.push('--tiles', values.tiles);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) {
      console.error(`${file}: vigil analyze failed (${r.status}):\n${r.stderr}`);
      return 1;
    }
    const doc = JSON.parse(r.stdout) as AnalyzeDoc;
    runs.push({ clip: file, model: doc.model ?? null, detector: doc.detector, frames: doc.frames, seconds: doc.seconds, elapsed: doc.elapsedSeconds, cost: doc.cost ?? null });
    for (const l of lines) rows.push(compare(l, doc));
  }

  console.log(`\neval:counting ${started.toISOString()} — ${JSON.stringify(machine())}, load average at start ${load0.map((v) => v.toFixed(2)).join(' ')}`);
  console.log(`command: npm run eval:counting -- ${process.argv.slice(2).join(' ')}`);
  console.log(`models: ${[...new Set(runs.map((r) => r.model ?? r.detector))].join(', ')}\n`);
  console.log('| line | clip | part | hand +/− | Vigil +/− | error | matched one for one | extra | hand by class | Vigil by class |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const n = r.hand.positive + r.hand.negative;
    console.log(`| ${r.line} | ${r.clip} | ${r.part} | ${r.hand.positive} / ${r.hand.negative} | ${r.vigil.positive} / ${r.vigil.negative} | ${r.errorPct} % | ${r.matched} of ${n} | ${r.extra.length} | ${fmt(r.hand.byGroup)} | ${fmt(r.vigil.byGroup)} |`);
  }
  const parts = { tuning: summarise(rows.filter((r) => r.part === 'tuning')), heldAside: summarise(rows.filter((r) => r.part === 'held-aside')) };
  console.log('\n| part | lines | hand crossings | Vigil counts | count accuracy | matched one for one | missed | extra |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, p] of Object.entries(parts)) {
    if (p) console.log(`| ${name} | ${p.lines} | ${p.hand} | ${p.counted} | ${p.accuracyPct} % | ${p.matchedPct} % | ${p.missed} | ${p.extra} |`);
  }
  console.log('\n| clip | frames | video s | wall s | detector runs / frame | 320-px units / frame | detector ms / frame |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of runs) console.log(`| ${r.clip} | ${r.frames} | ${r.seconds} | ${r.elapsed} | ${r.cost?.inferencesPerFrame ?? '–'} | ${r.cost?.units320PerFrame ?? '–'} | ${r.cost?.detectorWallMsPerFrame ?? '–'} |`);
  console.log(`\ncrossings (s; negative direction written −t; a count matches a hand-listed one within ${MATCH_S} s):`);
  for (const r of rows) console.log(`  ${r.line}: missed [${r.missed.join(', ')}] extra [${r.extra.join(', ')}]`);
  console.log(`\nannotated frames: ${out}`);
  console.log(`RESULT ${JSON.stringify({ options: { fps: values.fps ?? '5', input: values.input ?? 'default', tiles: values.tiles ?? 'default' }, models: [...new Set(runs.map((r) => r.model))], lines: rows, tuning: parts.tuning, heldAside: parts.heldAside, runs })}`);
  return 0;
}

/** Makes a derived view of a shared clip (same frames and times, another picture). */
export function derived(d: { from: string; vf: string }, file: string): string {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', join(SHARED_VIDEO_DIR, d.from), '-vf', d.vf, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', file]);
  return file;
}

function lineName(c: TruthLine): string {
  return c.line.split(':')[0];
}

function compare(l: TruthLine, doc: AnalyzeDoc): LineRow {
  const name = lineName(l);
  const counts = doc.lines[name];
  const hand = { positive: 0, negative: 0, byGroup: {} as Record<string, number> };
  for (const c of l.crossings) {
    hand[c.direction]++;
    const g = GROUP[c.kind] ?? c.kind;
    hand.byGroup[g] = (hand.byGroup[g] ?? 0) + 1;
  }
  const byGroup: Record<string, number> = {};
  for (const dir of ['positive', 'negative'] as const) {
    for (const [cls, n] of Object.entries(counts[dir])) byGroup[CLASS_GROUP[cls] ?? cls] = (byGroup[CLASS_GROUP[cls] ?? cls] ?? 0) + n;
  }
  const vigil = { positive: sum(counts.positive), negative: sum(counts.negative), byGroup };
  const at = (dir: Direction) => doc.events.filter((e) => e.kind === 'line_crossing' && e.rule === name && e.direction === dir).map((e) => e.t);
  const handAt = (dir: Direction) => l.crossings.filter((c) => c.direction === dir).map((c) => c.t);
  const pm = matchTimes(handAt('positive'), at('positive'));
  const nm = matchTimes(handAt('negative'), at('negative'));
  const n = hand.positive + hand.negative;
  const err = Math.abs(vigil.positive - hand.positive) + Math.abs(vigil.negative - hand.negative);
  return {
    line: name, clip: l.file, part: l.part, hand, vigil, errorPct: pct(err, n), matched: pm.matched + nm.matched,
    missed: [...pm.missed, ...nm.missed.map((t) => -t)], extra: [...pm.extra, ...nm.extra.map((t) => -t)],
  };
}

/**
 * Over a set of lines: count accuracy = 1 − Σ|counted − hand| / Σ hand (per line and direction, so
 * an over-count on one line does not make up for a miss on another), and the share of hand-listed
 * crossings matched one for one (a stricter figure: a miss and an extra count in the same line
 * cancel in the count but not here).
 */
function summarise(rows: LineRow[]) {
  if (rows.length === 0) return null;
  let hand = 0, counted = 0, err = 0, matched = 0, missed = 0, extra = 0;
  for (const r of rows) {
    hand += r.hand.positive + r.hand.negative;
    counted += r.vigil.positive + r.vigil.negative;
    err += Math.abs(r.vigil.positive - r.hand.positive) + Math.abs(r.vigil.negative - r.hand.negative);
    matched += r.matched;
    missed += r.missed.length;
    extra += r.extra.length;
  }
  return { lines: rows.length, hand, counted, accuracyPct: Math.round(1000 - pct(err, hand) * 10) / 10, matchedPct: pct(matched, hand), missed, extra };
}

function pct(a: number, b: number): number {
  return Math.round((1000 * a) / Math.max(1, b)) / 10;
}

function fmt(g: Record<string, number>): string {
  return Object.entries(g).map(([k, v]) => `${k} ${v}`).join(', ') || '–';
}

process.exitCode = main();
