// kill -9 the recorder at random moments, then check what is on disk and in the index.
//
//   node bench/record-kill.ts --rounds 100 [--min-ms 0 --max-ms 3000 --cache-dir DIR]
//   (test/recorder/kill.test.ts runs 20)
//
// Each round starts a whole Vigil (embedded store, one simulated camera, 2 s segments) in a child
// process on the same data directory and SIGKILLs it at a random moment: three rounds in four
// while recording (0-3 s after the first segment opened), one in four during start-up or recovery. Afterwards the same startup recovery the server runs is applied once
// more and every round is judged: every segment file decodes cleanly in ffmpeg; a round that
// recorded lost at most 2 s before its kill; recording started within 3 s of the process
// starting; every outage between two recording rounds is a gap in the index to within 1 s.
// SIGKILL is process death, not power loss: the OS page cache survives it.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const execFileP = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const CAMERA = 'cam';

export interface RecordKillOptions {
  rounds: number;
  /** Kill between minMs and maxMs after the child started recording (every 4th round: after spawn, in start-up or recovery). */
  minMs: number;
  maxMs: number;
  /** A child that has not started recording by then is killed anyway (and counts as not resuming). Default 8000. */
  deadlineMs?: number;
  segmentSeconds?: number;
  /** Simulator clip cache directory. */
  cacheDir: string;
  onRound?: (i: number, r: RoundResult) => void;
}

export interface RoundResult {
  spawnedAt: number;
  killedAt: number;
  /** First segment start of this round minus spawn time; null when it recorded nothing. */
  resumeMs: number | null;
  /** Kill time minus the end of the last recorded video; null when it recorded nothing. */
  lostMs: number | null;
}

export interface RecordKillResult {
  rounds: RoundResult[];
  segments: number;
  unplayable: string[];
  recordedRounds: number;
  maxLostMs: number;
  maxResumeMs: number;
  /** Rounds that lived past 3 s without recording anything. */
  noResume: number;
  /** Outages between recording rounds without a matching gap (±1 s). */
  gapMisses: string[];
  gaps: number;
  failures: string[];
}

async function child(dataDir: string, url: string, segmentSeconds: number): Promise<void> {
  const { pino } = await import('pino');
  const { validateConfig } = await import('../src/core/index.ts');
  const { startVigil } = await import('../src/app/vigil.ts');
  const cfg = validateConfig({ dataDir, server: { port: 0 }, recording: { segmentSeconds }, cameras: [{ id: CAMERA, name: 'Kill test', url }] });
  const v = await startVigil(cfg, pino({ level: 'warn' }, pino.destination(2)), { adminPassword: 'kill-test-password' });
  process.stdout.write('ready\n');
  const poll = setInterval(() => {
    if (v.fleet.openSegments().length > 0) {
      clearInterval(poll);
      process.stdout.write('recording\n');
    }
  }, 20);
}

/**
 * A start-up kill dies killAfterMs after spawn, whatever it is doing. Otherwise the child dies
 * killAfterMs after it started writing a segment (or at the deadline if it never does), so every
 * such round tests a kill in the middle of recording however slow the machine is.
 */
function runUntilKilled(dataDir: string, url: string, segmentSeconds: number, killAfterMs: number, duringStartup: boolean, deadlineMs: number): Promise<{ spawnedAt: number; killedAt: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const proc = spawn(process.execPath, [SELF, '--child', dataDir, url, String(segmentSeconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killedAt = 0;
    const kill = () => {
      if (killedAt) return;
      killedAt = Date.now();
      proc.kill('SIGKILL');
    };
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let killTimer: NodeJS.Timeout | undefined;
    proc.stdout.on('data', (d: Buffer) => {
      if (!duringStartup && !killTimer && d.toString().includes('recording')) killTimer = setTimeout(kill, killAfterMs);
    });
    const timer = setTimeout(kill, duringStartup ? killAfterMs : deadlineMs);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (signal !== 'SIGKILL') reject(new Error(`recorder child ended by itself (code ${code}):\n${stderr}`));
      else resolve({ spawnedAt, killedAt, stderr });
    });
  });
}

async function decodesCleanly(file: string): Promise<string> {
  try {
    const { stderr } = await execFileP('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
    return stderr.trim();
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e).trim() || 'ffmpeg failed';
  }
}

