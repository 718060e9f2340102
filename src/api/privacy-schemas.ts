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

// What an admin is told after changing a retention (a lock wins, open alarms keep their events, the
// audit log is not cut here): a stable code and the facts, so that the web app words it in the
// user's language; text is the same notice in English.
export const RetentionNoticeSchema = Type.Object({
  code: Type.Union([
    Type.Literal('LOCK_KEEPS_RECORDINGS'), Type.Literal('LOCK_KEEPS_DATA'), Type.Literal('OPEN_ALARMS_KEEP_EVENTS'), Type.Literal('AUDIT_NOT_CUT'), Type.Literal('AUDIT_TAMPERED'),
  ]),
  text: Type.String({ description: 'the notice in English' }),
  lockId: Type.Optional(Type.String()),
  cameraId: Type.Optional(Type.String()),
  from: Type.Optional(Type.Number({ description: 'the lock\'s interval, ms since the epoch' })),
  to: Type.Optional(Type.Number()),
  reason: Type.Optional(Type.String({ description: 'the lock\'s reason, or why the audit log is not cut' })),
  hours: Type.Optional(Type.Number({ description: 'the camera\'s new recording retention' })),
  kinds: Type.Optional(Type.Array(Type.String(), { description: 'kept older than the policy: events, snapshots, exports, counts' })),
  count: Type.Optional(Type.Number({ description: 'open alarms keeping their events' })),
  alarmIds: Type.Optional(Type.Array(Type.String(), { description: 'the first five of them' })),
  days: Type.Optional(Type.Number()),
});
export type RetentionNoticeView = Static<typeof RetentionNoticeSchema>;

// Retention of everything but recordings (routes: data-retention-routes.ts).
// A deletion by retention as the audit log records it (src/privacy/retention-deletions.ts).
export const DeletionSchema = Type.Object({
  seq: Type.Number(),
  ts: Type.Number(),
  action: Type.Union([
    Type.Literal('recording.delete'), Type.Literal('event.delete'), Type.Literal('snapshot.delete'), Type.Literal('export.delete'), Type.Literal('count.delete'), Type.Literal('audit.prune'),
  ]),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  count: Type.Number({ description: 'how many went, in unit' }),
  unit: Type.Union([Type.Literal('segments'), Type.Literal('events'), Type.Literal('files'), Type.Literal('exports'), Type.Literal('requests'), Type.Literal('rows'), Type.Literal('entries')]),
  from: Type.Union([Type.Number(), Type.Null()], { description: 'the span of time the deleted data covered' }),
  to: Type.Union([Type.Number(), Type.Null()]),
  retentionDays: Type.Union([Type.Number(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()], { description: 'count.delete: the table (line_counts, traffic_counts); recording.delete: the rule' }),
});
export const DataRetentionPolicySchema = Type.Object({
  eventsDays: Type.Number(), snapshotsDays: Type.Number(), exportsDays: Type.Number(), countsDays: Type.Number(), auditDays: Type.Number(),
});
export const DataSweepSchema = Type.Object({
  at: Type.Number(),
  events: Type.Number(), alarms: Type.Number(), deadLetters: Type.Number(), counts: Type.Number(),
  snapshots: Type.Number(), snapshotBytes: Type.Number(), exports: Type.Number(), exportBytes: Type.Number(), exportRequests: Type.Number(), auditEntries: Type.Number(),
  kept: Type.Object({ byLock: Type.Number(), byOpenCase: Type.Number() }),
  auditProblem: Type.Union([Type.String(), Type.Null()]),
});
export const DataRetentionReply = Type.Object({
  policy: DataRetentionPolicySchema,
  /** The config's values (what a fresh installation starts with). */
  defaults: DataRetentionPolicySchema,
  /** Whether this server cuts the audit log, and if not why. */
  auditCut: Type.Object({ enabled: Type.Boolean(), reason: Type.Union([Type.String(), Type.Null()]) }),
  notices: Type.Array(RetentionNoticeSchema),
  lastSweep: Type.Union([DataSweepSchema, Type.Null()]),
  /** The latest deletions by retention, newest first, from the audit log. */
  deletions: Type.Array(DeletionSchema),
});
export type DataRetentionView = Static<typeof DataRetentionReply>;
export type DataRetentionPolicyView = Static<typeof DataRetentionPolicySchema>;
export type DeletionView = Static<typeof DeletionSchema>;

export const RecordingRetentionReply = Type.Object({
  /** Hours kept unless the camera's stated purpose gives a reason for more (72). */
  defaultRetentionHours: Type.Number(),
  cameras: Type.Array(Type.Object({
    cameraId: Type.String(), name: Type.String(),
    /** null: no purpose stated (kept at most defaultRetentionHours) */
    purpose: Type.Union([Type.String(), Type.Null()]),
    legalBasis: Type.Union([Type.String(), Type.Null()]),
    retentionHours: Type.Number(),
    retentionReason: Type.Union([Type.String(), Type.Null()]),
  })),
});
export type RecordingRetentionView = Static<typeof RecordingRetentionReply>;
