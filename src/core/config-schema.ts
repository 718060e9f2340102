// The one configuration schema. It validates config files, fills defaults, and generates
// docs/config.md (`vigil config-doc`), so the reference can never drift from the code.
import { Type, type Static } from '@sinclair/typebox';

const DET_CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;
const Classes = Type.Optional(Type.Array(Type.Union(DET_CLASSES.map((c) => Type.Literal(c))), { description: 'Only these classes (default: all).' }));
const NormPoint = Type.Tuple([Type.Number({ minimum: 0, maximum: 1 }), Type.Number({ minimum: 0, maximum: 1 })], { description: '[x, y], 0..1, y down.' });
const RuleName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$', description: 'Name shown in alarms and counts.' });

// Issue 12: whether a rule's hit raises an alarm, and how the alarm is handled.
const RULE_KINDS = ['line_crossing', 'zone_intrusion', 'dwell', 'left_object', 'crowd', 'tamper', 'speeding', 'wrong_way', 'stopped_vehicle', 'congestion', 'congestion_end'] as const;
export const AlarmPolicyConfig = Type.Object(
  {
    kind: Type.Optional(Type.Union(RULE_KINDS.map((k) => Type.Literal(k)), { description: 'Rule kind this entry covers (default: any).' })),
    rule: Type.Optional(Type.String({ maxLength: 64, description: 'Rule (line or zone) name this entry covers (default: any).' })),
    raise: Type.Boolean({ default: true, description: 'A hit raises an alarm; false: it is only recorded (and counted, for lines).' }),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, description: '1 is the most urgent (default: by rule kind).' })),
    foldSeconds: Type.Number({ minimum: 0, maximum: 86400, default: 60, description: 'Hits of the rule on the camera within this long of the last one fold into the open alarm (its count grows).' }),
    instructions: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20, default: [], description: 'Steps shown to the operator, ticked off while handling.' }),
    escalateAfterSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86400, description: 'Not acknowledged within this long: flagged and sent to the supervisors.' })),
    autoCloseSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86400, description: 'Closed by itself (outcome auto_closed) when no hit came for this long and nobody took it.' })),
  },
  { additionalProperties: false },
);
export type AlarmPolicyConfig = Static<typeof AlarmPolicyConfig>;
// The live node's shared detector reports boxes from 0.15 (the lowest default), so no class can go below it.
const Score = Type.Number({ minimum: 0.15, maximum: 1 });
const ClassThresholds = Type.Object(
  {
    low: Type.Optional(Score), high: Type.Optional(Score), start: Type.Optional(Score),
  },
  { additionalProperties: false, description: 'Score thresholds: below low a detection is dropped; from high it is a clear sighting; start starts a track.' },
);
/** The detector's configuration for one camera; `vigil analyze --input/--tiles/--score` take the same. */
export const DetectionConfig = Type.Object(
  {
    inputSize: Type.Optional(Type.Integer({ minimum: 64, maximum: 1280, multipleOf: 32, description: 'Detector input size, px (default 320). Crops around motion are this many frame pixels square; CPU per inference grows with its square.' })),
    tiles: Type.Optional(Type.Union([Type.Literal(false), Type.Object({ rows: Type.Integer({ minimum: 1, maximum: 4 }) }, { additionalProperties: false })], { description: 'How a frame with motion almost everywhere is seen: rows of overlapping square tiles ({rows: 1}: tiles as tall as the frame, 2 for 16:9), or false for the whole frame in one input, letterboxed at one scale (cheapest; a 640×360 frame is seen at half size). Default: {rows: 1} on a camera with a crowd rule, else false.' })),
    classes: Type.Optional(Type.Object(Object.fromEntries(DET_CLASSES.map((c) => [c, Type.Optional(ClassThresholds)])), { additionalProperties: false, description: 'Per-class score thresholds over the defaults (0.15/0.3/0.35; person 0.2/0.4/0.5 when tiles are on).' })),
  },
  { additionalProperties: false, description: 'Detector settings (input size, tiling, per-class thresholds): the same for live analysis and vigil analyze.' },
);

