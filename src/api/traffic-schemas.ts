// issue 14: a camera's traffic dashboard and a violation's evidence package as the API returns them (violation.json, the
// package's files, whether it verifies now). Schemas only: the web app takes its types from here.
import { Type, type Static } from '@sinclair/typebox';

const Pair = Type.Tuple([Type.Number(), Type.Number()]);
const Box = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
const Kind = Type.Union([Type.Literal('speeding'), Type.Literal('wrong_way'), Type.Literal('stopped_vehicle')]);
const Num = Type.Union([Type.Number(), Type.Null()]);

export const ViolationRecordSchema = Type.Object({
  format: Type.Literal('vigil-violation/1'),
  eventId: Type.String(), cameraId: Type.String(), kind: Kind, lane: Type.String(),
  at: Type.String(), atMs: Type.Number(), trackId: Num, cls: Type.Union([Type.String(), Type.Null()]),
  rule: Type.Object({ kind: Kind, lane: Type.String(), limitKmh: Num, toleranceKmh: Num, fires: Type.String() }),
  measurement: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
  positions: Type.Array(Type.Object({ t: Type.Number(), wallMs: Type.Number(), image: Pair, ground: Type.Union([Pair, Type.Null()]), box: Type.Optional(Box) })),
  calibration: Type.Union([Type.Object({
    points: Type.Array(Type.Object({ image: Pair, ground: Pair })), rmsGroundM: Type.Number(), rmsImage: Type.Number(), groundSigmaM: Type.Number(), scaleErrorPct: Type.Number(),
  }), Type.Null()]),
  recording: Type.Object({
    fromMs: Type.Number(), toMs: Type.Number(), files: Type.Array(Type.String()),
    gaps: Type.Array(Type.Object({ startMs: Type.Number(), endMs: Type.Number(), reason: Type.Union([Type.String(), Type.Null()]) })),
    complete: Type.Boolean(), statement: Type.String(),
  }),
  frames: Type.Array(Type.Object({ file: Type.String(), wallMs: Type.Number(), box: Type.Union([Box, Type.Null()]) })),
  plate: Type.Union([
    Type.Object({ status: Type.Literal('read'), text: Type.String(), confidence: Type.Number(), minCharConfidence: Type.Number(), frameMs: Type.Number(), crop: Type.String(), corners: Type.Array(Pair) }),
    Type.Object({ status: Type.Literal('unread'), reason: Type.String(), frameMs: Num, crop: Type.Union([Type.String(), Type.Null()]) }),
    Type.Object({ status: Type.Literal('not_attempted'), reason: Type.String() }),
  ]),
  redaction: Type.Optional(Type.Array(Type.String(), { description: 'what was hidden in the clip and frames (other vehicles\' plates, faces; the violator\'s vehicle spared), or why not' })),
});

export const EvidenceReplySchema = Type.Object({
  eventId: Type.String(),
  record: ViolationRecordSchema,
  files: Type.Array(Type.Object({ name: Type.String(), sha256: Type.String(), bytes: Type.Integer() })),
  serverKeyId: Type.String(),
  verified: Type.Boolean({ description: 'the signature and every file hash check out now' }),
  problems: Type.Array(Type.String()),
});

const Classes = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;
export const TrafficDashboardSchema = Type.Object({
  cameraId: Type.String(),
  /** false: the camera runs no traffic rules now (no live counts) */
  running: Type.Boolean(),
  since: Type.Union([Type.Number(), Type.Null()], { description: 'when the running counts started (ms); they live in memory and restart with the analyser' }),
  lanes: Type.Array(Type.Object({
    lane: Type.String(),
    counts: Type.Partial(Type.Record(Type.Union(Classes.map((c) => Type.Literal(c))), Type.Integer())),
    speedHistogram: Type.Array(Type.Integer(), { description: 'vehicles per bin of binKmh; the last bin holds everything above' }),
    binKmh: Type.Number(), p50Kmh: Num, p85Kmh: Num, congested: Type.Boolean(), queueM: Num,
  })),
  minutes: Type.Array(Type.Object({ minuteMs: Type.Number(), lane: Type.String(), cls: Type.String(), n: Type.Integer(), speedBins: Type.Array(Type.Integer()) })),
  events: Type.Array(Type.Object({
    id: Type.String(), ts: Type.Number(), kind: Type.String(), lane: Type.String(), cls: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()])),
  }), { description: 'the last 24 h of traffic events, newest first (at most 200)' }),
});

// A camera's calibration (issue 14 item 1): what PUT and POST …/calibration/check take and answer.
const DescribedPair = (description: string) => Type.Tuple([Type.Number(), Type.Number()], { description });
const PointSchema = Type.Object({
  image: DescribedPair('normalised image position u, v (0..1, x right, y down)'),
  ground: DescribedPair('ground position x, y in metres'),
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
      grid: Type.Object({ step: Type.Number({ description: 'metres between grid lines' }), lines: Type.Array(Type.Array(DescribedPair('normalised image point'))) }),
    }),
    Type.Null(),
  ]),
});
export type CalibrationReplyBody = Static<typeof CalibrationReply>;
