// npm run bench:detector -- [--seconds S] [--frames N] [--only BACKEND]
// Detector throughput per backend / input size / batch on real frames, and agreement of each
// variant with the fp32 416 px reference on the shared clips (vtest.avi when they are absent).
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { basename } from 'node:path';
import { createDetector, iou, type DetectorBackend, type Detection, type DetectorInput } from '../src/analytics/detector/index.ts';
import { ensureOnnxModel } from '../src/analytics/detector/model-build.ts';
import { decodeRgbFrames } from '../src/media/index.ts';
import { sharedVideoFiles, VTEST_AVI } from '../src/simulator/index.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const seconds = flag('seconds', 6);
const framesPerClip = flag('frames', 12);
const W = 640, H = 360;
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const loadStart = loadavg()[0];

const clips = sharedVideoFiles();
if (!clips.length) console.error(`no shared clips in ../shared/data/video; using ${VTEST_AVI}`);
const sources = clips.length ? clips : [VTEST_AVI];
const frames: { clip: string; input: DetectorInput }[] = [];
for (const clip of sources) {
  for (const rgb of await decodeRgbFrames(clip, { count: framesPerClip, width: W, height: H, everySeconds: 2, startSeconds: 1 })) {
    frames.push({ clip: basename(clip), input: { rgb, width: W, height: H, region: [0, 0, 1, 1] } });
  }
}
console.error(`${frames.length} frames from ${sources.length} clip(s), ${W}x${H}`);
await ensureOnnxModel('fp32');
await ensureOnnxModel('int8');

interface Config { backend: DetectorBackend; input: number; workers: number; batch: number }
const allConfigs: Config[] = [
  { backend: 'tfjs-wasm', input: 416, workers: 2, batch: 1 },
  { backend: 'onnx', input: 416, workers: 2, batch: 1 },
  { backend: 'onnx', input: 416, workers: 2, batch: 8 },
  { backend: 'onnx', input: 320, workers: 2, batch: 8 },
  { backend: 'onnx-int8', input: 416, workers: 2, batch: 8 },
  { backend: 'onnx-int8', input: 384, workers: 2, batch: 1 },
  { backend: 'onnx-int8', input: 320, workers: 2, batch: 1 },
  { backend: 'onnx-int8', input: 320, workers: 2, batch: 8 },
  { backend: 'onnx-int8', input: 320, workers: 2, batch: 16 },
  { backend: 'onnx-int8', input: 320, workers: 1, batch: 8 },
];
const configs = allConfigs.filter((c) => !only || c.backend === only);

/**
 * Wall-clock rate, and CPU time per inference over the whole process (main thread, workers and
 * the runtime's threads). On a shared machine the second is the steadier figure: waiting for a
 * core does not count, so cores / CPU-time is what the detector does on cores of its own.
 */
async function throughput(c: Config): Promise<{ perS: number; p50: number; cpuMs: number }> {
  // A row's batch is what each worker runs: the pool neither waits for more crops (its 3 ms
  // gathering delay) nor merges or splits the bench's calls.
  const det = await createDetector({ backend: c.backend, inputSize: c.input, workers: c.workers, batching: { maxBatch: c.batch, maxDelayMs: 0 } });
  try {
    const batchAt = (k: number) => Array.from({ length: c.batch }, (_, j) => frames[(k * c.batch + j) % frames.length].input);
    await det.detect(batchAt(0)); // warm-up: first run plans memory for this shape
    await Promise.all(Array.from({ length: c.workers }, (_, k) => det.detect(batchAt(k))));
    let images = 0, k = 0;
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    const end = performance.now() + seconds * 1000;
    // Two calls in flight per worker, so a worker never waits for the main thread.
    await Promise.all(Array.from({ length: 2 * c.workers }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await det.detect(batchAt(k++));
        lat.push(performance.now() - t);
        images += c.batch;
      }
    }));
    const cpu = process.cpuUsage(cpu0);
    lat.sort((a, b) => a - b);
    return { perS: images / seconds, p50: lat[Math.floor(lat.length / 2)], cpuMs: (cpu.user + cpu.system) / 1000 / images };
  } finally {
    await det.close();
  }
}

/** The four quarters of a frame as crops: objects twice as large, as in the motion stage's crops. */
function quarters(f: DetectorInput): DetectorInput[] {
  const w = f.width / 2, h = f.height / 2;
  return [[0, 0], [1, 0], [0, 1], [1, 1]].map(([qx, qy]) => {
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) rgb.set(f.rgb.subarray(((qy * h + y) * f.width + qx * w) * 3, ((qy * h + y) * f.width + qx * w + w) * 3), y * w * 3);
    return { rgb, width: w, height: h, region: [qx / 2, qy / 2, qx / 2 + 0.5, qy / 2 + 0.5] as [number, number, number, number] };
  });
}
// Accuracy inputs: every frame whole and in quarters. TF.js (200 ms each) only checks equality, on a subset.
const accuracyInputs = frames.flatMap((f) => [f.input, ...quarters(f.input)]);

async function detectAll(backend: DetectorBackend, input: number): Promise<Detection[][]> {
  const det = await createDetector({ backend, inputSize: input, workers: 2, scoreThreshold: 0.2 });
  try {
    const out: Detection[][] = [];
    const inputs = backend === 'tfjs-wasm' ? accuracyInputs.slice(0, 60) : accuracyInputs;
    for (let i = 0; i < inputs.length; i += 8) out.push(...await det.detect(inputs.slice(i, i + 8)));
    return out;
  } finally {
    await det.close();
  }
}

