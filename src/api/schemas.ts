// Request and response schemas: they validate requests, shape responses and write the OpenAPI.
import { Type } from '@sinclair/typebox';
import { MAX_TIME_MS } from '../core/index.ts';

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
});

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
});

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
