// Density benchmark for live analytics: N simulated cameras (a separate simulator process replaying
// real footage: by default vtest's pedestrians and the shared road and street clips in turn, each
// camera at another offset) recorded and analysed by one Vigil node at 5 fps through the whole
// path: RTSP → recorder → live fan-out → ffmpeg decode → motion → detector (crops of all cameras
// batched) → tracker → rules → event store + snapshot → bus → WebSocket. Measures the node's CPU
// (its own threads plus its ffmpeg decoders, from /proc), memory, model runs per second, analysed
// frames per camera per second, and alert latency from the simulator's send time of the analysed
// picture (stamped in an SEI message) to the alarm message on the WebSocket, split into stages.
//   node bench/analytics.ts --cameras N [--seconds S] [--warmup S] [--detector auto|neural|motion]
//                           [--clips real|vtest|name,name] [--sub-fps F] [--profile] [--heap-profile]
// --sub-fps F (default 5): each simulated camera also serves a sub-stream at F fps, as IP cameras
// do, and the node analyses that; 0: no sub-stream, the node decodes the 25 fps main stream.
// --traffic-1080p (issue 14): one more camera, a 1080p motorway (highway_nl scaled to 1920x1080,
// 25 fps, 4 Mbit/s, from a second simulator), whose 1080p main stream is analysed at 10 fps with
// traffic rules (calibrated from the lane dashes: lanes, a speed limit, wrong way, stopped
// vehicles, congestion, counts) next to the N others; its analysed rate is reported apart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { validateConfig } from '../src/core/index.ts';
import { startVigil } from '../src/app/vigil.ts';
import { realClipNames } from '../src/simulator/index.ts';

const clipNames = (spec: string): string[] => spec.split(',').flatMap((n) => (n === 'real' ? realClipNames() : [n]));

const repo = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '20' },
    detector: { type: 'string', default: 'auto' },
    // real: vtest plus the shared real clips (../shared/data/video) that are present
    clips: { type: 'string', default: 'real' },
    'sub-fps': { type: 'string', default: '5' },
    'traffic-1080p': { type: 'boolean', default: false },
    // CPU profile of the node's main thread during the measured window: top self-time functions
    profile: { type: 'boolean', default: false },
    // allocation sampling of the main thread during the measured window (objects since collected
    // included): bytes allocated per function, where the garbage collector's work comes from
    'heap-profile': { type: 'boolean', default: false },
  },
});
const N = Number(values.cameras);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const DETECTOR = values.detector as 'auto' | 'neural' | 'motion';
const FPS = 5;
if (!Number.isInteger(N) || N < 1) throw new Error('--cameras: a positive integer');
const SUB_FPS = Number(values['sub-fps']);
if (!Number.isInteger(SUB_FPS) || SUB_FPS < 0 || SUB_FPS > 25) throw new Error('--sub-fps: an integer in 0..25');

const CLK = 100; // USER_HZ
function procCpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK;
  } catch {
    return 0;
  }
}
function procRssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const c = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
  } catch { /* gone */ }
  return out;
}

/** CPU seconds per thread name of this process (main thread, detector workers, libuv pool, ...). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const f = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      const name = f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'));
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(rest[11]) + Number(rest[12])) / CLK);
    } catch { /* thread gone */ }
  }
  return out;
}

/** Busy CPU seconds of the whole machine (every process), from /proc/stat. */
function machineBusy(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / CLK;
}

