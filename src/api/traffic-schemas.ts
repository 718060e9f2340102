// Traffic shapes of the API (issue 14), apart from the routes so that the web's types can come
// from them (src/api/contract.ts) without its compiler reading server code.
import { Type, type Static } from '@sinclair/typebox';

const Pair = (description: string) => Type.Tuple([Type.Number(), Type.Number()], { description });
const PointSchema = Type.Object({
  image: Pair('normalised image position u, v (0..1, x right, y down)'),
  ground: Pair('ground position x, y in metres'),
});
export const CalibrationBody = Type.Object({ points: Type.Array(PointSchema, { minItems: 4, maxItems: 64 }) });
export const CalibrationReply = Type.Object({
  cameraId: Type.String(),
  calibration: Type.Union([
    Type.Object({
      points: Type.Array(PointSchema),
      updatedAt: Type.Integer({ description: 'ms since the epoch' }),
      residuals: Type.Array(Type.Object({ groundM: Type.Number(), image: Type.Number({ description: 'normalised image units (× frame width ≈ pixels)' }) })),
      rmsGroundM: Type.Number(),
      rmsImage: Type.Number({ description: 'normalised image units' }),
      groundSigmaM: Type.Number({ description: 'standard uncertainty of one mapped ground position, metres' }),
      scaleErrorPct: Type.Number({ description: 'relative standard uncertainty of a ground distance, %' }),
      toGround: Type.Array(Type.Number(), { minItems: 9, maxItems: 9, description: 'row-major 3×3 homography, normalised image → ground metres' }),
      grid: Type.Object({ step: Type.Number({ description: 'metres between grid lines' }), lines: Type.Array(Type.Array(Pair('normalised image point'))) }),
    }),
    Type.Null(),
  ]),
});
export type CalibrationReplyBody = Static<typeof CalibrationReply>;
