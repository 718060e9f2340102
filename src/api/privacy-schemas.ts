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
