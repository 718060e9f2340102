// `vigil analyze FILE …`: offline analysis on a video file, the engine's test bench. Exactly one
// JSON document on stdout with --json; everything else (progress, warnings) on stderr.
import { NANODET_TRACKER as NEURAL_TRACKER, analyzeVideo, AnalyticsError, MotionBlobDetector, lowestScore, type DetectorFactory } from '../analytics/index.ts';
import { parseAnalyzeArgs, ANALYZE_HELP, type AnalyzeArgs } from './analyze-args.ts';
import { fitHomography, parseCalibrationSpec, TrafficAnalyser, TrafficError, type Calibration } from '../traffic/index.ts';

export async function cmdAnalyze(argv: string[]): Promise<number> {
  let args: AnalyzeArgs;
  let calibration: Calibration | null = null;
  try {
    args = parseAnalyzeArgs(argv);
    if (args.calibrate !== null) calibration = fitHomography(parseCalibrationSpec(args.calibrate));
  } catch (e) {
    if (e instanceof TrafficError) {
      console.error(`vigil analyze: --calibrate: ${e.message.replace(/^--calibrate: /, '')}`);
      return 2;
    }
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
    // Speeds only when asked for: a run without --calibrate does no traffic work at all.
    const traffic = calibration ? new TrafficAnalyser({ calibration, lanes: [] }) : null;
    const analysed = await analyzeVideo(args, detectorFactory(args.detector, log), log, traffic ? (a, pts) => traffic.update(a.tracks, pts) : undefined);
    const speeds = traffic && calibration ? speedReport(traffic, calibration, analysed.width) : null;
    const result = speeds ? { ...analysed, ...speeds } : analysed;
    log(`${result.frames} frames (${result.seconds} s of video) in ${result.elapsedSeconds} s, ${result.events.length} events`);
    if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      for (const [name, c] of Object.entries(result.lines)) console.log(`line ${name}: positive ${JSON.stringify(c.positive)} negative ${JSON.stringify(c.negative)}`);
      const kinds = new Map<string, number>();
      for (const e of result.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      console.log(`${result.frames} frames, ${result.seconds} s; events: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
      for (const tr of speeds?.tracks ?? []) console.log(`track ${tr.id} ${tr.class} ${tr.t_in}–${tr.t_out} s: ${tr.speed_kmh} ± ${tr.speed_err_kmh} km/h`);
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
export function detectorFactory(kind: AnalyzeArgs['detector'], log: (m: string) => void): DetectorFactory {
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

/** The --calibrate additions: every vehicle track with a speed, and how good the calibration is. */
function speedReport(traffic: TrafficAnalyser, cal: Calibration, width: number) {
  const tracks = traffic.close().filter((s) => s.speedKmh !== null).map((s) => ({
    id: s.id, class: s.cls, t_in: round(s.tIn, 3), t_out: round(s.tOut, 3), speed_kmh: s.speedKmh, speed_err_kmh: s.speedErrKmh,
  }));
  return {
    calibration: {
      points: cal.points.length, rms_ground_m: round(cal.rmsGroundM, 3), rms_image_px: round(cal.rmsImage * width, 2),
      ground_sigma_m: round(cal.groundSigmaM, 3), scale_error_pct: round(cal.scaleSigma * 100, 2),
    },
    tracks,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
