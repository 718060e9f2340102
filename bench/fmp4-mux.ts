// How cheap is the fMP4 path? Feeds a 720p ~2 Mb/s H.264 stream (made here with ffmpeg) through
// Fmp4Fragmenter, one fragment per picture as the live view uses it, on one core, and compares
// with ffmpeg remuxing the same stream to fragmented MP4 (the floor: C, no JS).
//
//   node bench/fmp4-mux.ts [--seconds 20] [--rounds 30]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { groupH264AccessUnits, splitAnnexB } from '../src/media/annexb.ts';
import { Fmp4Fragmenter } from '../src/media/fmp4-fragmenter.ts';
import { isKeyframe } from '../src/media/h264.ts';
import type { AccessUnit } from '../src/media/types.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, rounds: { type: 'string', default: '30' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-fmp4-'));
try {
  const file = join(dir, 'in.h264');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-t', String(seconds), '-c:v', 'libx264',
    '-preset', 'veryfast', '-b:v', '2M', '-maxrate', '2M', '-bufsize', '4M', '-g', '50', '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'h264', file]);
  const bytes = readFileSync(file);
  const units = groupH264AccessUnits(splitAnnexB(bytes));
  const kbps = (bytes.length * 8) / seconds / 1000;

  // Parsing the Annex B file stands in for RTP depacketising; measured apart from the muxer.
  let t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) groupH264AccessUnits(splitAnnexB(bytes));
  const splitSec = Number(process.hrtime.bigint() - t) / 1e9;

  const aus: AccessUnit[] = units.map((nalus, i) => ({ nalus, dts: i * 3600, pts: i * 3600, keyframe: isKeyframe(nalus) }));
  // Warm up the JIT, then measure.
  for (const au of aus) new Fmp4Fragmenter().push(au);
  let fragments = 0;
  let outBytes = 0;
  const cpu0 = process.cpuUsage();
  t = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    const f = new Fmp4Fragmenter();
    for (let i = 0; i < aus.length; i++) {
      const au = aus[i];
      for (const o of f.push({ ...au, dts: au.dts + r * aus.length * 3600, pts: au.pts + r * aus.length * 3600 })) {
        if (o.kind === 'fragment') fragments++;
        outBytes += o.data.length;
      }
    }
    for (const o of f.flush()) { fragments++; outBytes += o.data.length; }
  }
  const muxSec = Number(process.hrtime.bigint() - t) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;

  t = process.hrtime.bigint();
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'h264', '-i', file, '-c', 'copy', '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', '/dev/null']);
  const ffSec = Number(process.hrtime.bigint() - t) / 1e9;

  const fps = fragments / muxSec;
  const overhead = (outBytes - bytes.length * rounds) / (bytes.length * rounds);
  const result = {
    input: { width: 1280, height: 720, fps: 25, kbps: Math.round(kbps), pictures: units.length },
    fragmentsPerSec: Math.round(fps),
    muxMBPerSec: +((outBytes / muxSec) / 1e6).toFixed(1),
    usPerFragment: +((muxSec / fragments) * 1e6).toFixed(2),
    cpuCores: +(cpuSec / muxSec).toFixed(2),
    camerasPerCoreAt25fps: Math.floor(fps / 25),
    containerOverheadPct: +(overhead * 100).toFixed(2),
    annexBSplitFragmentsPerSec: Math.round((units.length * rounds) / splitSec),
    ffmpegRemuxFragmentsPerSec: Math.round(units.length / ffSec),
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  };
  console.log('fMP4 mux, 1280x720 H.264 at %d kb/s, %d pictures x %d rounds, one core', result.input.kbps, units.length, rounds);
  console.log('  Fmp4Fragmenter        %s fragments/s  (%s µs each, %s MB/s, %s cores)', result.fragmentsPerSec, result.usPerFragment, result.muxMBPerSec, result.cpuCores);
  console.log('  cameras per core      %s at 25 fps (muxing only)', result.camerasPerCoreAt25fps);
  console.log('  container overhead    %s %% of the H.264 bytes', result.containerOverheadPct);
  console.log('  Annex B split+group   %s pictures/s', result.annexBSplitFragmentsPerSec);
  console.log('  ffmpeg -c copy fMP4   %s pictures/s (includes process start)', result.ffmpegRemuxFragmentsPerSec);
  console.log('RESULT ' + JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
