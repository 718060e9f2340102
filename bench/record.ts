// Recording density: N simulated 2 Mb/s 720p H.264 cameras recorded by Vigil (`vigil start`, its
// own process), then the very same streams recorded by one `ffmpeg -c copy -f segment` per camera,
// the floor that Frigate/Shinobi-style recorders pay. The cameras run in a third process so their
// CPU is nobody's. CPU is read from /proc (utime+stime) over a steady window after warm-up; RSS
// (VmRSS) once a second. Frames: the camera process counts what it sent, the recorded files are
// counted box by box (trun/stsz), lost = sent - recorded after the cameras stop and the recorder
// has shut down cleanly.
//
//   node bench/record.ts --cameras N --seconds S [--warmup W] [--segment-seconds 60]
//        [--profile] [--skip-ffmpeg] [--keep-data]

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import {
  freePort, listCameras, machine, round, signIn, startChild, stopAll, waitAllOnline, waitForHealth, type Child,
} from './lib/bench-env.ts';
import { rssMB, sampleGroups, type GroupUsage } from './lib/proc-sampler.ts';
import { ensureBenchClip, type BenchClip } from './lib/record-clip.ts';
import { bytesUnder, countMp4Samples, mp4FilesByCamera } from './lib/record-mp4-frames.ts';
import { formatSummary, summariseCpuProfile, type CpuProfile } from './lib/record-cpuprofile.ts';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '20' },
    'segment-seconds': { type: 'string', default: '60' },
    profile: { type: 'boolean', default: false },
    'skip-ffmpeg': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    // Starting ffmpeg stops when the machine has less than this available, and Vigil is killed
    // under half of it (1000 cameras may not fit; other work on this machine must not be OOM-killed).
    'ffmpeg-min-available-mb': { type: 'string', default: '3000' },
  },
});
const N = Number(values.cameras);
const S = Number(values.seconds);
const W = Number(values.warmup);
const SEG = Number(values['segment-seconds']);
if (!Number.isInteger(N) || N < 1 || !(S > 0) || !(W >= 0) || !(SEG >= 2)) throw new Error('usage: --cameras N --seconds S [--warmup W] [--segment-seconds 60]');
const PASSWORD = `bench-${crypto.randomUUID()}`;
const CLIP_CACHE = path.join(tmpdir(), 'vigil-bench-record-clip');
const work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-record-'));
const node = process.execPath;
const log = (s: string) => console.error(`[record] ${new Date().toISOString().slice(11, 19)} ${s}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

interface Frames {
  sent: number;
  recorded: number;
  lost: number;
  camerasWithLoss: number;
  worstCameraLoss: number;
  /** Cameras whose files hold more frames than were sent: a counting error if ever non-zero. */
  camerasOverCount: number;
  droppedForSlowViewers: number;
  reconnects: number;
  files: number;
  tornBytes: number;
}

interface PhaseResult {
  usage: GroupUsage;
  camServer: GroupUsage;
  frames: Frames;
  writeMBps: number;
  loadBefore: string;
  note: string;
  started: number;
}

function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

function availableMB(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startCameras(clip: BenchClip): Promise<{ server: Child; urls: string[] }> {
  const server = startChild('cameras', node, ['bench/lib/record-camera-server.ts', '--cameras', String(N), '--clip', clip.h264Path, '--meta', clip.h264Path.replace(/\.h264$/, '.json')]);
  const line = await server.waitForLine(/^ready \d+/, 60_000);
  const port = Number(line.split(' ')[1]);
  return { server, urls: Array.from({ length: N }, (_, i) => `rtsp://127.0.0.1:${port}/cam${i + 1}`) };
}

/** Stops the cameras for good and returns what each one sent. */
async function stopSending(server: Child): Promise<{ perCamera: number[]; subscriptions: number[]; droppedForSlowViewers: number }> {
  const answer = server.waitForLine(/^sent /, 30_000);
  server.child.kill('SIGUSR2');
  return JSON.parse((await answer).slice(5));
}

