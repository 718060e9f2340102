// eval:plates — how well Vigil reads a violator's plate. A set the project makes (bench/lib/plate-scene.ts):
// plates in real plate-like fonts (Debian), 50–240 px wide, turned up to ±10°, blurred, JPEG
// quality 30–90, pasted onto real road frames from the shared clips; the reader is given the
// vehicle box around each plate, as it is for a violation. Reported: characters right (1 − edit
// distance / length, an unread plate scoring 0), whole plates right where the plate is ≥ 100 px wide
// (and over all), plates read wrong (a misread is worse than an unread), ms per plate. Every third
// plate is held out (it was never looked at while the reader was built) and reported on its own.
// Last line: RESULT {"plates","char_accuracy","plate_accuracy","ms_per_plate",…}.
import { mkdtempSync, rmSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PlateReader } from '../src/plates/index.ts';
import { encodePng } from '../src/analytics/index.ts';
import { SHARED_VIDEO_DIR } from '../src/simulator/index.ts';
import { machine } from './lib/bench-env.ts';
import { plateSpec, renderPlate, roadFrame } from './lib/plate-scene.ts';

const { values: args } = parseArgs({ options: { 'per-clip': { type: 'string', default: '30' }, seed: { type: 'string', default: '14' }, keep: { type: 'string' } } });
const perClip = Number(args['per-clip']);
const CLIPS = ['highway_nl.mp4', 'highway_overpass.avi', 'highway_cctv_osd.avi', 'residential_tjunction.mp4', 'street_topdown.mp4', 'parking_lot.mp4'];
for (const c of CLIPS) if (!existsSync(join(SHARED_VIDEO_DIR, c))) throw new Error(`${join(SHARED_VIDEO_DIR, c)} missing (the shared footage; VIGIL_SHARED_VIDEO names its folder)`);

let seed = Number(args.seed);
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const dir = mkdtempSync(join(tmpdir(), 'vigil-plates-'));
if (args.keep) mkdirSync(args.keep, { recursive: true });

interface Row { clip: string; truth: string; read: string | null; widthPx: number; angle: number; blur: number; quality: number; ms: number; held: boolean; reason?: string }
const rows: Row[] = [];
/** CPU time per reading, all threads: what a reading costs a node, less dependent on the machine's other load than wall time */
const cpuMs: number[] = [];
const reader = await PlateReader.load();
try {
  let n = 0;
  for (const clip of CLIPS) {
    for (let k = 0; k < perClip; k++) {
      // a new road frame every 5 plates
      const framePath = join(dir, `${clip}-${Math.floor(k / 5)}.png`);
      const frame = await roadFrame(join(SHARED_VIDEO_DIR, clip), (Math.floor(k / 5) * 1.7) % 10, framePath);
      const spec = plateSpec(rnd, frame, [50, 240]);
      const p = await renderPlate(spec, framePath, frame, dir, `p${n}`);
      const t0 = performance.now(), c0 = process.cpuUsage();
      const r = await reader.readBest([{ picture: p, box: spec.box }]);
      const ms = performance.now() - t0, cpu = process.cpuUsage(c0);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      const truth = spec.text.replace(/ /g, '');
      rows.push({ clip, truth, read: r.status === 'read' ? r.text : null, widthPx: spec.widthPx, angle: spec.angleDeg, blur: spec.blurSigma, quality: spec.jpegQuality, ms, held: n % 3 === 2, reason: r.status === 'unread' ? r.reason : undefined });
      if (args.keep && r.crop) writeFileSync(join(args.keep, `p${n}-${truth}-${r.status === 'read' ? r.text : 'unread'}.png`), encodePng(r.crop.rgb, r.crop.width, r.crop.height));
      n++;
    }
  }
} finally {
  await reader.close();
  rmSync(dir, { recursive: true, force: true });
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
function summary(rs: Row[]) {
  const big = rs.filter((r) => r.widthPx >= 100);
  const right = (x: Row[]) => x.filter((r) => r.read === r.truth).length;
  const read = rs.filter((r) => r.read !== null);
  return {
    plates: rs.length,
    char_accuracy: r3(rs.reduce((a, r) => a + Math.max(0, 1 - editDistance(r.read ?? '', r.truth) / r.truth.length), 0) / Math.max(1, rs.length)),
    plate_accuracy: r3(right(big) / Math.max(1, big.length)),
    plates_100px: big.length,
    plate_accuracy_all: r3(right(rs) / Math.max(1, rs.length)),
    unread: rs.length - read.length,
    misread: read.filter((r) => r.read !== r.truth).length,
    ms_per_plate: Math.round((rs.reduce((a, r) => a + r.ms, 0) / Math.max(1, rs.length)) * 10) / 10,
  };
}

console.log('| width px | plates | whole plates right | unread | misread |');
console.log('|---|---|---|---|---|');
for (const [lo, hi] of [[50, 75], [75, 100], [100, 140], [140, 190], [190, 241]]) {
  const b = rows.filter((r) => r.widthPx >= lo && r.widthPx < hi);
  console.log(`| ${lo}–${hi - 1} | ${b.length} | ${b.filter((r) => r.read === r.truth).length} | ${b.filter((r) => r.read === null).length} | ${b.filter((r) => r.read !== null && r.read !== r.truth).length} |`);
}
console.log('\n| clip | plates | ≥100 px right | misread |');
console.log('|---|---|---|---|');
for (const c of CLIPS) {
  const rs = rows.filter((r) => r.clip === c), big = rs.filter((r) => r.widthPx >= 100);
  console.log(`| ${c} | ${rs.length} | ${big.filter((r) => r.read === r.truth).length} of ${big.length} | ${rs.filter((r) => r.read !== null && r.read !== r.truth).length} |`);
}
const wrong = rows.filter((r) => r.read !== r.truth && r.widthPx >= 100);
if (wrong.length) {
  console.log('\nNot right at ≥ 100 px:');
  for (const r of wrong) console.log(`- ${r.clip} ${r.truth} → ${r.read ?? `unread (${r.reason})`} (${r.widthPx} px, ${r.angle.toFixed(1)}°, blur ${r.blur.toFixed(2)}, q ${r.quality})`);
}
console.log('\nmachine', JSON.stringify(machine()));
const all = summary(rows);
const held = summary(rows.filter((r) => r.held));
const dev = summary(rows.filter((r) => !r.held));
console.log(`dev: ${JSON.stringify(dev)}`);
console.log(`held out: ${JSON.stringify(held)}`);
const cpu_ms_per_plate = Math.round((cpuMs.reduce((a, v) => a + v, 0) / Math.max(1, cpuMs.length)) * 10) / 10;
console.log(`RESULT ${JSON.stringify({ ...all, cpu_ms_per_plate, held_out: held })}`);
