// node bench/detector-profile.ts [--model PATH] [--size 320] [--batch 1] [--runs 200] [--opt all|extended|basic|disabled]
//   [--spin 0|1] [--top 12]
// Where one NanoDet inference spends its time: onnxruntime's own per-node profiler (session option
// enableProfiling) over real frames, one intra-op thread as in the detector's workers. Prints the
// costliest nodes and op types (kernel time per inference), the wall and CPU time per inference
// measured around session.run, and a last line RESULT {json}.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureOnnxModel } from '../src/analytics/detector/model-build.ts';
import { NANODET_NORM, writeCropTensor } from '../src/analytics/detector/preprocess.ts';
import { decodeRgbFrames } from '../src/media/index.ts';
import { sharedVideoFiles, VTEST_AVI } from '../src/simulator/index.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' }, size: { type: 'string', default: '320' }, batch: { type: 'string', default: '1' }, runs: { type: 'string', default: '200' },
    top: { type: 'string', default: '12' }, opt: { type: 'string', default: 'all' }, spin: { type: 'string', default: '' }, float: { type: 'boolean', default: false },
  },
});
const size = Number(values.size);
const batch = Number(values.batch);
const runs = Number(values.runs);
const top = Number(values.top);
const level = values.opt as 'all' | 'extended' | 'basic' | 'disabled';
const spin = values.spin;
const modelPath = values.model ?? (await ensureOnnxModel('int8'));
const u8 = !values.float;

const ort = await import('onnxruntime-node');
const clip = sharedVideoFiles()[0] ?? VTEST_AVI;
const frames = await decodeRgbFrames(clip, { count: 8, width: 640, height: 360, everySeconds: 2, startSeconds: 1 });
const per = 3 * size * size;
// A model taking [N, S/2, S/2, 12] gets preprocess.ts's s2d layout, others planes.
const probe = await ort.InferenceSession.create(modelPath);
const s2d = (probe.inputMetadata?.[0] as { shape?: (number | string)[] } | undefined)?.shape?.[3] === 12;
await probe.release();
const inputs = frames.map((_, k) => {
  const t = u8 ? new Uint8Array(per * batch) : new Float32Array(per * batch);
  for (let i = 0; i < batch; i++) writeCropTensor({ rgb: frames[(k + i) % frames.length], width: 640, height: 360, region: [0, 0, 1, 1] }, size, t, i * per, NANODET_NORM, s2d ? 's2d' : 'planes');
  return new ort.Tensor(u8 ? 'uint8' : 'float32', t, s2d ? [batch, size / 2, size / 2, 12] : [batch, 3, size, size]);
});

async function session(profile: boolean) {
  return ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level, executionMode: 'sequential',
    enableProfiling: profile, profileFilePrefix: join(tmpdir(), `vigil-ort-profile-${process.pid}`),
    ...(spin ? { extra: { session: { intra_op: { allow_spinning: spin } } } } : {}),
  });
}

// 1) Timing without the profiler (it adds its own overhead).
const s = await session(false);
const name = s.inputNames[0];
for (let i = 0; i < 20; i++) await s.run({ [name]: inputs[i % inputs.length] });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < runs; i++) await s.run({ [name]: inputs[i % inputs.length] });
const wallMs = (performance.now() - t0) / runs / batch;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / runs / batch;
await s.release();

// 2) The per-node profile.
const p = await session(true);
for (let i = 0; i < 20; i++) await p.run({ [name]: inputs[i % inputs.length] });
for (let i = 0; i < runs; i++) await p.run({ [name]: inputs[i % inputs.length] });
p.endProfiling();
await p.release();
// The profile file is named <prefix>_<date>.json; endProfiling() returns nothing in the node binding.
const { readdirSync } = await import('node:fs');
const file = readdirSync(tmpdir()).filter((f) => f.startsWith(`vigil-ort-profile-${process.pid}`)).map((f) => join(tmpdir(), f))[0];
interface Ev { cat: string; name: string; dur: number; args?: { op_name?: string } }
const all = JSON.parse(readFileSync(file, 'utf8')) as Ev[];
const events = all.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
// ORT's own time per run (model_run), to tell its executor overhead from the Node binding's.
const modelRunMs = all.filter((e) => e.name === 'model_run').slice(-runs).reduce((a, e) => a + e.dur, 0) / runs / batch / 1000;
rmSync(file);
// The warm-up runs are in the profile too: count only the last `runs` occurrences per node.
const byNode = new Map<string, { op: string; us: number[] }>();
for (const e of events) {
  const n = e.name.replace(/_kernel_time$/, '');
  const entry = byNode.get(n) ?? { op: e.args?.op_name ?? '?', us: [] };
  entry.us.push(e.dur);
  byNode.set(n, entry);
}
const perInf = (us: number[]) => us.slice(-runs).reduce((a, b) => a + b, 0) / runs / batch / 1000;
const nodes = [...byNode].map(([n, e]) => ({ node: n, op: e.op, ms: perInf(e.us) })).sort((a, b) => b.ms - a.ms);
const total = nodes.reduce((a, n) => a + n.ms, 0);
const byOp = new Map<string, { ms: number; count: number }>();
for (const n of nodes) { const o = byOp.get(n.op) ?? { ms: 0, count: 0 }; o.ms += n.ms; o.count++; byOp.set(n.op, o); }

console.log(`model ${modelPath}, ${size} px, batch ${batch}, ${runs} runs, graphOptimizationLevel ${level}${spin ? `, allow_spinning ${spin}` : ''}, 1 intra-op thread, ${clip}`);
console.log(`session.run: ${wallMs.toFixed(2)} ms wall, ${cpuMs.toFixed(2)} ms CPU per inference; kernels ${total.toFixed(2)} ms per inference in ${nodes.length} nodes, ORT model_run ${modelRunMs.toFixed(2)} ms (profiled)`);
console.log('\nop type              nodes   ms/inf   share');
for (const [op, o] of [...byOp].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${op.padEnd(20)} ${String(o.count).padStart(5)}  ${o.ms.toFixed(3).padStart(7)}  ${((o.ms / total) * 100).toFixed(1).padStart(5)} %`);
console.log(`\ntop ${top} nodes                                          op              ms/inf   share`);
for (const n of nodes.slice(0, top)) console.log(`${n.node.slice(0, 54).padEnd(54)} ${n.op.padEnd(14)} ${n.ms.toFixed(3).padStart(7)}  ${((n.ms / total) * 100).toFixed(1).padStart(5)} %`);
console.log(`RESULT ${JSON.stringify({ model: modelPath, size, batch, level, spin: spin || null, wall_ms: +wallMs.toFixed(3), cpu_ms: +cpuMs.toFixed(3), kernel_ms: +total.toFixed(3), model_run_ms: +modelRunMs.toFixed(3), by_op: Object.fromEntries([...byOp].map(([k, v]) => [k, +v.ms.toFixed(3)])) })}`);
