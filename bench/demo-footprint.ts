// What does Vigil itself cost per camera? Runs the camera simulator in its own process and Vigil
// (`vigil start --config`) in another, so Vigil's CPU and memory are not mixed with the simulated
// cameras'; then the all-in-one `vigil demo`; and as the floor, one `ffmpeg -c copy -f segment`
// per camera recording the same simulator streams. CPU is read from /proc over a steady window
// after warm-up (cores = CPU seconds / wall seconds); RSS is sampled once a second.
//
//   node bench/demo-footprint.ts --cameras 4 --seconds 60 [--warmup 10]

import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import {
  freePort, listCameras, machine, recordedSegments, round, signIn, startChild, stopAll, waitAllOnline, waitForHealth, type Child,
} from './lib/bench-env.ts';
import { sampleGroups, type GroupUsage } from './lib/proc-sampler.ts';

const { values } = parseArgs({
  options: { cameras: { type: 'string', default: '4' }, seconds: { type: 'string', default: '60' }, warmup: { type: 'string', default: '10' }, 'keep-data': { type: 'boolean', default: false } },
});
const N = Number(values.cameras);
const S = Number(values.seconds);
const W = Number(values.warmup);
const SEGMENT_SECONDS = 10;
const PASSWORD = `bench-${crypto.randomUUID()}`;
// Shared between runs: the simulator's clips are encoded with ffmpeg once, not in the measured run.
const SIM_CACHE = path.join(tmpdir(), 'vigil-bench-sim-cache');
mkdirSync(SIM_CACHE, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'vigil-bench-footprint-'));
const node = process.execPath;
const log = (s: string) => console.error(`[footprint] ${s}`);
let stream = '?';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function filesUnder(dir: string, re: RegExp): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && re.test(e.name)) {
        count++;
        bytes += statSync(path.join(e.parentPath, e.name)).size;
      }
    }
  } catch {
    /* no directory: nothing recorded */
  }
  return { count, bytes };
}

async function startSimulator(): Promise<{ sim: Child; urls: string[] }> {
  const port = await freePort();
  const sim = startChild('simulator', node, ['src/cli/main.ts', 'simulate', '--cameras', String(N), '--port', String(port), '--cache-dir', SIM_CACHE]);
  await sim.waitForLine(/^simulating/, 300_000);
  const urls = Array.from({ length: N }, (_, i) => `rtsp://127.0.0.1:${port}/cam${i + 1}`);
  return { sim, urls };
}

interface RecordingCheck { camerasOnline: number; camerasWithSegments: number; segments: number; segmentMB: number; filesOnDisk: number }

async function checkRecording(baseUrl: string, cookie: string, since: number, recDir: string): Promise<RecordingCheck> {
  const cams = await listCameras(baseUrl, cookie);
  let withSeg = 0;
  let segments = 0;
  let bytes = 0;
  for (const c of cams) {
    const r = await recordedSegments(baseUrl, cookie, c.id, since);
    if (r.count > 0) withSeg++;
    segments += r.count;
    bytes += r.bytes;
  }
  return {
    camerasOnline: cams.filter((c) => c.status.state === 'online').length,
    camerasWithSegments: withSeg,
    segments,
    segmentMB: bytes / 1e6,
    filesOnDisk: filesUnder(recDir, /\.(mp4|m4s)$/).count,
  };
}

async function vigilAlone(): Promise<{ vigil: GroupUsage; simulator: GroupUsage; check: RecordingCheck; onlineMs: number }> {
  const { sim, urls } = await startSimulator();
  const dataDir = path.join(work, 'vigil');
  const port = await freePort();
  const cfgFile = path.join(work, 'vigil.yaml');
  writeFileSync(cfgFile, stringify({
    dataDir,
    server: { port },
    recording: { segmentSeconds: SEGMENT_SECONDS },
    log: { level: 'warn' },
    cameras: urls.map((url, i) => ({ id: `cam${i + 1}`, name: `Camera ${i + 1}`, url })),
  }));
  const started = Date.now();
  const vigil = startChild('vigil', node, ['src/cli/main.ts', 'start', '--config', cfgFile], { env: { VIGIL_ADMIN_PASSWORD: PASSWORD } });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, 60_000, vigil);
  const cookie = await signIn(baseUrl, 'admin', PASSWORD);
  const onlineMs = await waitAllOnline(baseUrl, cookie, N, 60_000);
  const s0 = (await listCameras(baseUrl, cookie))[0].status as unknown as Record<string, unknown>;
  stream = `${s0.width}x${s0.height} ${s0.codec}, ${Math.round(Number(s0.fps))} fps, ~${Math.round(Number(s0.bitrateKbps))} kb/s per camera`;
  log(`vigil: ${N} cameras online ${onlineMs} ms after sign-in; warming up ${W} s, measuring ${S} s`);
  await sleep(W * 1000);
  const u = await sampleGroups({ vigil: [vigil.pid], simulator: [sim.pid] }, S);
  const check = await checkRecording(baseUrl, cookie, started - 60_000, path.join(dataDir, 'recordings'));
  await vigil.stop();
  await sim.stop();
  return { vigil: u.vigil, simulator: u.simulator, check, onlineMs };
}

