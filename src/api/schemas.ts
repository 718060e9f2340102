// Request and response schemas: they validate requests, shape responses and write the OpenAPI.
import { Type } from '@sinclair/typebox';

/**
 * core's MAX_TIME_MS (9999-12-31T23:59:59.999Z), written out: this file is read by the web app's
 * compiler and must not import server code. test/api/findings.test.ts holds the two equal (the
 * last millisecond is accepted, the next one refused).
 */
const MAX_TIME_MS = 253_402_300_799_999;

/**
 * A time in ms since the epoch, bounded to [1970, 9999]: query coercion turns 1e309 into Infinity,
 * which an unbounded integer check lets through, and a stored 2^53 cannot be read back.
 */
export const TimeMs = (description = 'ms since the epoch') => Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description });

export const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }, { $id: 'Error' });

export const UserSchema = Type.Object({ id: Type.String(), username: Type.String(), role: Type.String() });

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NumOrNull = Type.Union([Type.Number(), Type.Null()]);

export const CameraStatusSchema = Type.Object({
  state: Type.Union([Type.Literal('connecting'), Type.Literal('online'), Type.Literal('offline'), Type.Literal('disabled')]),
  lastFrameAt: NumOrNull,
  fps: NumOrNull,
  bitrateKbps: NumOrNull,
  width: NumOrNull,
  height: NumOrNull,
  codec: Nullable(Type.String()),
  error: Nullable(Type.String()),
  reconnects: Type.Integer(),
  audioDropped: Type.Boolean(),
  subStream: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('idle'), Type.Literal('up'), Type.Literal('down')], { description: 'Sub-stream connection; down: its viewers (live analytics) get the main stream meanwhile.' })),
  lostFrames: Type.Optional(Type.Integer({ description: 'Pictures the camera sent that could not be recorded since the recording process started (damaged by lost packets, or skipped until the next keyframe).' })),
});

/** Where a camera stands on the map and what its cone covers (issue 11); null: not placed. */
export const CameraPositionSchema = Type.Union([
  Type.Object({
    lon: Type.Number(), lat: Type.Number(), bearing: Type.Number(), angle: Type.Number(), range: Type.Number(), ptz: Type.Boolean(),
    siteId: Type.Union([Type.String(), Type.Null()]),
  }),
  Type.Null(),
]);

export const CameraSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Nullable(Type.String({ description: 'null for users who may not read camera configuration' })),
  subUrl: Nullable(Type.String()),
  username: Nullable(Type.String({ description: 'the camera\'s user name; null when none, or for users who may not read camera configuration' })),
  hasPassword: Type.Boolean(),
  transport: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
  enabled: Type.Boolean(),
  record: Type.Boolean(),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
  status: CameraStatusSchema,
  position: CameraPositionSchema,
});

export const CameraListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 5000 })),
    after: Type.Optional(Type.String({ maxLength: 64, description: 'the previous page\'s `next`' })),
    site: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$', description: 'only the cameras of this site (its camera scope)' })),
    group: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$', description: 'only the cameras of this camera group' })),
  },
  { additionalProperties: false },
);

const cameraFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ pattern: '^rtsps?://', maxLength: 2000, description: 'RTSP URL; credentials in it are moved to username/password' }),
  subUrl: Nullable(Type.String({ pattern: '^rtsps?://', maxLength: 2000, description: 'RTSP URL of the sub-stream (smaller, about the analysis frame rate), used by live analytics; null: none. Uses the main stream\'s credentials.' })),
  username: Nullable(Type.String({ maxLength: 200 })),
  password: Nullable(Type.String({ maxLength: 200, description: 'write-only; stored encrypted' })),
  transport: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
  enabled: Type.Boolean(),
  record: Type.Boolean(),
};

export const CameraCreateBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' })),
    name: cameraFields.name,
    url: cameraFields.url,
    subUrl: Type.Optional(cameraFields.subUrl),
    username: Type.Optional(cameraFields.username),
    password: Type.Optional(cameraFields.password),
    transport: Type.Optional(cameraFields.transport),
    enabled: Type.Optional(cameraFields.enabled),
    record: Type.Optional(cameraFields.record),
  },
  { additionalProperties: false },
);

