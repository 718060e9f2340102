// CPU and memory of Vigil recording N simulated cameras, against the floor (one `ffmpeg -c copy`
// per camera recording the same streams), in one run.
//   node bench/demo-footprint.ts --cameras 4 --seconds 45
// Rows: Vigil alone (`vigil start`, simulator in its own process), the simulator, the all-in-one
// `vigil demo`, and ffmpeg × N. Last line: RESULT {json}.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { sampleGroup, round, type Usage } from './lib/proc-sampler.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('cameras', 4);
const SECONDS = arg('seconds', 45);
const WARMUP = arg('warmup', 10);
const MAIN = path.resolve(import.meta.dirname, '../src/cli/main.ts');
const CACHE = path.join(tmpdir(), 'vigil-bench-sim-cache');
const PASSWORD = 'bench-password-1';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const children: ChildProcess[] = [];
function start(cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  c.stdout!.resume();
  c.stderr!.resume();
  children.push(c);
  return c;
}
async function stopAll() {
  for (const c of children.splice(0)) {
    if (c.exitCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => (c.kill('SIGKILL'), r(null)), 5000);
        c.once('exit', () => (clearTimeout(t), r(null)));
      });
    }
  }
}
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

async function waitHttp(url: string, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function apiCheck(base: string): Promise<{ online: number; segments: number }> {
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const { cameras } = (await (await fetch(`${base}/api/cameras`, { headers: { cookie } })).json()) as { cameras: { id: string; status: { state: string } }[] };
  let segments = 0;
  for (const c of cameras) {
    const r = (await (await fetch(`${base}/api/cameras/${c.id}/recordings?from=0&to=${Date.now()}`, { headers: { cookie } })).json()) as { segments: unknown[] };
    segments += r.segments.length;
  }
  return { online: cameras.filter((c) => c.status.state === 'online').length, segments };
}

async function waitSimulator(sim: ChildProcess): Promise<void> {
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('simulator did not start')), 180_000);
    sim.stdout!.on('data', (d) => {
      out += d;
      if (out.includes(`/cam${N}`)) (clearTimeout(t), resolve());
    });
    sim.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
}

async function main() {
  const rows: Record<string, Usage & { note: string }> = {};
  // 1. simulator alone + Vigil alone
  const simPort = await freePort();
  const sim = start(process.execPath, ['--no-warnings', MAIN, 'simulate', '--cameras', String(N), '--port', String(simPort), '--cache-dir', CACHE]);
  await waitSimulator(sim);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-fp-'));
  const httpPort = await freePort();
  const cfg = path.join(dir, 'vigil.yaml');
  const cams = Array.from({ length: N }, (_, i) => `  - id: cam${i + 1}\n    name: Camera ${i + 1}\n    url: rtsp://127.0.0.1:${simPort}/cam${i + 1}\n`).join('');
  writeFileSync(cfg, `dataDir: ${dir}/data\nserver:\n  port: ${httpPort}\nrecording:\n  segmentSeconds: 10\nlog:\n  level: warn\ncameras:\n${cams}`);
  const vigil = start(process.execPath, ['--no-warnings', MAIN, 'start', '--config', cfg], { VIGIL_ADMIN_PASSWORD: PASSWORD });
  await waitHttp(`http://127.0.0.1:${httpPort}/api/health`);
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  const [v, s] = await Promise.all([sampleGroup([vigil.pid!], SECONDS), sampleGroup([sim.pid!], SECONDS)]);
  const check = await apiCheck(`http://127.0.0.1:${httpPort}`);
  rows['vigil (recording, API)'] = { ...v, note: `${check.online}/${N} online, ${check.segments} segments indexed` };
  rows['simulator'] = { ...s, note: `${N} RTSP cameras, 1 viewer each` };
  await new Promise<void>((r) => {
    vigil.once('exit', () => r());
    vigil.kill('SIGTERM');
  });

  // 2. the floor: ffmpeg -c copy per camera, same simulator
  const ffDir = path.join(dir, 'ffmpeg');
  const ffs: ChildProcess[] = [];
  for (let i = 1; i <= N; i++) {
    const out = path.join(ffDir, `cam${i}`);
    (await import('node:fs')).mkdirSync(out, { recursive: true });
    ffs.push(start('ffmpeg', ['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', `rtsp://127.0.0.1:${simPort}/cam${i}`, '-c', 'copy', '-f', 'segment', '-segment_time', '10', '-reset_timestamps', '1', path.join(out, '%05d.mp4')]));
  }
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  const f = await sampleGroup(ffs.map((c) => c.pid!), SECONDS);
  const ffFiles = readdirSync(ffDir, { recursive: true }).filter((x) => String(x).endsWith('.mp4')).length;
  rows[`ffmpeg -c copy × ${N}`] = { ...f, note: `${ffFiles} files written` };
  for (const c of ffs) c.kill('SIGTERM');
  await stopAll();

  // 3. all in one: vigil demo
  const demoPort = await freePort();
  const demo = start(process.execPath, ['--no-warnings', MAIN, 'demo', '--cameras', String(N)], {
    VIGIL_PORT: String(demoPort),
    VIGIL_DATA_DIR: path.join(dir, 'demo'),
    VIGIL_ADMIN_PASSWORD: PASSWORD,
  });
  await waitHttp(`http://127.0.0.1:${demoPort}/api/health`, 240_000);
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  const d = await sampleGroup([demo.pid!], SECONDS);
  const dc = await apiCheck(`http://127.0.0.1:${demoPort}`);
  rows['vigil demo (all in one)'] = { ...d, note: `${dc.online}/${N} online, ${dc.segments} segments` };
  await stopAll();
  rmSync(dir, { recursive: true, force: true });

  const load = (await import('node:os')).loadavg().map((x) => round(x, 2)).join(' ');
  console.log(`\n${N} cameras (640x360 and 768x576 H.264, 25 fps, ~1 Mb/s each), ${SECONDS} s window after ${WARMUP} s warm-up; ${cpus().length} cores (${cpus()[0].model}); load ${load}`);
  console.log(`${'process'.padEnd(26)}${'CPU cores'.padStart(10)}${'RSS mean MB'.padStart(13)}${'RSS peak MB'.padStart(13)}  note`);
  for (const [k, u] of Object.entries(rows)) console.log(`${k.padEnd(26)}${String(u.cpuCores).padStart(10)}${String(u.rssMeanMb).padStart(13)}${String(u.rssPeakMb).padStart(13)}  ${u.note}`);
  console.log(
    `RESULT ${JSON.stringify({
      cameras: N,
      vigil_cpu_cores: v.cpuCores,
      vigil_rss_mb: v.rssMeanMb,
      simulator_cpu_cores: s.cpuCores,
      simulator_rss_mb: s.rssMeanMb,
      demo_cpu_cores: d.cpuCores,
      demo_rss_mb: d.rssMeanMb,
      ffmpeg_cpu_cores: f.cpuCores,
      ffmpeg_rss_mb: f.rssMeanMb,
    })}`,
  );
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
