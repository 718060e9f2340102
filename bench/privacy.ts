// Privacy costs (issue 13). Prints a table, then RESULT {json} as the last line.
//   masked_stream_cores: one 640x360 25 fps live stream with a mask burned in (ffmpeg decode →
//     overlay → libx264 ultrafast, plus Vigil's own work on its input and output), fed at real time
//   ffmpeg_floor_cores: ffmpeg alone re-encoding the same stream at real time (same encoder, no mask)
//   export_mask_speed_x: burning masks into a 720p recording for an export, × real time
//   redaction_speed_x: an export's face/plate redaction (decode, NanoDet 5 looks/s, head bands and
//     plate windows pixelated, masks painted, libx264 veryfast) of --redact-seconds of 720p, × real time
//   report_10m_s: the transparency report over --report-entries audit entries, cold (bench/privacy-report.ts,
//     run as a child; 0 skips it: null): a new process and connection, the database file's pages
//     dropped from the page cache first; report_warm_s: the same report again at once.
//     bench:audit's cached 10 M-entry database (<tmpdir>/vigil-bench-audit-cache/10000000-*/vigil.db)
//     is reused when there is one (--report-db names another file, or 'fresh' generates one as
//     bench:privacy-report does).
// The 10 minutes of 720p are made in a temp folder by concatenating the clip with itself (ffmpeg's
// concat demuxer) and re-encoding it as a camera would send it; the speed is from the frames redacted.
// Usage: npm run bench:privacy -- [--seconds 30] [--redact-seconds 600] [--report-entries 10000000]
//   [--report-db auto|fresh|FILE] [--clip /work/shared/data/video/street_topdown.mp4]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MaskBurner, burnFile, redactVideo } from '../src/privacy/index.ts';
import { createSharedDetector } from '../src/analytics/index.ts';
import { readFmp4 } from '../src/media/index.ts';
import { SHARED_VIDEO_DIR } from '../src/simulator/index.ts';

const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '30' },
  'redact-seconds': { type: 'string', default: '600' },
  'report-entries': { type: 'string', default: '10000000' },
  'report-db': { type: 'string', default: 'auto' },
  clip: { type: 'string', default: path.join(SHARED_VIDEO_DIR, 'street_topdown.mp4') },
} });
const SECONDS = Number(values.seconds);
const REDACT_SECONDS = Number(values['redact-seconds']);
const REPORT_ENTRIES = Number(values['report-entries']);
const MASK = [[[0.05, 0.3], [0.45, 0.3], [0.45, 0.8], [0.05, 0.8]], [[0.6, 0.1], [0.9, 0.15], [0.8, 0.4]]] as [number, number][][];
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-privacy-'));

/** bench:audit's cached database of n entries, when a complete one exists. */
function cachedAuditDb(n: number): string | null {
  const root = path.join(tmpdir(), 'vigil-bench-audit-cache');
  if (!existsSync(root)) return null;
  for (const d of readdirSync(root).filter((d) => d.startsWith(`${n}-`)).sort()) {
    if (existsSync(path.join(root, d, 'complete.json')) && existsSync(path.join(root, d, 'vigil.db'))) return path.join(root, d, 'vigil.db');
  }
  return null;
}

function encode(out: string, w: number, h: number, seconds: number): void {
  // The camera side: H.264 like the simulator's (GOP 1 s, no B-frames), one fMP4 fragment per frame.
  // The clip repeated through the concat demuxer: -stream_loop fails on this machine ("Operation not
  // permitted" when it seeks back), leaving the video at the clip's own length.
  const list = path.join(dir, 'loop.txt');
  writeFileSync(list, `file '${path.resolve(values.clip!).replace(/'/g, "'\\''")}'\n`.repeat(Math.ceil(seconds / 10) + 1));
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', list, '-t', String(seconds), '-vf', `scale=${w}:${h},fps=25`, '-an',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '0', '-pix_fmt', 'yuv420p',
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof+frag_every_frame', '-f', 'mp4', out]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

/** CPU seconds (user+system) of a process, from /proc. */
function procCpuS(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds of this process's finished and waited-for children (ffmpeg), from /proc/self/stat. */
function childCpuS(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

async function maskedLive(file: string): Promise<{ cores: number; frames: number }> {
  const bytes = readFileSync(file);
  const mp4 = readFmp4(bytes);
  let frames = 0;
  let pid = 0;
  let ffCpu = 0;
  const done = new Promise<void>((resolve, reject) => {
    const burner = new MaskBurner({ polygons: MASK }, { init: () => undefined, fragment: () => { frames++; }, end: (e) => (e ? reject(e) : resolve()) });
    const started = process.hrtime.bigint();
    burner.write(mp4.init);
    pid = (burner as unknown as { proc: { pid: number } }).proc.pid;
    let i = 0;
    const tick = () => {
      // Real time: fragment i is due at i/25 s after the start.
      const due = Number(process.hrtime.bigint() - started) / 1e9 * 25;
      while (i < mp4.fragments.length && i <= due) {
        const f = mp4.fragments[i++];
        burner.write(bytes.subarray(f.offset, f.offset + f.size));
      }
      if (i < mp4.fragments.length) setTimeout(tick, 10);
      else {
        ffCpu = procCpuS(pid);
        burner.end();
      }
    };
    tick();
  });
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await done;
  const wall = (Date.now() - t0) / 1000;
  const node = process.cpuUsage(cpu0);
  return { cores: (ffCpu + (node.user + node.system) / 1e6) / wall, frames };
}

function ffmpegFloor(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const p = spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'mp4', '-i', file, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-crf', '23', '-an', '-f', 'mp4',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof+frag_every_frame', '-y', '/dev/null'], { stdio: 'ignore' });
    let cpu = 0;
    const timer = setInterval(() => { const c = procCpuS(p.pid!); if (Number.isFinite(c)) cpu = c; }, 200);
    p.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`ffmpeg floor exited ${code}`));
      resolve(cpu / ((Date.now() - t0) / 1000));
    });
  });
}