function countFrames(dir: string, sent: { perCamera: number[]; subscriptions: number[]; droppedForSlowViewers: number }): Frames {
  const byCam = mp4FilesByCamera(dir);
  const f: Frames = { sent: 0, recorded: 0, lost: 0, camerasWithLoss: 0, worstCameraLoss: 0, camerasOverCount: 0, droppedForSlowViewers: sent.droppedForSlowViewers, reconnects: 0, files: 0, tornBytes: 0 };
  sent.perCamera.forEach((s, i) => {
    let rec = 0;
    for (const file of byCam.get(`cam${i + 1}`) ?? []) {
      const c = countMp4Samples(file);
      rec += c.samples;
      f.files++;
      f.tornBytes += c.tornBytes;
    }
    f.sent += s;
    f.recorded += rec;
    f.reconnects += Math.max(0, sent.subscriptions[i] - 1);
    if (rec > s) f.camerasOverCount++;
    const lost = Math.max(0, s - rec);
    f.lost += lost;
    if (lost > 0) f.camerasWithLoss++;
    f.worstCameraLoss = Math.max(f.worstCameraLoss, lost);
  });
  return f;
}

/** SIGTERM and wait (longer than bench-env's 10 s: a recorder closing 1000 segments needs time). */
async function stopGracefully(c: Child, timeoutMs: number): Promise<boolean> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return true;
  const exited = new Promise<boolean>((resolve) => c.child.once('exit', () => resolve(true)));
  c.child.kill('SIGTERM');
  const ok = await Promise.race([exited, sleep(timeoutMs).then(() => false)]);
  await c.stop();
  return ok;
}

function exitWithin(c: Child, ms: number): Promise<boolean> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return Promise.resolve(true);
  return Promise.race([new Promise<boolean>((resolve) => c.child.once('exit', () => resolve(true))), sleep(ms).then(() => false)]);
}

let profileText = '';
let stream = '?';

