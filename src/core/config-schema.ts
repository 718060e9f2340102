// The one configuration schema. It validates config files, fills defaults, and generates
// docs/config.md (`vigil config-doc`), so the reference can never drift from the code.
import { Type, type Static } from '@sinclair/typebox';

const CameraConfig = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Stable id: lower-case letters, digits, - and _.' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Name shown to operators.' }),
    url: Type.String({ pattern: '^rtsps?://', description: 'RTSP URL of the main stream, without credentials.' }),
    username: Type.Optional(Type.String({ description: 'Camera user name.' })),
    password: Type.Optional(Type.String({ description: 'Camera password; stored encrypted, never logged.' })),
    transport: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp')], { default: 'tcp', description: 'RTP over the RTSP connection (tcp) or UDP.' })),
    record: Type.Optional(Type.Boolean({ default: true, description: 'Record continuously.' })),
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'Connect to the camera at all.' })),
    retentionHours: Type.Optional(Type.Number({ minimum: 0, description: 'Keep this camera\'s recordings this long (overrides recording.retention.maxAgeHours; 0: no age limit).' })),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ default: './data', description: 'Where Vigil keeps all its state (database, recordings, keys). Env: VIGIL_DATA_DIR.' }),
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', description: 'Address the HTTP server listens on.' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP port. Env: VIGIL_PORT.' }),
        secureCookies: Type.Boolean({ default: false, description: 'Mark the session cookie Secure (set when served over HTTPS).' }),
        bodyLimitBytes: Type.Integer({ minimum: 1024, default: 65536, description: 'Largest request body accepted.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    database: Type.Object(
      {
        kind: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], { default: 'sqlite', description: 'Embedded SQLite (no server) or PostgreSQL.' }),
        path: Type.Optional(Type.String({ description: 'SQLite file. Default: <dataDir>/vigil.db.' })),
        url: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL, when kind is postgres.' })),
      },
      { additionalProperties: false, default: {} },
    ),
    recording: Type.Object(
      {
        dir: Type.Optional(Type.String({ description: 'Recordings root. Default: <dataDir>/recordings.' })),
        segmentSeconds: Type.Integer({ minimum: 2, maximum: 3600, default: 60, description: 'Target segment length; segments are cut on the first keyframe after it.' }),
        retention: Type.Object(
          {
            maxAgeHours: Type.Number({ minimum: 0, default: 720, description: 'Delete recordings older than this (per camera: cameras[].retentionHours); 0: no age limit. Evidence locks are kept.' }),
            quotaGb: Type.Number({ minimum: 0, default: 0, description: 'Most space the recordings may take on their volume, oldest deleted first; 0: no quota.' }),
            minFreePercent: Type.Number({ minimum: 0, maximum: 90, default: 5, description: 'Keep this share of the recordings volume free, deleting the oldest recordings; a full disk triggers a sweep at once.' }),
            sweepSeconds: Type.Integer({ minimum: 1, default: 60, description: 'How often retention runs; free space is checked every 5 s in between.' }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        sessionHours: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 12, description: 'Session lifetime.' }),
        loginMaxFailures: Type.Integer({ minimum: 1, default: 5, description: 'Failed logins per user name and per address before throttling.' }),
        loginWindowSeconds: Type.Integer({ minimum: 1, default: 300, description: 'Window in which failures are counted; also the lockout length.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    cameras: Type.Array(CameraConfig, { default: [], description: 'Cameras created at start when absent (the API manages them after).' }),
    log: Type.Object(
      { level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)), { default: 'info', description: 'Log level.' }) },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type CameraConfig = Static<typeof CameraConfig>;