export async function recordKillRounds(opts: RecordKillOptions): Promise<RecordKillResult> {
  const { startSimulator } = await import('../src/simulator/index.ts');
  const { openStore } = await import('../src/store/index.ts');
  const { recoverSegments } = await import('../src/recorder/index.ts');
  const segmentSeconds = opts.segmentSeconds ?? 2;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-record-kill-'));
  const sim = await startSimulator({ cameras: 1, port: 0, cacheDir: opts.cacheDir, clips: ['testsrc2'] });
  const rounds: RoundResult[] = [];
  try {
    for (let i = 0; i < opts.rounds; i++) {
      const duringStartup = i % 4 === 3;
      const killAfter = duringStartup ? 300 + Math.random() * 2000 : opts.minMs + Math.random() * (opts.maxMs - opts.minMs);
      const r = await runUntilKilled(dataDir, sim.urls[0], segmentSeconds, killAfter, duringStartup, opts.deadlineMs ?? 8000);
      rounds.push({ spawnedAt: r.spawnedAt, killedAt: r.killedAt, resumeMs: null, lostMs: null });
    }
    // The last kill is repaired by the same recovery a restart would run.
    const store = await openStore({ kind: 'sqlite', path: path.join(dataDir, 'vigil.db') });
    const recordingsDir = path.join(dataDir, 'recordings');
    let segs, gaps;
    try {
      await recoverSegments(store, recordingsDir, [CAMERA]);
      segs = await store.listSegments(CAMERA, 0, Date.now() + 1000, 1_000_000);
      gaps = await store.listGaps(CAMERA, 0, Date.now() + 1000, 1_000_000);
    } finally {
      await store.close();
    }

    const unplayable: string[] = [];
    for (const s of segs) {
      const err = await decodesCleanly(path.join(recordingsDir, s.path));
      if (err) unplayable.push(`${s.path}: ${err.split('\n')[0]}`);
    }

    let noResume = 0;
    const recorded: { i: number; firstStart: number; lastEnd: number }[] = [];
    rounds.forEach((r, i) => {
      const mine = segs.filter((s) => s.startMs >= r.spawnedAt && s.startMs <= r.killedAt);
      if (mine.length === 0) {
        if (r.killedAt - r.spawnedAt > 3000) noResume++;
      } else {
        const firstStart = Math.min(...mine.map((s) => s.startMs));
        const lastEnd = Math.max(...mine.map((s) => s.endMs));
        r.resumeMs = firstStart - r.spawnedAt;
        r.lostMs = r.killedAt - lastEnd;
        recorded.push({ i, firstStart, lastEnd });
      }
      opts.onRound?.(i, r);
    });
    const gapMisses: string[] = [];
    for (let k = 0; k + 1 < recorded.length; k++) {
      const a = recorded[k];
      const b = recorded[k + 1];
      const ok = gaps.some((g) => Math.abs(g.startMs - a.lastEnd) <= 1000 && Math.abs(g.endMs - b.firstStart) <= 1000);
      if (!ok) gapMisses.push(`rounds ${a.i}->${b.i}: no gap from ${a.lastEnd} to ${b.firstStart}`);
    }
    const lost = rounds.map((r) => r.lostMs).filter((x): x is number => x !== null);
    const resume = rounds.map((r) => r.resumeMs).filter((x): x is number => x !== null);
    const result: RecordKillResult = {
      rounds,
      segments: segs.length,
      unplayable,
      recordedRounds: recorded.length,
      maxLostMs: lost.length ? Math.max(...lost) : 0,
      maxResumeMs: resume.length ? Math.max(...resume) : 0,
      noResume,
      gapMisses,
      gaps: gaps.length,
      failures: [],
    };
    if (unplayable.length) result.failures.push(`${unplayable.length} segments do not decode cleanly`);
    if (result.maxLostMs > 2000) result.failures.push(`a kill lost ${result.maxLostMs} ms (> 2000)`);
    if (result.maxResumeMs > 3000) result.failures.push(`recording resumed after ${result.maxResumeMs} ms (> 3000)`);
    if (noResume) result.failures.push(`${noResume} rounds lived past 3 s without recording`);
    if (gapMisses.length) result.failures.push(...gapMisses);
    return result;
  } finally {
    await sim.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '100' },
      'min-ms': { type: 'string', default: '0' },
      'max-ms': { type: 'string', default: '3000' },
      'cache-dir': { type: 'string' },
    },
    strict: true,
  });
  const { defaultCacheDir } = await import('../src/simulator/index.ts');
  const rounds = Number(values.rounds);
  const started = Date.now();
  const res = await recordKillRounds({
    rounds,
    minMs: Number(values['min-ms']),
    maxMs: Number(values['max-ms']),
    cacheDir: values['cache-dir'] ?? defaultCacheDir(),
    onRound: (i, r) => {
      if (i < 10 || i % 10 === 0) console.log(`round ${String(i + 1).padStart(3)}  alive ${String(r.killedAt - r.spawnedAt).padStart(5)} ms  resume ${String(r.resumeMs ?? '-').padStart(5)} ms  lost ${String(r.lostMs ?? '-').padStart(5)} ms`);
    },
  });
  console.log('');
  console.log(`rounds              ${rounds}`);
  console.log(`rounds that recorded ${res.recordedRounds}`);
  console.log(`segments            ${res.segments} (${res.unplayable.length} do not decode cleanly)`);
  console.log(`max lost per kill   ${res.maxLostMs} ms (limit 2000)`);
  const resumes = res.rounds.map((r) => r.resumeMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const pct = (q: number) => (resumes.length ? resumes[Math.min(resumes.length - 1, Math.floor(resumes.length * q))] : 0);
  console.log(`resume p50/p90/max  ${pct(0.5)} / ${pct(0.9)} / ${res.maxResumeMs} ms (limit 3000)`);
  console.log(`gaps indexed        ${res.gaps}, missing ${res.gapMisses.length}`);
  console.log(`duration            ${Math.round((Date.now() - started) / 1000)} s`);
  for (const f of res.failures) console.log(`FAIL ${f}`);
  const lost = res.rounds.map((r) => r.lostMs).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const p50 = lost.length ? lost[Math.floor(lost.length / 2)] : 0;
  console.log(`RESULT ${JSON.stringify({ rounds, recorded_rounds: res.recordedRounds, segments: res.segments, unplayable: res.unplayable.length, lost_ms_p50: p50, lost_ms_max: res.maxLostMs, resume_ms_p50: pct(0.5), resume_ms_p90: pct(0.9), resume_ms_max: res.maxResumeMs, no_resume: res.noResume, gaps: res.gaps, gap_misses: res.gapMisses.length, ok: res.failures.length === 0 })}`);
  if (res.failures.length) process.exitCode = 1;
}

if (process.argv[1] === SELF) {
  if (process.argv[2] === '--child') {
    child(process.argv[3], process.argv[4], Number(process.argv[5])).catch((err) => {
      console.error(err);
      process.exit(2);
    });
  } else {
    main().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  }
}