async function vigilPhase(clip: BenchClip): Promise<PhaseResult> {
  const loadBefore = load();
  const { server, urls } = await startCameras(clip);
  const dataDir = path.join(work, 'vigil');
  const recDir = path.join(dataDir, 'recordings');
  const port = await freePort();
  const cfgFile = path.join(work, 'vigil.yaml');
  writeFileSync(cfgFile, stringify({
    dataDir,
    server: { port },
    recording: { segmentSeconds: SEG },
    log: { level: 'warn' },
    cameras: urls.map((url, i) => ({ id: `cam${i + 1}`, name: `Camera ${i + 1}`, url })),
  }));
  const profDir = path.join(work, 'cpuprofile');
  const nodeFlags = values.profile ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const started = Date.now();
  const vigil = startChild('vigil', node, [...nodeFlags, 'src/cli/main.ts', 'start', '--config', cfgFile], { env: { VIGIL_ADMIN_PASSWORD: PASSWORD } });
  const baseUrl = `http://127.0.0.1:${port}`;
  // Past its capacity Vigil's memory grows without bound (17.5 GB at 1000 cameras here): stop it
  // before the machine's other work gets OOM-killed.
  const minAvail = Number(values['ffmpeg-min-available-mb']);
  const guard = setInterval(() => {
    const avail = availableMB();
    if (avail < minAvail / 2 && vigil.child.exitCode === null) {
      log(`MEMORY GUARD: only ${avail.toFixed(0)} MB available, Vigil at ${((rssMB(vigil.pid) ?? 0) / 1024).toFixed(1)} GB: killing it`);
      vigil.child.kill('SIGKILL');
    }
  }, 1000);
  guard.unref();
  // Past its capacity Vigil may not even answer HTTP, or never have every camera online: measure
  // anyway (CPU, memory and frames need no API) and say so.
  let cookie = '';
  let onlineMs = NaN;
  try {
    await waitForHealth(baseUrl, 120_000, vigil);
    cookie = await signIn(baseUrl, 'admin', PASSWORD);
    onlineMs = await waitAllOnline(baseUrl, cookie, N, 60_000 + N * 100);
  } catch (e) {
    if (vigil.child.exitCode !== null) throw e;
    log(`vigil API: ${(e as Error).message.split('\n')[0]}`);
  }
  log(`vigil: ${Number.isNaN(onlineMs) ? 'NOT all' : N} cameras online ${onlineMs} ms after sign-in (load ${load()}); warming up ${W} s, measuring ${S} s`);
  await sleep(W * 1000);
  const kids = descendants(vigil.pid);
  if (kids.length) log(`vigil has ${kids.length} child process(es); counted with it`);
  const b0 = bytesUnder(recDir);
  const windowFromMs = Date.now() - started;
  const u = await sampleGroups({ vigil: [vigil.pid, ...kids], cameras: [server.pid] }, S);
  const windowToMs = Date.now() - started;
  const writeMBps = (bytesUnder(recDir) - b0) / 1e6 / u.vigil.wallSec;
  let online = NaN;
  let fps = [NaN];
  try {
    if (!cookie) throw new Error('not signed in');
    const cams = await Promise.race([listCameras(baseUrl, cookie), sleep(30_000).then(() => Promise.reject(new Error('GET /api/cameras took > 30 s')))]);
    online = cams.filter((c) => c.status.state === 'online').length;
    fps = cams.map((c) => Number(c.status.fps ?? 0));
    const s0 = cams[0].status as unknown as Record<string, unknown>;
    stream = `${s0.width}x${s0.height} ${s0.codec ?? 'h264'}, ${Math.round(Number(s0.fps))} fps, ~${Math.round(Number(s0.bitrateKbps))} kb/s per camera (Vigil's health of cam1)`;
  } catch (e) {
    log(`vigil health unavailable: ${(e as Error).message.split('\n')[0]}`);
  }
  const sent = await stopSending(server);
  await sleep(3000); // let the recorder drain what is still in the sockets
  const clean = await stopGracefully(vigil, 60_000 + N * 100);
  clearInterval(guard);
  await server.stop();
  const frames = countFrames(recDir, sent);
  if (values.profile) {
    const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length) {
      const keep = path.join(tmpdir(), `vigil-record-${N}cams-${Date.now()}.cpuprofile`);
      copyFileSync(path.join(profDir, files[0]), keep);
      profileText = `CPU profile of the Vigil process over the measuring window, kept at ${keep}\n` +
        formatSummary(summariseCpuProfile(JSON.parse(readFileSync(keep, 'utf8')) as CpuProfile, process.cwd(), { fromMs: windowFromMs, toMs: windowToMs }));
    } else profileText = 'no .cpuprofile written (Vigil did not exit cleanly?)';
  }
  if (!values['keep-data']) rmSync(dataDir, { recursive: true, force: true });
  const minFps = Math.min(...fps);
  return {
    usage: u.vigil, camServer: u.cameras, frames, writeMBps, loadBefore, started,
    note: `${Number.isNaN(online) ? 'API did not answer' : `${online}/${N} online`}, health fps min ${minFps.toFixed(1)} mean ${(fps.reduce((a, b) => a + b, 0) / N).toFixed(1)}${clean ? '' : ', NOT stopped cleanly'}`,
  };
}

function startFfmpeg(i: number, url: string, dir: string): Child {
  return startChild(`ffmpeg-cam${i + 1}`, 'ffmpeg', [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-timeout', '10000000', '-i', url,
    '-c', 'copy', '-f', 'segment', '-segment_time', String(SEG), '-segment_format', 'mp4', '-reset_timestamps', '1',
    path.join(dir, 'out%05d.mp4'),
  ]);
}