async function ffmpegFloor(): Promise<{ ffmpeg: GroupUsage; simulator: GroupUsage; files: number; MB: number }> {
  const { sim, urls } = await startSimulator();
  const out = path.join(work, 'ffmpeg');
  const procs = urls.map((url, i) => {
    const dir = path.join(out, `cam${i + 1}`);
    mkdirSync(dir, { recursive: true });
    return startChild(`ffmpeg-cam${i + 1}`, 'ffmpeg', [
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url,
      '-c', 'copy', '-f', 'segment', '-segment_time', String(SEGMENT_SECONDS), '-segment_format', 'mp4', '-reset_timestamps', '1',
      path.join(dir, 'seg%05d.mp4'),
    ]);
  });
  log(`ffmpeg: ${N} recorders started; warming up ${W} s, measuring ${S} s`);
  await sleep(W * 1000);
  for (const p of procs) if (p.child.exitCode !== null) throw new Error(`${p.name} exited:\n${p.output()}`);
  const u = await sampleGroups({ ffmpeg: procs.map((p) => p.pid), simulator: [sim.pid] }, S);
  await Promise.all(procs.map((p) => p.stop()));
  await sim.stop();
  const f = filesUnder(out, /\.mp4$/);
  return { ffmpeg: u.ffmpeg, simulator: u.simulator, files: f.count, MB: f.bytes / 1e6 };
}

async function demoAllInOne(): Promise<{ demo: GroupUsage; check: RecordingCheck }> {
  const dataDir = path.join(work, 'demo');
  mkdirSync(dataDir, { recursive: true });
  symlinkSync(SIM_CACHE, path.join(dataDir, 'sim-cache'));
  const port = await freePort();
  const started = Date.now();
  const demo = startChild('demo', node, ['src/cli/main.ts', 'demo', '--cameras', String(N)], {
    env: { VIGIL_PORT: String(port), VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: PASSWORD },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, 300_000, demo);
  const cookie = await signIn(baseUrl, 'admin', PASSWORD);
  const onlineMs = await waitAllOnline(baseUrl, cookie, N, 60_000);
  log(`demo: ${N} cameras online ${onlineMs} ms after sign-in; warming up ${W} s, measuring ${S} s`);
  await sleep(W * 1000);
  const u = await sampleGroups({ demo: [demo.pid] }, S);
  const check = await checkRecording(baseUrl, cookie, started - 60_000, path.join(dataDir, 'recordings'));
  await demo.stop();
  return { demo: u.demo, check };
}

try {
  const m = machine();
  log(`${N} cameras, ${S} s window after ${W} s warm-up; machine: ${m.nproc} cores ${m.cpu}, load ${m.loadavg}`);
  const a = await vigilAlone();
  const b = await ffmpegFloor();
  const c = await demoAllInOne();
  const fmt = (x: number, d = 2) => x.toFixed(d).padStart(12);
  const row = (name: string, u: GroupUsage, note: string) =>
    console.log(`${name.padEnd(28)}${fmt(u.cpuCores, 3)}${fmt((u.cpuCores / N) * 1000, 1)}${fmt(u.rssMeanMB, 0)}${fmt(u.rssPeakMB, 0)}   ${note}`);
  console.log(`\nDemo footprint, ${N} simulated cameras, ${S} s window after ${W} s warm-up (${m.nproc} cores, ${m.cpu}, load before ${m.loadavg})`);
  console.log(`stream: ${stream}`);
  console.log(`${'process'.padEnd(28)}${'cores'.padStart(12)}${'mcore/cam'.padStart(12)}${'RSS MB avg'.padStart(12)}${'RSS MB max'.padStart(12)}   notes`);
  row('vigil start (recording)', a.vigil, `${a.check.camerasOnline}/${N} online, ${a.check.camerasWithSegments}/${N} cameras with segments, ${a.check.segments} segments (${a.check.segmentMB.toFixed(1)} MB), ${a.check.filesOnDisk} files`);
  row('simulator (own process)', a.simulator, `serving Vigil`);
  row('simulator (own process)', b.simulator, `serving ffmpeg`);
  row('vigil demo (all in one)', c.demo, `${c.check.camerasOnline}/${N} online, ${c.check.camerasWithSegments}/${N} cameras with segments, ${c.check.segments} segments (${c.check.segmentMB.toFixed(1)} MB)`);
  row(`ffmpeg -c copy x${N} (sum)`, b.ffmpeg, `${b.files} segment files (${b.MB.toFixed(1)} MB)`);
  const ok = a.check.camerasOnline === N && a.check.camerasWithSegments === N && c.check.camerasOnline === N && c.check.camerasWithSegments === N;
  if (!ok) console.log('WARNING: not every camera was online and recorded; see the notes column');
  console.log(`(the simulator serving Vigil and serving ffmpeg should cost the same: the difference shows the noise on this machine)`);
  console.log('RESULT ' + JSON.stringify({
    cameras: N,
    vigil_cpu_cores: round(a.vigil.cpuCores, 3), vigil_rss_mb: round(a.vigil.rssMeanMB, 0), vigil_rss_peak_mb: round(a.vigil.rssPeakMB, 0),
    simulator_cpu_cores: round(a.simulator.cpuCores, 3), simulator_rss_mb: round(a.simulator.rssMeanMB, 0),
    demo_cpu_cores: round(c.demo.cpuCores, 3), demo_rss_mb: round(c.demo.rssMeanMB, 0), demo_rss_peak_mb: round(c.demo.rssPeakMB, 0),
    ffmpeg_cpu_cores: round(b.ffmpeg.cpuCores, 3), ffmpeg_rss_mb: round(b.ffmpeg.rssMeanMB, 0), ffmpeg_rss_peak_mb: round(b.ffmpeg.rssPeakMB, 0),
    all_online: a.check.camerasOnline === N && c.check.camerasOnline === N, all_recorded: a.check.camerasWithSegments === N && c.check.camerasWithSegments === N,
    seconds: S,
  }));
  if (!ok) process.exitCode = 1;
} finally {
  await stopAll();
  if (!values['keep-data']) rmSync(work, { recursive: true, force: true });
}