// Issue 12: when an intrusion zone is armed. Minutes after local midnight (server time);
// to < from spans midnight; days 0 = Sunday (default every day).
const Schedule = Type.Array(Type.Object({
  days: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, maxItems: 7 })),
  from: Type.Integer({ minimum: 0, maximum: 1439, description: 'Minutes after midnight the window opens.' }),
  to: Type.Integer({ minimum: 0, maximum: 1440, description: 'Minutes after midnight it closes (before from: the next day).' }),
}, { additionalProperties: false }), { minItems: 1, maxItems: 14, description: 'Active windows (local time of the server); none: always.' });

// Issue 14: traffic rules per lane zone (docs/traffic.md). Speed and direction are judged on the
// ground, so they need the camera's calibration (PUT /api/cameras/:id/calibration).
const Off = Type.Literal(false);
export const TrafficConfig = Type.Object(
  {
    lanes: Type.Array(
      Type.Object(
        {
          name: RuleName,
          polygon: Type.Array(NormPoint, { minItems: 3, maxItems: 64, description: 'The lane zone in the image.' }),
          direction: Type.Optional(Type.Tuple([NormPoint, NormPoint], { description: 'The allowed direction of travel, an arrow drawn in the image (from, to); needs a calibration. Without it, no wrong-way rule on the lane.' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 32, description: 'Lane zones: a vehicle belongs to the lane its box\'s bottom centre is in.' },
    ),
    speed: Type.Array(
      Type.Object(
        {
          lane: RuleName,
          limitKmh: Type.Number({ exclusiveMinimum: 0, maximum: 400, description: 'Speed limit, km/h.' }),
          toleranceKmh: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Allowed above the limit before a violation (default 0). A violation needs speed − its uncertainty > limit + tolerance.' })),
          classes: Classes,
        },
        { additionalProperties: false },
      ),
      { default: [], maxItems: 64, description: 'Speed rules per lane; refused on a camera without calibration.' },
    ),
    wrongWay: Type.Optional(Type.Union([Off, Type.Object({ minSeconds: Type.Optional(Type.Number({ minimum: 1, maximum: 60 })), minMetres: Type.Optional(Type.Number({ minimum: 0.5, maximum: 100 })) }, { additionalProperties: false })], { description: 'Against a lane\'s direction over at least minSeconds (≥ 1, default 1) and minMetres (default 2); on every lane with a direction unless false.' })),
    stopped: Type.Optional(Type.Union([Off, Type.Object({ seconds: Type.Optional(Type.Number({ minimum: 2, maximum: 3600 })), fraction: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 2 })) }, { additionalProperties: false })], { description: 'A vehicle that moved less than fraction (default ½) of its length for seconds (default 30), while its lane is not congested; on every lane unless false. Needs a calibration.' })),
    congestion: Type.Optional(Type.Union([Off, Type.Object({ minVehicles: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), maxKmh: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })), holdSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })) }, { additionalProperties: false })], { description: 'At least minVehicles (3) in a lane with a median speed ≤ maxKmh (10) for holdSeconds (5), with the queue length; on every lane unless false. Needs a calibration.' })),
  },
  { additionalProperties: false, description: 'Traffic rules (issue 14): lanes, speed limits, wrong way, stopped vehicles, congestion; every vehicle leaving is counted per lane and class with its speed.' },
);
export type TrafficConfig = Static<typeof TrafficConfig>;