async function ffmpegPhase(clip: BenchClip): Promise<PhaseResult & { started: number }> {
  const loadBefore = load();
  const { server, urls } = await startCameras(clip);
  const out = path.join(work, 'ffmpeg');
  const minAvail = Number(values['ffmpeg-min-available-mb']);
  const procs: Child[] = [];
  let stoppedEarly = '';
  for (let i = 0; i < N; i++) {
    if (i % 25 === 0) {
      // Gently: a burst of hundreds of ffmpeg probing at once on 2 cores makes many give up.
      await sleep(i ? 2000 : 0);
      const avail = availableMB();
      if (avail < minAvail) {
        stoppedEarly = `stopped starting ffmpeg at ${i}/${N}: only ${avail.toFixed(0)} MB available`;
        log(stoppedEarly);
        break;
      }
    }
    const dir = path.join(out, `cam${i + 1}`);
    mkdirSync(dir, { recursive: true });
    procs.push(startFfmpeg(i, urls[i], dir));
  }
  // Under load some ffmpeg give up while probing ("Invalid data found"); a real deployment's
  // supervisor restarts them, so does the bench (3 tries), before the warm-up starts.
  let restarts = 0;
  for (let round = 0; round < 3; round++) {
    await sleep(5000);
    const deadNow = procs.map((p, i) => (p.child.exitCode !== null || p.child.signalCode !== null ? i : -1)).filter((i) => i >= 0);
    if (!deadNow.length) break;
    log(`restarting ${deadNow.length} ffmpeg that exited while starting, e.g. ${procs[deadNow[0]].output().split('\n')[0]}`);
    for (const i of deadNow) {
      await procs[i].stop();
      rmSync(path.join(out, `cam${i + 1}`), { recursive: true, force: true });
      mkdirSync(path.join(out, `cam${i + 1}`), { recursive: true });
      procs[i] = startFfmpeg(i, urls[i], path.join(out, `cam${i + 1}`));
      restarts++;
    }
  }
  log(`ffmpeg: ${procs.length} recorders started (load ${load()}, ${availableMB().toFixed(0)} MB available); warming up ${W} s, measuring ${S} s`);
  await sleep(W * 1000);
  const dead = procs.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null);
  const alive = procs.filter((p) => !dead.includes(p));
  if (dead.length) log(`${dead.length} ffmpeg exited during warm-up, e.g.:\n${dead[0].output()}`);
  const b0 = bytesUnder(out);
  let u: Record<string, GroupUsage>;
  try {
    u = await sampleGroups({ ffmpeg: alive.map((p) => p.pid), cameras: [server.pid] }, S);
  } catch (e) {
    throw new Error(`ffmpeg phase: ${(e as Error).message}`);
  }
  const writeMBps = (bytesUnder(out) - b0) / 1e6 / u.ffmpeg.wallSec;
  const sent = await stopSending(server);
  // ffmpeg blocked on a silent RTSP socket ignores SIGTERM; its -timeout makes it end by itself
  // (EOF: the last segment gets its moov). SIGTERM only for stragglers.
  const exits = await Promise.all(procs.map(async (p) => (await exitWithin(p, 40_000)) || stopGracefully(p, 10_000)));
  await server.stop();
  // Cameras without an ffmpeg (memory guard) are not part of the floor's frame count.
  const frames = countFrames(out, { ...sent, perCamera: sent.perCamera.slice(0, procs.length), subscriptions: sent.subscriptions.slice(0, procs.length) });
  if (!values['keep-data']) rmSync(out, { recursive: true, force: true });
  return {
    usage: u.ffmpeg, camServer: u.cameras, frames, writeMBps, loadBefore, started: alive.length,
    note: [`${alive.length}/${N} ffmpeg running in the window (${restarts} restarts while starting)`, stoppedEarly, exits.every(Boolean) ? '' : 'some did not stop cleanly'].filter(Boolean).join(', '),
  };
}

