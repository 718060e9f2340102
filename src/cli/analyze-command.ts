// `vigil analyze FILE …`: offline analysis on a video file, the engine's test bench. Exactly one
// JSON document on stdout with --json; everything else (progress, warnings) on stderr.
import { NANODET_TRACKER as NEURAL_TRACKER, analyzeVideo, AnalyticsError, MotionBlobDetector, lowestScore, type DetectorFactory } from '../analytics/index.ts';
import { parseAnalyzeArgs, ANALYZE_HELP, type AnalyzeArgs } from './analyze-args.ts';

export async function cmdAnalyze(argv: string[]): Promise<number> {
  let args: AnalyzeArgs;
  try {
    args = parseAnalyzeArgs(argv);
  } catch (e) {
    if (e instanceof AnalyticsError) {
      console.error(`vigil analyze: ${e.message}\n\n${ANALYZE_HELP}`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    console.log(ANALYZE_HELP);
    return 0;
  }
  const log = (msg: string) => process.stderr.write(`vigil analyze: ${msg}\n`);
  try {
    const result = await analyzeVideo(args, detectorFactory(args.detector, log), log);
    log(`${result.frames} frames (${result.seconds} s of video) in ${result.elapsedSeconds} s, ${result.events.length} events`);
    if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      for (const [name, c] of Object.entries(result.lines)) console.log(`line ${name}: positive ${JSON.stringify(c.positive)} negative ${JSON.stringify(c.negative)}`);
      const kinds = new Map<string, number>();
      for (const e of result.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      console.log(`${result.frames} frames, ${result.seconds} s; events: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
    }
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code;
    console.error(`vigil analyze: ${code ? `[${code}] ` : ''}${(e as Error).message}`);
    return 1;
  }
}

/**
 * "neural" is the NanoDet detector (int8 ONNX at 320 px, src/analytics/detector); "motion" the
 * stand-in that calls moving blobs objects. "auto" prefers the neural one and says so on stderr
 * when it has to fall back.
 */
function detectorFactory(kind: AnalyzeArgs['detector'], log: (m: string) => void): DetectorFactory {
  return async (frame, detection) => {
    if (kind !== 'motion') {
      try {
        const { createDetector } = await (await import('../analytics/index.ts')).loadDetectorModule();
        // fp32 is for comparing against int8; the input size is a detection setting (--input), as for a live camera.
        const backend = process.env.VIGIL_DETECTOR_BACKEND === 'onnx' ? 'onnx' : 'onnx-int8';
        // Low-score boxes are kept for the tracker's second (ByteTrack) pass; it starts tracks only
        // from confident ones.
        return { detector: await createDetector({ backend, inputSize: detection.inputSize, scoreThreshold: lowestScore(NEURAL_TRACKER, detection) }), name: `nanodet-${backend}-${detection.inputSize}`, tracker: NEURAL_TRACKER };
      } catch (e) {
        if (kind === 'neural') throw e;
        log(`neural detector unavailable (${(e as Error).message}); falling back to --detector motion, which is NOT an object detector`);
      }
    }
    return { detector: new MotionBlobDetector({ aspect: frame.width / frame.height, inputSize: detection.inputSize }), name: 'motion-blobs' };
  };
}