/** Per-camera live analytics: shapes in normalised image coordinates (0..1, y pointing down). */
export const AnalyticsConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Analyse this camera live (one more viewer of its sub-stream when it has one, else of its main stream).' }),
    fps: Type.Number({ minimum: 0.5, maximum: 15, default: 5, description: 'Frames analysed per second.' }),
    width: Type.Integer({ minimum: 160, maximum: 1920, default: 640, description: 'Analysed frames are scaled to this width.' }),
    detector: Type.Union([Type.Literal('auto'), Type.Literal('neural'), Type.Literal('motion')], { default: 'auto', description: 'auto: the NanoDet detector when it loads, else the motion stand-in (which only guesses person/car from blob shape).' }),
    detection: Type.Optional(DetectionConfig),
    lines: Type.Array(Type.Object({ name: RuleName, p1: NormPoint, p2: NormPoint, classes: Classes }, { additionalProperties: false }), { default: [], description: 'Counting lines; "positive" is crossing from the left of p1→p2 to its right as drawn (left to right: moving down).' }),
    zones: Type.Array(Type.Object({ name: RuleName, polygon: Type.Array(NormPoint, { minItems: 3, maxItems: 64 }), classes: Classes, schedule: Type.Optional(Schedule) }, { additionalProperties: false }), { default: [], description: 'Intrusion zones: an alarm when a tracked object of a listed class enters (within the schedule, when one is given). A polygon must not cross itself.' }),
    dwell: Type.Array(Type.Object({ zone: RuleName, seconds: Type.Number({ exclusiveMinimum: 0, description: 'Alarm when one (anonymous) track stays longer.' }) }, { additionalProperties: false }), { default: [], description: 'Dwell rules on zones.' }),
    crowd: Type.Array(Type.Object({ name: RuleName, polygon: Type.Array(NormPoint, { minItems: 3, maxItems: 64 }), threshold: Type.Number({ exclusiveMinimum: 0, description: 'In unit: persons in the zone, or persons per m² of its ground area (crush guidance starts worrying at 4–5/m²).' }), unit: Type.Optional(Type.Union([Type.Literal('persons'), Type.Literal('persons/m2')], { description: 'What threshold counts (default: persons/m2 when areaM2 is given, else persons). The alarm gives persons, and persons/m² when the area is known.' })), areaM2: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: "The zone's ground area, m²." })), holdSeconds: Type.Optional(Type.Number({ minimum: 0 })) }, { additionalProperties: false }), { default: [], description: 'Crowd density (crush safety).' }),
    masks: Type.Array(Type.Object({ name: Type.Optional(RuleName), polygon: Type.Array(NormPoint, { minItems: 3, maxItems: 64 }) }, { additionalProperties: false }), { default: [], maxItems: 32, description: 'Analytics masks: motion inside is ignored (trees, flags, clocks, on-screen text), so nothing there starts a track. Not a privacy mask: the video is not changed.' }),
    leftObjectSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Alarm on a new stationary object left this long with no person by it.' })),
    tamper: Type.Boolean({ default: true, description: 'Alarm when the camera is covered, blinded, defocused or moved.' }),
    traffic: Type.Optional(TrafficConfig),
    alarms: Type.Array(AlarmPolicyConfig, { default: [], description: 'Which rule hits raise an alarm for an operator, and how it is handled. The first entry matching a hit\'s kind and rule applies; with none, line crossings are counted only and every other rule raises an alarm at its kind\'s default priority.' }),
  },
  { additionalProperties: false },
);

