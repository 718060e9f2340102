// node bench/detector-ab.ts [--rounds 12] [--runs 100] [--size 320] [--batch 1] MODEL[@LEVEL][+OPTION...] ...
//   OPTION: spin0 / spin1 (session.intra_op.allow_spinning), noarena (enableCpuMemArena false),
//   nopattern (enableMemPattern false), fixed (freeDimensionOverrides to this batch and size),
//   fixedhw (freeDimensionOverrides to this size, batch left free)
// A/B of int8 NanoDet models (or graph optimisation levels) on a shared machine: every variant gets
// its own session (1 intra-op thread, as in the detector's workers) in this one process, and the
// variants take turns, `runs` inferences each per round, so load from other work falls on all of
// them alike. Reports the median and the best round of CPU ms per inference (session.run only, on
// real frames), then a last line RESULT {json}.
import { readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { NANODET_NORM, writeCropTensor } from '../src/analytics/detector/preprocess.ts';
import { decodeRgbFrames } from '../src/media/index.ts';
import { sharedVideoFiles, VTEST_AVI } from '../src/simulator/index.ts';

const { values, positionals: variants } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '12' }, runs: { type: 'string', default: '100' }, size: { type: 'string', default: '320' }, batch: { type: 'string', default: '1' } },
});
const rounds = Number(values.rounds);
const runs = Number(values.runs);
const size = Number(values.size);
const batch = Number(values.batch);

const ort = await import('onnxruntime-node');
const clip = sharedVideoFiles()[0] ?? VTEST_AVI;
const frames = await decodeRgbFrames(clip, { count: 8, width: 640, height: 360, everySeconds: 2, startSeconds: 1 });
const per = 3 * size * size;
// Both input layouts (preprocess.ts): a model taking [N, S/2, S/2, 12] gets the s2d one.
const inputsFor = (layout: 'planes' | 's2d') => frames.map((_, k) => {
  const t = new Uint8Array(per * batch);
  for (let i = 0; i < batch; i++) writeCropTensor({ rgb: frames[(k + i) % frames.length], width: 640, height: 360, region: [0, 0, 1, 1] }, size, t, i * per, NANODET_NORM, layout);
  return new ort.Tensor('uint8', t, layout === 's2d' ? [batch, size / 2, size / 2, 12] : [batch, 3, size, size]);
});
const byLayout = { planes: inputsFor('planes'), s2d: inputsFor('s2d') };

const sessions = await Promise.all(variants.map(async (v) => {
  const [spec, ...flags] = v.split('+');
  const [path, level = 'all'] = spec.split('@');
  const spin = flags.find((f) => f.startsWith('spin'))?.slice(4);
  const probe = await ort.InferenceSession.create(path);
  const dimNames = (probe.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined)?.shape ?? [];
  await probe.release();
  const layout = dimNames[3] === 12 ? 's2d' as const : 'planes' as const;
  const inputs = byLayout[layout];
  const overrides = Object.fromEntries(dimNames.map((d, i) => [d, (layout === 's2d' ? [batch, size / 2, size / 2, 12] : [batch, 3, size, size])[i]]).filter(([d]) => typeof d === 'string'));
  const s = await ort.InferenceSession.create(path, {
    intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level as 'all', executionMode: 'sequential',
    ...(flags.includes('noarena') ? { enableCpuMemArena: false } : {}),
    ...(flags.includes('nopattern') ? { enableMemPattern: false } : {}),
    ...(flags.includes('fixed') ? { freeDimensionOverrides: overrides } : {}),
    ...(flags.includes('fixedhw') ? { freeDimensionOverrides: Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== batch)) } : {}),
    ...(spin !== undefined ? { extra: { session: { intra_op: { allow_spinning: spin } } } } : {}),
  });
  for (let i = 0; i < 20; i++) await s.run({ [s.inputNames[0]]: inputs[i % inputs.length] });
  return { label: `${basename(dirname(path))}/${basename(path)}@${level}${flags.map((f) => `+${f}`).join('')}`, s, inputs, cpuMs: [] as number[] };
}));
// With one intra-op thread ORT starts no pool threads, so there is nothing to spin: count them.
const threads = readdirSync('/proc/self/task').length;
for (let r = 0; r < rounds; r++) {
  for (const v of sessions) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) await v.s.run({ [v.s.inputNames[0]]: v.inputs[i % v.inputs.length] });
    const c = process.cpuUsage(c0);
    v.cpuMs.push((c.user + c.system) / 1000 / runs / batch);
  }
}
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
console.log(`${clip}, ${size} px, batch ${batch}, ${rounds} rounds × ${runs} runs per variant, 1 intra-op thread; ${threads} threads in the process with ${sessions.length} sessions`);
console.log(`${'variant'.padEnd(72)} median CPU ms/inf  best round`);
const out = sessions.map((v) => ({ variant: v.label, median_cpu_ms: +median(v.cpuMs).toFixed(3), best_cpu_ms: +Math.min(...v.cpuMs).toFixed(3) }));
for (const o of out) console.log(`${o.variant.slice(0, 72).padEnd(72)} ${o.median_cpu_ms.toFixed(2).padStart(17)}  ${o.best_cpu_ms.toFixed(2).padStart(10)}`);
for (const v of sessions) await v.s.release();
console.log(`RESULT ${JSON.stringify({ size, batch, rounds, runs, threads, variants: out })}`);
