// issue 16: what a camera's detector is set to and costs, as the analytics settings route returns
// it beside the stored settings. TypeBox only: the web's compiler reads this file (contract.ts).
import { Type } from '@sinclair/typebox';

export const DetectorCostSchema = Type.Union([
  Type.Object({
    inferencesPerFrame: Type.Number({ description: 'detector runs per analysed frame (crops and tiles)' }),
    units320PerFrame: Type.Number({ description: 'the same weighted by input pixels, in 320 px runs: the detector CPU per frame relative to one 320 px run (~7-9 CPU ms each, bench/results/detector-speed-2026-11-30.md)' }),
    detectorWallMsPerFrame: Type.Number({ description: 'wall ms a frame waited for the shared detector (includes queueing behind other cameras)' }),
  }),
  Type.Null(),
], { description: 'What detection has cost this camera per analysed frame since its analyser started (null before the first frame).' });

const Thresholds = Type.Object({ low: Type.Optional(Type.Number()), high: Type.Optional(Type.Number()), start: Type.Optional(Type.Number()) });

export const EffectiveDetectionSchema = Type.Object({
  inputSize: Type.Integer({ description: 'model input side, px' }),
  tiles: Type.Union([Type.Literal(false), Type.Object({ rows: Type.Integer() })], { description: 'how a busy frame is covered: rows of square tiles, or false (the whole frame letterboxed into one input)' }),
  classes: Type.Record(Type.String(), Thresholds, { description: 'per-class score thresholds over the defaults' }),
}, { description: 'The detector settings in force (stored ones with the defaults filled in: tiles on a camera with a crowd rule).' });

/** The analytics settings route's reply besides the stored settings. */
export const DetectorViewSchema = Type.Object({
  detector: Type.Union([Type.String(), Type.Null()], { description: 'neural or motion while analysed, null when not' }),
  detection: EffectiveDetectionSchema,
  cost: DetectorCostSchema,
});