export const CameraPatchBody = Type.Object(
  {
    name: Type.Optional(cameraFields.name),
    url: Type.Optional(cameraFields.url),
    subUrl: Type.Optional(cameraFields.subUrl),
    username: Type.Optional(cameraFields.username),
    password: Type.Optional(cameraFields.password),
    transport: Type.Optional(cameraFields.transport),
    enabled: Type.Optional(cameraFields.enabled),
    record: Type.Optional(cameraFields.record),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CameraParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const RecordingsQuery = Type.Object(
  {
    from: TimeMs('start, ms since epoch'),
    to: TimeMs('end, ms since epoch'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
  },
  { additionalProperties: false },
);

export const SegmentSchema = Type.Object({ startMs: Type.Number(), endMs: Type.Number(), bytes: Type.Number() });

// Responses the control room reads (the web app takes their static types from ./contract.ts).
// The alarm queue's schemas live in alarm-schemas.ts (issue 12); the list is the open queue.
export { AlarmSchema, PaceSchema, AlarmQueueSchema as AlarmListSchema } from './alarm-schemas.ts';
export const EventSchema = Type.Object({
  id: Type.String(),
  ts: Type.Number(),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  severity: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export const StorageSchema = Type.Object({
  volumes: Type.Array(Type.Object({
    root: Type.String(),
    totalBytes: Type.Number(),
    freeBytes: Type.Number(),
    recordingBytes: Type.Number(),
    quotaBytes: Type.Union([Type.Number(), Type.Null()]),
    minFreeBytes: Type.Number(),
  })),
});
export const TimelineSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  spans: Type.Array(Type.Object({ startMs: Type.Number(), endMs: Type.Number() })),
  gaps: Type.Array(Type.Object({
    startMs: Type.Number(),
    endMs: Type.Number(),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'why nothing was recorded (e.g. CAMERA_UNREACHABLE, RECORDER_DOWN, DISK_FULL); for a hole still open, the camera state; null when unknown' }),
  })),
});
export const ExportFileSchema = Type.Object({ name: Type.String(), sha256: Type.String(), bytes: Type.Number(), cameraId: Type.String(), startMs: Type.Number(), endMs: Type.Number() });
export const ExportJobSchema = Type.Object({
  id: Type.String(),
  state: Type.Union([Type.Literal('awaiting_approval'), Type.Literal('refused'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  cameras: Type.Array(Type.String()),
  from: Type.Number(),
  to: Type.Number(),
  createdBy: Type.String(),
  createdAt: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()]),
  files: Type.Array(ExportFileSchema),
  reason: Type.String(),
  requestedByName: Type.String(),
  /** Faces and plates left unredacted (an approver lifted redaction with a reason). */
  redactionLifted: Type.Boolean(),
  /** issue 13: the purpose of looking back stated with the request (null: inside the free window). */
  purpose: Type.Union([Type.Object({ name: Type.String(), text: Type.String() }), Type.Null()]),
  /** issue 13, four eyes: the approver's or refuser's user name and when (null until decided). */
  decidedByName: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.Number(), Type.Null()]),
});

// --- issue 10: users and the audit log -------------------------------------------------------

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('operator'), Type.Literal('viewer'), Type.Literal('auditor')]);
export const ScopeRefSchema = Type.Object(
  { kind: Type.Union([Type.Literal('site'), Type.Literal('group')]), id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$' }) },
  { additionalProperties: false },
);
export const ScopesSchema = Type.Union([Type.Array(ScopeRefSchema, { maxItems: 200 }), Type.Null()], { description: 'null: every camera; else the sites and camera groups the role covers' });
export const ManagedUserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  scopes: ScopesSchema,
  createdAt: Type.Number(),
});
export const AuditEntrySchema = Type.Object({
  seq: Type.Number(),
  ts: Type.Number(),
  actor: Type.String(),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  cameraId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});
export const AuditVerifySchema = Type.Object({
  ok: Type.Boolean(),
  count: Type.Number(),
  firstBad: Type.Union([Type.Number(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.String(), Type.Null()]),
  checkpoints: Type.Number(),
  lastCheckpointSeq: Type.Union([Type.Number(), Type.Null()]),
  keyId: Type.Union([Type.String(), Type.Null()]),
  /** issue 13: entries 1..prunedThrough were deleted by the audit log's retention (a signed prune record vouches for the cut); null: none. */
  prunedThrough: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
});

// --- issue 15 (cluster) ---------------------------------------------------------------------------
export const ClusterNodeSchema = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('node'), Type.Literal('api'), Type.Literal('both')]),
  alive: Type.Boolean({ description: 'Heard from within the lease TTL.' }),
  silentMs: Type.Integer({ description: 'Since this api last heard from the node.' }),
  url: Type.Union([Type.String(), Type.Null()]),
  capacity: Type.Integer(),
  held: Type.Integer({ description: 'Cameras it records now.' }),
  overCapacity: Type.Integer({ description: 'Free cameras it could not take: it is full.' }),
  unassigned: Type.Integer({ description: 'Cameras no node records, as this node sees it.' }),
  startedAt: Type.Integer(),
  heartbeatAt: Type.Integer(),
  version: Type.String(),
  health: Type.Record(Type.String(), Type.Unknown()),
});
export const ClusterNodesSchema = Type.Object({ self: Type.String(), nodes: Type.Array(ClusterNodeSchema) });
export const CameraImportReportSchema = Type.Object({
  dryRun: Type.Boolean(),
  taken: Type.Integer({ description: 'Rows created (in a dry run: that would be).' }),
  refused: Type.Array(Type.Object({ where: Type.String({ description: '"line 7" or "feature 3"' }), message: Type.String() })),
  created: Type.Array(Type.String(), { description: 'Ids of the cameras created.' }),
});