try {
  const m = machine();
  const clip = ensureBenchClip(CLIP_CACHE);
  log(`${N} cameras, ${S} s window after ${W} s warm-up, ${SEG} s segments; ${m.nproc} cores ${m.cpu}, load ${m.loadavg}; clip ${clip.meta.width}x${clip.meta.height} ${(clip.bitsPerSec / 1e6).toFixed(2)} Mb/s`);
  const v = await vigilPhase(clip);
  const f = values['skip-ffmpeg'] ? undefined : await ffmpegPhase(clip);
  const expectedMBps = (clip.bitsPerSec / 8 / 1e6) * N;
  const fmt = (x: number, d = 2, w = 11) => (Number.isFinite(x) ? x.toFixed(d) : '-').padStart(w);
  const head = `${'recorder'.padEnd(26)}${'cores'.padStart(11)}${'mcore/cam'.padStart(11)}${'RSS MB avg'.padStart(11)}${'RSS MB max'.padStart(11)}${'MB/cam'.padStart(11)}${'write MB/s'.padStart(11)}${'sent'.padStart(11)}${'recorded'.padStart(11)}${'lost'.padStart(11)}   notes`;
  const row = (name: string, n: number, r: PhaseResult) =>
    console.log(`${name.padEnd(26)}${fmt(r.usage.cpuCores, 3)}${fmt((r.usage.cpuCores / n) * 1000, 2)}${fmt(r.usage.rssMeanMB, 0)}${fmt(r.usage.rssPeakMB, 0)}${fmt(r.usage.rssMeanMB / n, 2)}${fmt(r.writeMBps, 1)}${fmt(r.frames.sent, 0)}${fmt(r.frames.recorded, 0)}${fmt(r.frames.lost, 0)}   ${r.note}; load before ${r.loadBefore}`);
  console.log(`\nRecording density, ${N} simulated cameras, ${S} s window after ${W} s warm-up, ${SEG} s segments (${m.nproc} cores, ${m.cpu}, load at start ${m.loadavg})`);
  console.log(`stream: ${stream}; clip ${(clip.bitsPerSec / 1e6).toFixed(2)} Mb/s -> expected write ${expectedMBps.toFixed(1)} MB/s`);
  console.log(head);
  row('vigil start (recorder)', N, v);
  if (f) row(`ffmpeg -c copy x${f.started}`, f.started, f);
  console.log(`${'camera process'.padEnd(26)}${fmt(v.camServer.cpuCores, 3)}${''.padStart(11)}${fmt(v.camServer.rssMeanMB, 0)}   (serving Vigil)${f ? `; ${f.camServer.cpuCores.toFixed(3)} cores serving ffmpeg` : ''}`);
  const lossLine = (name: string, fr: Frames) =>
    `${name}: ${fr.lost} frames lost (${((fr.lost / Math.max(1, fr.sent)) * 100).toFixed(3)} %), ${fr.camerasWithLoss} cameras with loss, worst ${fr.worstCameraLoss}; ${fr.files} files, ${fr.tornBytes} torn bytes; ${fr.droppedForSlowViewers} units dropped by the server for slow viewers; ${fr.reconnects} reconnects; ${fr.camerasOverCount} cameras over-counted`;
  console.log(lossLine('vigil', v.frames));
  if (f) console.log(lossLine('ffmpeg', f.frames));
  const vPer = v.usage.cpuCores / N;
  const fPer = f ? f.usage.cpuCores / f.started : NaN;
  if (f) console.log(`per-camera CPU: Vigil ${(vPer * 1000).toFixed(2)} mcore, ffmpeg ${(fPer * 1000).toFixed(2)} mcore: Vigil costs ${((vPer / fPer) * 100).toFixed(0)} % of ffmpeg (goal <= 33 %)`);
  if (N === 500) console.log(`goal at 500 cameras: <= 1 core (${v.usage.cpuCores.toFixed(3)}) and <= 2048 MB (peak ${v.usage.rssPeakMB.toFixed(0)})`);
  if (profileText) console.log(`\n${profileText}\n`);
  console.log('RESULT ' + JSON.stringify({
    cameras: N,
    vigil_cpu_cores: round(v.usage.cpuCores, 3), vigil_rss_mb: round(v.usage.rssMeanMB, 0),
    ffmpeg_cpu_cores: f ? round(f.usage.cpuCores, 3) : null, ffmpeg_rss_mb: f ? round(f.usage.rssMeanMB, 0) : null,
    lost_frames: v.frames.lost,
    vigil_rss_peak_mb: round(v.usage.rssPeakMB, 0), vigil_sent_frames: v.frames.sent, vigil_write_mbps: round(v.writeMBps, 1),
    ffmpeg_processes: f ? f.started : 0, ffmpeg_rss_peak_mb: f ? round(f.usage.rssPeakMB, 0) : null, ffmpeg_lost_frames: f ? f.frames.lost : null,
    ffmpeg_write_mbps: f ? round(f.writeMBps, 1) : null, expected_write_mbps: round(expectedMBps, 1),
    cameras_cpu_cores: round(v.camServer.cpuCores, 3), vigil_vs_ffmpeg_per_camera: f ? round(vPer / fPer, 3) : null,
    seconds: S, warmup: W,
  }));
} finally {
  await stopAll();
  if (!values['keep-data']) rmSync(work, { recursive: true, force: true });
}