try {
  const live = path.join(dir, 'live-360p.mp4');
  encode(live, 640, 360, SECONDS);
  const floor = await ffmpegFloor(live);
  const masked = await maskedLive(live);
  const hd = path.join(dir, 'rec-720p.mp4');
  encode(hd, 1280, 720, SECONDS);
  const t0 = Date.now();
  await burnFile({ input: hd, polygons: MASK, format: 'mp4', outputPath: path.join(dir, 'out-720p.mp4') });
  const exportSpeed = SECONDS / ((Date.now() - t0) / 1000);

  // Redaction of an export: the same 720p recording, longer, through the export's redactor with the real detector.
  const long = path.join(dir, 'rec-720p-long.mp4');
  encode(long, 1280, 720, REDACT_SECONDS);
  const td = Date.now();
  const detector = await createSharedDetector();
  const detectorLoadS = (Date.now() - td) / 1000;
  const cpuR0 = process.cpuUsage();
  const childR0 = childCpuS();
  const tr = Date.now();
  const red = await redactVideo({
    input: long, output: path.join(dir, 'redacted-720p.mp4'), polygons: MASK,
    find: async (rgb, width, height) => (await detector.detect([{ rgb, width, height, region: [0, 0, 1, 1] }]))[0],
  });
  const redactWall = (Date.now() - tr) / 1000;
  const cpuR = process.cpuUsage(cpuR0);
  const redactCores = ((cpuR.user + cpuR.system) / 1e6 + childCpuS() - childR0) / redactWall;
  await detector.close();
  // Speed from the video actually redacted (frames at its rate), not from what was asked for.
  const redactedSeconds = red.frames / red.fps;
  const redactSpeed = redactedSeconds / redactWall;

  let reportS: number | null = null;
  let reportWarmS: number | null = null;
  let reportColdReadMib: number | null = null;
  let reportDb: string | null = null;
  let reportEntries = REPORT_ENTRIES;
  if (REPORT_ENTRIES > 0) {
    reportDb = values['report-db'] === 'fresh' ? null : values['report-db'] === 'auto' ? cachedAuditDb(REPORT_ENTRIES) : path.resolve(values['report-db']!);
    const r = spawnSync(process.execPath, [path.join(import.meta.dirname, 'privacy-report.ts'), '--entries', String(REPORT_ENTRIES), ...(reportDb ? ['--db', reportDb] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    if (r.status !== 0 || !line.startsWith('RESULT ')) throw new Error(`bench/privacy-report.ts failed: ${r.stderr}`);
    for (const l of r.stdout.trim().split('\n').slice(0, -1)) console.log(`  report: ${l}`);
    const rr = JSON.parse(line.slice(7)) as { report_s: number; report_warm_s: number; cold_read_mib: number; entries: number };
    reportS = rr.report_s;
    reportWarmS = rr.report_warm_s;
    reportColdReadMib = rr.cold_read_mib;
    reportEntries = rr.entries;
  }

  const rows = [
    ['masked 640x360 live stream (ffmpeg + Vigil)', `${masked.cores.toFixed(3)} cores`, `${masked.frames} frames out`],
    ['ffmpeg alone, same stream re-encoded', `${floor.toFixed(3)} cores`, ''],
    ['masking overhead over the floor', `${(masked.cores - floor).toFixed(3)} cores`, ''],
    ['masked 720p export', `${exportSpeed.toFixed(1)} x real time`, `${SECONDS} s of video`],
    ['face/plate redaction of a 720p export', `${redactSpeed.toFixed(2)} x real time`, `${redactedSeconds.toFixed(1)} s of video, ${redactCores.toFixed(2)} cores, ${red.looked} looks, faces on ${red.framesWithFaces} / plates on ${red.framesWithPlates} of ${red.frames} frames; detector load ${detectorLoadS.toFixed(1)} s (once)`],
    [`transparency report, ${reportEntries} entries`, reportS === null ? 'skipped' : `${reportS.toFixed(2)} s cold`,
      `${reportWarmS === null ? '' : `${reportWarmS.toFixed(2)} s warm; ${reportColdReadMib} MiB read cold; `}${reportDb ? `bench:audit's cached log ${reportDb}` : 'generated log'}`],
  ];
  for (const r of rows) console.log(r[0].padEnd(46), r[1].padEnd(18), r[2]);
  console.log('RESULT ' + JSON.stringify({
    masked_stream_cores: Number(masked.cores.toFixed(4)),
    ffmpeg_floor_cores: Number(floor.toFixed(4)),
    masking_overhead_cores: Number((masked.cores - floor).toFixed(4)),
    export_mask_speed_x: Number(exportSpeed.toFixed(2)),
    redaction_speed_x: Number(redactSpeed.toFixed(2)),
    redaction_cores: Number(redactCores.toFixed(2)),
    report_10m_s: reportEntries === 10_000_000 ? reportS : null,
    report_warm_s: reportWarmS,
    ...(reportEntries !== 10_000_000 && reportS !== null ? { report_s: reportS, report_entries: reportEntries } : {}),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
