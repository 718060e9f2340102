// Schemas of the privacy routes (masks, lifts, purposes): TypeBox only, so the web app can take
// its types from them (src/api/contract.ts) without reading server code.
import { Type, type Static } from '@sinclair/typebox';

export const MaskSchema = Type.Object({
  id: Type.String(),
  cameraId: Type.String(),
  name: Type.String(),
  polygon: Type.Array(Type.Array(Type.Number())),
  liftable: Type.Boolean(),
  createdAt: Type.Number(),
});
export const LiftSchema = Type.Object({ id: Type.String(), reason: Type.String(), startedAt: Type.Number(), expiresAt: Type.Number() });
export const MaskListSchema = Type.Object({
  masks: Type.Array(MaskSchema),
  /** This user's lift in force on the camera, or null. */
  lift: Type.Union([LiftSchema, Type.Null()]),
  /** Whether this user may lift the camera's liftable masks. */
  mayLift: Type.Boolean(),
  mayManage: Type.Boolean(),
});
export type MaskList = Static<typeof MaskListSchema>;

export const PurposeSchema = Type.Object({ id: Type.String(), name: Type.String(), active: Type.Boolean() });
export const PolicySchema = Type.Object({
  freeWindowMinutes: Type.Integer({ description: 'recordings newer than this need no purpose' }),
  // "unlimited", not null: with the server's type coercion a null would silently become 0 hours.
  maxHoursByRole: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Literal('unlimited')]), { description: 'how far back each role may look (hours, or "unlimited")' }),
});
export const PurposesResponse = Type.Object({ purposes: Type.Array(PurposeSchema), policy: PolicySchema, mayManage: Type.Boolean() });
export type PurposeList = Static<typeof PurposesResponse>;

// A camera's purpose, legal basis and recording retention (routes: retention-routes.ts).
export const CameraPurposeBody = Type.Object(
  {
    purpose: Type.String({ maxLength: 500, description: 'what the camera is for' }),
    legalBasis: Type.String({ maxLength: 40, description: 'GDPR art. 6(1): one of legalBases in GET /api/cameras/{id}/purpose' }),
    retentionHours: Type.Optional(Type.Number({ description: 'how long recordings are kept (default defaultRetentionHours, 72); more needs retentionReason' })),
    retentionReason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export const CameraPurposeSchema = Type.Object({
  cameraId: Type.String(),
  /** null: no purpose stated (recordings kept retentionHours, at most 72). */
  purpose: Type.Union([Type.String(), Type.Null()]),
  legalBasis: Type.Union([Type.String(), Type.Null()]),
  retentionHours: Type.Number(),
  retentionReason: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.Number(), Type.Null()]),
});
export const CameraPurposeReply = Type.Object({
  purpose: CameraPurposeSchema,
  /** The legal bases a camera may state (GDPR art. 6(1)). */
  legalBases: Type.Array(Type.String()),
  /** Hours kept unless the purpose gives a reason for more (72). */
  defaultRetentionHours: Type.Number(),
});
export type CameraPurposeView = Static<typeof CameraPurposeReply>;
export type CameraPurposeInput = Static<typeof CameraPurposeBody>;