function waitPort(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', () => {
        s.destroy();
        if (Date.now() > end) reject(new Error(`simulator not listening on ${port}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

function pct(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface HeapNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: HeapNode[] }
interface HeapNodeRoot { head: HeapNode }

/** Bytes allocated per function (self) in a sampling heap profile, per second of the window. */
function formatAllocations(p: HeapNodeRoot, seconds: number, top: number): string {
  const by = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode) => {
    if (n.selfSize) {
      const cf = n.callFrame;
      const where = cf.url ? `${path.relative(repo, cf.url.replace(/^file:\/\//, ''))}:${cf.lineNumber + 1}` : '';
      const k = `${cf.functionName || '(anonymous)'} ${where}`;
      by.set(k, (by.get(k) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c);
  };
  walk(p.head);
  const rows = [...by].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`allocations sampled on the main thread: ${(total / seconds / 2 ** 20).toFixed(1)} MB/s; top functions (MB/s, share):`,
    ...rows.map(([k, v]) => `  ${(v / seconds / 2 ** 20).toFixed(2).padStart(7)}  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)].join('\n');
}

// The 1080p traffic camera: highway_nl's lane dashes (docs/traffic.md, "From road markings"), the
// near carriageway as a lane whose traffic comes towards the camera, 100 km/h with 5 km/h tolerance.
const HIGHWAY_NL_CALIBRATION = '0.3672,0.5796=0,0;0.3870,0.5019=0,3;0.4260,0.3537=0,12;0.4344,0.3204=0,15;0.4531,0.2444=0,24;0.4568,0.2259=0,27;0.6677,0.5593=7,0;0.6536,0.4833=7,3;0.6193,0.3407=7,12;0.6120,0.3074=7,15;0.5943,0.2389=7,24;0.5901,0.2204=7,27'
  .split(';').map((p) => { const [u, v, x, y] = p.split(/[,=]/).map(Number); return { image: [u, v], ground: [x, y] }; });
const TRAFFIC_ANALYTICS = {
  enabled: true, detector: DETECTOR, fps: 10, width: 640,
  traffic: {
    lanes: [{ name: 'near', polygon: [[0.22, 0.75], [0.42, 0.2], [0.64, 0.2], [0.85, 0.75]], direction: [[0.52, 0.3], [0.55, 0.6]] }],
    speed: [{ lane: 'near', limitKmh: 100, toleranceKmh: 5 }],
  },
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-analytics-'));
  const simPort = 20000 + Math.floor(Math.random() * 20000);
  const sim: ChildProcess = spawn(process.execPath, ['src/cli/main.ts', 'simulate', '--cameras', String(N), '--port', String(simPort), '--clips', values.clips!, '--cache-dir', path.join(repo, 'data', 'sim-cache'), '--no-udp', '--stamp-time', ...(SUB_FPS > 0 ? ['--sub-fps', String(SUB_FPS)] : [])], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  const TRAFFIC = values['traffic-1080p'];
  const trafficPort = simPort + 1;
  const trafficSim: ChildProcess | null = TRAFFIC
    ? spawn(process.execPath, ['src/cli/main.ts', 'simulate', '--cameras', '1', '--port', String(trafficPort), '--clips', 'highway_nl_1080p', '--cache-dir', path.join(repo, 'data', 'sim-cache'), '--no-udp', '--stamp-time'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] })
    : null;
  let vigil: Awaited<ReturnType<typeof startVigil>> | null = null;
  try {
    await waitPort(simPort, 120_000);
    if (TRAFFIC) await waitPort(trafficPort, 300_000);
    const analytics = {
      enabled: true,
      detector: DETECTOR,
      fps: FPS,
      lines: [{ name: 'Crossing', p1: [0.05, 0.6], p2: [0.95, 0.6] }],
      zones: [{ name: 'Plaza front', polygon: [[0.05, 0.7], [0.95, 0.7], [0.95, 0.98], [0.05, 0.98]], classes: ['person'] }],
      // Every hit raises its own alarm here (no folding, line crossings too): the benchmark times each
      // hit from the camera to the operator's screen, through the alarm queue.
      alarms: [{ raise: true, foldSeconds: 0 }],
    };
    const cfg = validateConfig({
      dataDir,
      server: { port: 0 },
      recording: { segmentSeconds: 10 },
      cameras: [
        ...Array.from({ length: N }, (_, i) => ({ id: `cam${i + 1}`, name: `Bench ${i + 1}`, url: `rtsp://127.0.0.1:${simPort}/cam${i + 1}`, ...(SUB_FPS > 0 ? { subUrl: `rtsp://127.0.0.1:${simPort}/cam${i + 1}/sub` } : {}), analytics })),
        // counts only until it is calibrated below (a speed rule needs the calibration first)
        ...(TRAFFIC ? [{ id: 'traffic', name: 'Motorway 1080p', url: `rtsp://127.0.0.1:${trafficPort}/cam1`, analytics: { ...TRAFFIC_ANALYTICS, traffic: { lanes: TRAFFIC_ANALYTICS.traffic.lanes.map(({ name, polygon }) => ({ name, polygon })), speed: [] } } }] : []),
      ],
    });
    const logger = pino({ level: 'warn' }, pino.destination(2));
    vigil = await startVigil(cfg, logger, { adminPassword: 'bench-password-1' });
    const login = await fetch(vigil.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password-1' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const ws = new WebSocket(vigil.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie } });
    let measuring = false;
    // Alert latency runs from the simulator's send time of the analysed picture (stamped in an SEI
    // message, read back by the node) to the alarm message reaching this WebSocket client. The
    // event rows on the node's bus carry the stages in between.
    const latencies: number[] = [];
    const stages = { network: [] as number[], analysis: [] as number[], recording: [] as number[], push: [] as number[] };
    const eventRows = new Map<string, { cameraTime: number | null; frameAt: number; analysedAt: number; publishedAt: number }>();
    let alarmsTotal = 0;
    let unstamped = 0;
    vigil.analytics.bus.subscribe('event', (e) => {
      const d = e.details as { cameraTime?: number; frameAt: number; analysedAt: number };
      eventRows.set(e.id, { cameraTime: d.cameraTime ?? null, frameAt: d.frameAt, analysedAt: d.analysedAt, publishedAt: Date.now() });
    });
    ws.on('message', (d) => {
      const now = Date.now();
      const m = JSON.parse(String(d)) as { type: string; change?: string; hit?: string };
      if (m.type !== 'alarm' || !m.hit) return;
      alarmsTotal++;
      const r = eventRows.get(m.hit);
      eventRows.delete(m.hit);
      if (!measuring) return;
      if (!r || r.cameraTime === null) {
        // no camera time: the frame could not be matched to the fragment it came in
        unstamped++;
        return;
      }
      latencies.push(now - r.cameraTime);
      stages.network.push(r.frameAt - r.cameraTime);
      stages.analysis.push(r.analysedAt - r.frameAt);
      stages.recording.push(r.publishedAt - r.analysedAt);
      stages.push.push(now - r.publishedAt);
    });
    await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
    if (TRAFFIC) {
      const put = async (url: string, body: unknown) => {
        const r = await fetch(vigil!.url + url, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (r.status !== 200) throw new Error(`PUT ${url}: ${r.status} ${await r.text()}`);
      };
      await put('/api/cameras/traffic/calibration', { points: HIGHWAY_NL_CALIBRATION });
      await put('/api/cameras/traffic/analytics', TRAFFIC_ANALYTICS);
    }

    const v = vigil;
    const snap = () => {
      const st = v.analytics.status();
      const kids = childPids(process.pid);
      return {
        t: performance.now(),
        cpu: process.cpuUsage(),
        kidsCpu: kids.reduce((s, p) => s + procCpu(p), 0),
        kids,
        threads: threadCpu(),
        machine: machineBusy(),
        fragments: st.reduce((s, a) => s + a.stats.fragments, 0),
        batches: v.analytics.batchStats() ?? { batches: 0, crops: 0, requests: 0 },
        analysed: st.filter((a) => a.cameraId !== 'traffic').reduce((s, a) => s + a.stats.framesAnalysed, 0),
        decoded: st.reduce((s, a) => s + a.stats.framesDecoded, 0),
        dropped: st.reduce((s, a) => s + a.stats.framesDropped, 0),
        inferences: st.reduce((s, a) => s + a.stats.inferences, 0),
        detectorFrames: st.reduce((s, a) => s + a.stats.detectorFrames, 0),
        perCamera: st.filter((a) => a.cameraId !== 'traffic').map((a) => a.stats.framesAnalysed),
        traffic: st.find((a) => a.cameraId === 'traffic')?.stats.framesAnalysed ?? 0,
        detectors: [...new Set(st.map((a) => a.detector))],
      };
    };
    process.stderr.write(`warming up ${WARMUP}s with ${N} cameras ...\n`);
    await new Promise((r) => setTimeout(r, WARMUP * 1000));
    const a = snap();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const profiler = values.profile ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const heapProfiler = values['heap-profile'] ? new Session() : null;
    if (heapProfiler) {
      heapProfiler.connect();
      await heapProfiler.post('HeapProfiler.enable');
      await heapProfiler.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
    }
    measuring = true;
    let rssPeak = 0;
    const rssTimer = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss / 1048576 + childPids(process.pid).reduce((s, p) => s + procRssMb(p), 0));
    }, 1000);
    process.stderr.write(`measuring ${SECONDS}s ...\n`);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    measuring = false;
    clearInterval(rssTimer);
    const b = snap();
    loopDelay.disable();
    const profile = profiler ? (await profiler.post('Profiler.stop')).profile : null;
    const heapProfile = heapProfiler ? (await heapProfiler.post('HeapProfiler.stopSampling')).profile : null;
    const dt = (b.t - a.t) / 1000;
    // (an ffmpeg that exited in between takes its CPU time with it: decoders restart only on a new init)
    const ownCpu = (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1e6;
    const kidsCpu = b.kidsCpu - a.kidsCpu;
    const cpuCores = (ownCpu + kidsCpu) / dt;
    const analysedPerCam = (b.analysed - a.analysed) / N / dt;
    const perCam = b.perCamera.map((n, i) => (n - (a.perCamera[i] ?? 0)) / dt);
    const slowest = Math.min(...perCam);
    latencies.sort((x, y) => x - y);
    const p50 = pct(latencies, 50);
    const p99 = pct(latencies, 99);
    const trafficFps = (b.traffic - a.traffic) / dt;
    const trafficRealtime = trafficFps >= TRAFFIC_ANALYTICS.fps * 0.9;
    const realtime = slowest >= FPS * 0.9 && (!TRAFFIC || trafficRealtime);
    const result = {
      cameras: N,
      realtime,
      ...(TRAFFIC ? { traffic_1080p: { analysed_fps: Math.round(trafficFps * 100) / 100, target_fps: TRAFFIC_ANALYTICS.fps, realtime: trafficRealtime, others_slowest_fps: Math.round(slowest * 100) / 100 } } : {}),
      cpu_cores: Math.round(cpuCores * 100) / 100,
      rss_mb: Math.round(rssPeak),
      inferences_per_s: Math.round(((b.inferences - a.inferences) / dt) * 10) / 10,
      alert_p50_ms: p50,
      alert_p99_ms: p99,
    };
    const rows: [string, string][] = [
      ['machine', `${cpus()[0]?.model ?? '?'} · ${availableParallelism()} cores · ${Math.round(totalmem() / 2 ** 30)} GB`],
      ['detector', b.detectors.join(', ')],
      ['clips', `${values.clips}: ${clipNames(values.clips!).join(', ')}`],
      ['stream analysed', SUB_FPS > 0 ? `sub-stream, ${SUB_FPS} fps (the main stream, 25 fps, is recorded)` : 'main stream, 25 fps (no sub-stream)'],
      ['window', `${dt.toFixed(1)} s after ${WARMUP} s warm-up`],
      ['analysed fps per camera (mean / slowest)', `${analysedPerCam.toFixed(2)} / ${slowest.toFixed(2)} (target ${FPS})`],
      ...(TRAFFIC ? [['1080p traffic camera: analysed fps', `${trafficFps.toFixed(2)} (target ${TRAFFIC_ANALYTICS.fps}; main stream 1920x1080 25 fps decoded, scaled to ${TRAFFIC_ANALYTICS.width})`] as [string, string]] : []),
      ['frames decoded / skipped while the analyser was busy', `${b.decoded - a.decoded} / ${b.dropped - a.dropped}`],
      ['frames sent to the detector', `${(((b.detectorFrames - a.detectorFrames) / Math.max(1, b.analysed - a.analysed)) * 100).toFixed(0)} %`],
      ['model runs (crops) per s', String(result.inferences_per_s)],
      ['CPU cores: node threads / ffmpeg decoders', `${(ownCpu / dt).toFixed(2)} / ${(kidsCpu / dt).toFixed(2)}`],
      ['RSS peak incl. ffmpeg (MB)', String(result.rss_mb)],
      ['alarms in window', `${latencies.length} (total ${alarmsTotal}; frame not matched to its camera time, left out: ${unstamped})`],
      ['alert latency p50 / p99 / max (ms), camera send to WebSocket', `${p50} / ${p99} / ${latencies.at(-1) ?? null}`],
      ...Object.entries({
        'camera send to node (RTSP, depacketise, mux)': stages.network,
        'node arrival to analysed (decode, wait, analysis)': stages.analysis,
        'analysed to published (snapshot, event row)': stages.recording,
        'published to WebSocket client': stages.push,
      }).map(([k, xs]) => {
        xs.sort((x, y) => x - y);
        return [`  ${k} p50 / p99 (ms)`, `${pct(xs, 50)} / ${pct(xs, 99)}`] as [string, string];
      }),
    ];
    const machineCores = (b.machine - a.machine) / dt;
    rows.push(
      ['detector batches per s, mean crops / detect() calls per batch', `${((b.batches.batches - a.batches.batches) / dt).toFixed(1)}, ${((b.batches.crops - a.batches.crops) / Math.max(1, b.batches.batches - a.batches.batches)).toFixed(2)} / ${((b.batches.requests - a.batches.requests) / Math.max(1, b.batches.batches - a.batches.batches)).toFixed(2)}`],
      [`fragments in per camera per s (camera sends ${SUB_FPS || 25})`, ((b.fragments - a.fragments) / N / dt).toFixed(2)],
      ['main-thread event-loop delay p50 / p99 / max (ms)', `${(loopDelay.percentile(50) / 1e6).toFixed(1)} / ${(loopDelay.percentile(99) / 1e6).toFixed(1)} / ${(loopDelay.max / 1e6).toFixed(1)}`],
      ['machine busy cores: all / not this node (simulator, others)', `${machineCores.toFixed(2)} / ${(machineCores - cpuCores).toFixed(2)}`],
    );
    const threadRows = [...b.threads].map(([name, s]) => [name, (s - (a.threads.get(name) ?? 0)) / dt] as const).filter(([, c]) => c >= 0.005).sort((x, y) => y[1] - x[1]);
    rows.push(['node CPU by thread name (cores)', threadRows.map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')]);
    for (const [k, val] of rows) console.log(`${k.padEnd(48)} ${val}`);
    if (profile) {
      const { summariseCpuProfile, formatSummary } = await import('./lib/record-cpuprofile.ts');
      console.log(formatSummary(summariseCpuProfile(profile as never, repo), 30));
    }
    if (heapProfile) console.log(formatAllocations(heapProfile as unknown as HeapNodeRoot, dt, 25));
    ws.close();
    console.log('RESULT ' + JSON.stringify(result));
  } finally {
    await vigil?.close();
    trafficSim?.kill('SIGTERM');
    sim.kill('SIGTERM');
    await new Promise((r) => (sim.exitCode !== null ? r(null) : sim.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