/**
 * Agreement with the reference: recall = share of reference detections (score >= 0.35, the
 * detector's default) that the variant also finds (same class, IoU >= 0.5, its score >= 0.2), precision = the same the other
 * way round. The lower bar on the other side keeps a 0.36-vs-0.34 score from counting as a miss.
 */
function agreement(ref: Detection[][], got: Detection[][], hi = 0.35, lo = 0.2) {
  const oneWay = (a: Detection[][], b: Detection[][]) => {
    let n = 0, matched = 0, iouSum = 0, dScore = 0;
    a.slice(0, b.length).forEach((frame, f) => {
      for (const d of frame.filter((x) => x.score >= hi)) {
        n++;
        let best: Detection | undefined, bestIou = 0.5;
        for (const e of b[f]) if (e.cls === d.cls && e.score >= lo && iou(d.box, e.box) >= bestIou) { bestIou = iou(d.box, e.box); best = e; }
        if (best) { matched++; iouSum += bestIou; dScore += Math.abs(best.score - d.score); }
      }
    });
    return { n, share: n ? matched / n : 1, meanIou: matched ? iouSum / matched : 0, meanScoreDiff: matched ? dScore / matched : 0 };
  };
  const fwd = oneWay(ref.slice(0, got.length), got), back = oneWay(got, ref);
  return { refN: fwd.n, gotN: back.n, recall: fwd.share, precision: back.share, meanIou: fwd.meanIou, meanScoreDiff: fwd.meanScoreDiff };
}

const cpu = cpus()[0]?.model ?? 'unknown';
console.log(`machine: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free), node ${process.version}, ${new Date().toISOString()}`);
// Other work on the machine steals cores from the workers: say how busy it was.
console.log(`load average (1 min) before the bench: ${loadStart.toFixed(2)}`);
console.log('\nthroughput (crops of real frames, preprocessing + inference + decoding included)');
console.log(`backend     input  workers  batch  inferences/s  batch p50 ms  CPU ms/inference  inferences/s on ${cpus().length} free cores`);
const results: (Config & { inferences_per_s: number; cpu_ms_per_inference: number; inferences_per_s_cpu_bound: number })[] = [];
for (const c of configs) {
  const { perS, p50, cpuMs } = await throughput(c);
  const bound = (Math.min(c.workers, cpus().length) * 1000) / cpuMs;
  results.push({ ...c, inferences_per_s: Math.round(perS * 10) / 10, cpu_ms_per_inference: Math.round(cpuMs * 100) / 100, inferences_per_s_cpu_bound: Math.round(bound * 10) / 10 });
  console.log(`${c.backend.padEnd(11)} ${String(c.input).padStart(5)}  ${String(c.workers).padStart(7)}  ${String(c.batch).padStart(5)}  ${perS.toFixed(1).padStart(12)}  ${p50.toFixed(0).padStart(12)}  ${cpuMs.toFixed(2).padStart(16)}  ${bound.toFixed(1).padStart(26)}`);
}

console.log(`\nagreement with onnx fp32 416 on ${accuracyInputs.length} inputs: ${frames.length} frames, whole and in quarters; TF.js on the first 60 (detections >= 0.35 found by the other at >= 0.2, same class, IoU >= 0.5)`);
console.log('variant          ref dets  dets  recall  precision  mean IoU  mean |Δscore|');
const ref = await detectAll('onnx', 416);
const accuracy: Record<string, ReturnType<typeof agreement>> = {};
for (const [backend, input] of ([['tfjs-wasm', 416], ['onnx', 320], ['onnx-int8', 416], ['onnx-int8', 384], ['onnx-int8', 320]] as const).filter(([b]) => !only || b === only)) {
  const a = agreement(ref, await detectAll(backend, input));
  accuracy[`${backend}@${input}`] = a;
  console.log(`${`${backend}@${input}`.padEnd(16)} ${String(a.refN).padStart(8)}  ${String(a.gotN).padStart(4)}  ${a.recall.toFixed(3)}  ${a.precision.toFixed(3).padStart(9)}  ${a.meanIou.toFixed(3).padStart(8)}  ${a.meanScoreDiff.toFixed(3).padStart(13)}`);
}

const loadEnd = loadavg()[0];
console.log(`load average (1 min) after the bench: ${loadEnd.toFixed(2)}`);
// One RESULT per backend (its best configuration), the overall best last.
const best = new Map<string, (typeof results)[number]>();
for (const r of results) if (!best.has(r.backend) || best.get(r.backend)!.inferences_per_s < r.inferences_per_s) best.set(r.backend, r);
for (const r of best.values()) {
  console.log(`RESULT ${JSON.stringify({ backend: r.backend, input: r.input, workers: r.workers, batch: r.batch, inferences_per_s: r.inferences_per_s, cpu_ms_per_inference: r.cpu_ms_per_inference, inferences_per_s_cpu_bound: r.inferences_per_s_cpu_bound, cpu_cores: cpus().length, load_avg_start: Math.round(loadStart * 100) / 100, load_avg_end: Math.round(loadEnd * 100) / 100, accuracy_vs_fp32_416: accuracy[`${r.backend}@${r.input}`] ?? null })}`);
}