const CameraConfig = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'Stable id: lower-case letters, digits, - and _.' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Name shown to operators.' }),
    url: Type.String({ pattern: '^rtsps?://', description: 'RTSP URL of the main stream, without credentials.' }),
    subUrl: Type.Optional(Type.String({ pattern: '^rtsps?://', description: 'RTSP URL of the sub-stream (smaller, at about the analysis frame rate; same credentials). Live analytics decode it instead of the main stream.' })),
    username: Type.Optional(Type.String({ description: 'Camera user name.' })),
    password: Type.Optional(Type.String({ description: 'Camera password; stored encrypted, never logged.' })),
    transport: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp')], { default: 'tcp', description: 'RTP over the RTSP connection (tcp) or UDP.' })),
    record: Type.Optional(Type.Boolean({ default: true, description: 'Record continuously.' })),
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'Connect to the camera at all.' })),
    analytics: Type.Optional(AnalyticsConfig),
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
        trustProxy: Type.Union([Type.Boolean(), Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 64 })], {
          default: false,
          description: 'Behind a reverse proxy: the addresses (or CIDR ranges) of the proxies whose X-Forwarded-For is believed, or true for any. Sign-in throttling and the audit log then see the client\'s address, not the proxy\'s.',
        }),
        metricsToken: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token Prometheus scrapes /api/metrics with (without it /api/metrics needs a signed-in user who may read storage). Never logged.' })),
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
            maxAgeHours: Type.Number({ minimum: 0, default: 72, description: 'Delete recordings older than this (per camera: cameras[].retentionHours); 0: no age limit. Evidence locks are kept. A camera without a stated purpose (PUT /api/cameras/:id/purpose) keeps at most 72 h whatever is set here; its purpose may give a reason for more (docs/privacy.md).' }),
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
        loginMaxFailures: Type.Integer({ minimum: 1, default: 5, description: 'Failed sign-ins of one user name from one address before that pair is throttled (other addresses are not: nobody can lock an account out from afar).' }),
        loginMaxFailuresPerAddress: Type.Integer({ minimum: 1, default: 50, description: 'Failed sign-ins from one address, whatever the user names, before the address is throttled. Behind a reverse proxy set server.trustProxy, or every user shares the proxy\'s address.' }),
        loginWindowSeconds: Type.Integer({ minimum: 1, default: 300, description: 'Window in which failures are counted; also the lockout length.' }),
      },
      { additionalProperties: false, default: {} },
    ),
    audit: Type.Object(
      {
        checkpointEvery: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1000, description: 'Sign a checkpoint of the audit chain at least every this many entries.' }),
        checkpointSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 60, description: 'And at least this often while entries are added.' }),
        checkpointFile: Type.Optional(Type.String({ minLength: 1, description: 'Append-only file of signed checkpoints, outside the database. Default: <dataDir>/audit/checkpoints.jsonl. Put it on another disk or a write-once mount where you can.' })),
      },
      { additionalProperties: false, default: {} },
    ),
    cameras: Type.Array(CameraConfig, { default: [], description: 'Cameras created at start when absent (the API manages them after).' }),
    // issue 13 (privacy): retention of everything but recordings (docs/privacy.md)
    retention: Type.Object(
      {
        eventsDays: Type.Number({ minimum: 0, maximum: 3650, default: 30, description: 'Delete events, resolved alarms (with their activity), webhook dead letters, mask lifts and camera health history older than this; 0: keep forever. An evidence lock on the camera, or an alarm still open, keeps its event.' }),
        snapshotsDays: Type.Number({ minimum: 0, maximum: 3650, default: 3, description: 'Delete alarm snapshots (pictures of people, heads pixelated) older than this; 0: keep forever. Locked and open-alarm snapshots are kept.' }),
        exportsDays: Type.Number({ minimum: 0, maximum: 3650, default: 30, description: 'Delete exports and violation evidence packages kept on the server older than this (the copies handed out are not touched); 0: keep forever. An export overlapping an evidence lock, or the package of an alarm still open, is kept.' }),
        countsDays: Type.Number({ minimum: 0, maximum: 3650, default: 365, description: 'Delete line and lane counts (per minute, no personal data) older than this; 0: keep forever.' }),
        auditDays: Type.Number({ minimum: 0, maximum: 3650, default: 730, description: 'Cut audit entries older than this, only past a signed checkpoint and after verifying them, with a signed prune record kept beside the checkpoints so `vigil audit verify` still verifies (docs/audit.md); 0: keep forever; otherwise at least 31.' }),
        sweepMinutes: Type.Number({ minimum: 1, maximum: 1440, default: 10, description: 'How often this retention runs. The admin may change the days through PUT /api/privacy/retention (stored; these are the defaults).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    privacy: Type.Object(
      {
        fourEyesExport: Type.Boolean({ default: false, description: 'Exports wait until a second user with export.approve (not the requester) approves them; both names go into the signed manifest.' }),
        redactExports: Type.Boolean({ default: true, description: 'Pixelate faces (head bands of detected persons) and licence plates (found inside vehicle boxes, never read) in exported video; an approver may lift it per export with a reason. Needs the neural detector: without it exports fail rather than leave unredacted.' }),
        transparencyReport: Type.Boolean({ default: false, description: 'Publish the transparency report without login at /transparency and /api/transparency (counts from the audit log, cameras by site; no personal data).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    // issue 15: many nodes on PostgreSQL and NATS JetStream (docs/cluster.md)
    cluster: Type.Optional(
      Type.Object(
        {
          nodeId: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'This process\'s identity in the cluster (unique: a second live process with the same id refuses to start).' }),
          natsUrl: Type.String({ pattern: '^(nats|tls)://', description: 'NATS server with JetStream (camera leases, node registry). Env: VIGIL_NATS_URL.' }),
          natsUser: Type.Optional(Type.String({ description: 'NATS user, when the server asks for one.' })),
          natsPassword: Type.Optional(Type.String({ description: 'NATS password; never logged.' })),
          capacity: Type.Integer({ minimum: 0, default: 500, description: 'Most cameras this node records (about 500 per node: bench:record). 0: records none.' }),
          leaseTtlSeconds: Type.Number({ minimum: 1, maximum: 120, default: 10, description: 'A node unheard of for this long is dead: its cameras go to other nodes.' }),
          secretKeyFile: Type.String({ description: 'File with the 32-byte key (base64) that seals camera passwords, the same file on every node and api (a per-folder key would make one node unable to open another\'s camera passwords).' }),
          advertiseUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'Where the api reaches this node\'s HTTP server (live and playback are proxied there). Default: http://<server.host>:<server.port>.' })),
          edgeCameras: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { default: [], description: 'An edge site\'s node: the ids of the cameras only it records. It keeps recording them while its link to the centre is cut (no other node takes them), and the centre learns the recordings when the link returns (docs/cluster.md).' }),
        },
        { additionalProperties: false, description: 'Cluster membership; absent: the embedded single process.' },
      ),
    ),
    // issue 15: events to MQTT and webhooks (docs/integrations.md)
    integrations: Type.Object(
      {
        mqtt: Type.Optional(
          Type.Object(
            {
              url: Type.String({ pattern: '^(mqtt|mqtts|tcp|tls|ws|wss)://', description: 'MQTT broker, e.g. mqtt://broker.city:1883 (tested with Debian\'s mosquitto).' }),
              topicPrefix: Type.String({ pattern: '^[^#+]+$', default: 'vigil', description: 'Topics are <topicPrefix>/<ONVIF-style topic>, e.g. vigil/tns1/RuleEngine/LineDetector/Crossed (docs/integrations.md).' }),
              username: Type.Optional(Type.String()),
              password: Type.Optional(Type.String({ description: 'Never logged.' })),
              qos: Type.Union([Type.Literal(0), Type.Literal(1)], { default: 1, description: '1: the broker acknowledges each event (kept and sent again across a reconnect while this process runs).' }),
              kinds: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Event kinds to send (a prefix such as "analytics." matches all its kinds); empty: all.' }),
            },
            { additionalProperties: false },
          ),
        ),
        webhooks: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Names the hook in the dead-letter list and the logs.' }),
              url: Type.String({ pattern: '^https?://', description: 'Receives POSTs of JSON events.' }),
              secret: Type.String({ minLength: 16, description: 'HMAC-SHA256 key of the x-vigil-signature header (at least 16 characters; never logged).' }),
              kinds: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Event kinds to send (prefixes match); empty: all.' }),
              maxAttempts: Type.Integer({ minimum: 1, maximum: 30, default: 8, description: 'Attempts before the delivery goes to the dead-letter list.' }),
              timeoutSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 10, description: 'One attempt\'s time limit.' }),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      { level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((l) => Type.Literal(l)), { default: 'info', description: 'Log level.' }) },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type CameraConfig = Static<typeof CameraConfig>;
export type AnalyticsConfig = Static<typeof AnalyticsConfig>;
