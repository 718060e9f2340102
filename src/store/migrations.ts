// Numbered, append-only: a released migration is never edited, a change is a new number. The same
// SQL runs on SQLite and PostgreSQL, so it sticks to TEXT, BIGINT, INTEGER (booleans as 0/1) and
// JSON as TEXT.
import type { SqlDatabase } from './sql-dialect.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, cameras, segments, audit_log',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE TABLE cameras (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  url TEXT NOT NULL,
  username TEXT,
  password_enc TEXT,
  transport TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  record INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- No foreign key to cameras: recordings are evidence and outlive a camera's configuration.
-- The primary key is the index every playback query walks: one camera, a time range.
CREATE TABLE segments (
  camera_id TEXT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  path TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  PRIMARY KEY (camera_id, start_ms)
);
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  ts BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  camera_id TEXT,
  ip TEXT,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
-- "Who looked at this camera, and when" is the question an oversight body asks.
CREATE INDEX audit_log_camera ON audit_log (camera_id, seq);
CREATE INDEX audit_log_ts ON audit_log (ts);
`,
  },
  {
    version: 2,
    name: 'gaps, events, evidence_locks, segments by start',
    sql: `
-- A gap is a span without recording; it is written when video returns, so end_ms is known.
CREATE TABLE gaps (
  camera_id TEXT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (camera_id, start_ms)
);
-- System events now, analytics events later (rule, class, box, track id, snapshot in details).
-- Hundreds of millions of rows: the two questions asked are "this camera, this time" and "all
-- cameras, this time".
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  ts BIGINT NOT NULL,
  camera_id TEXT,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  details TEXT NOT NULL
);
CREATE INDEX events_camera_ts ON events (camera_id, ts);
CREATE INDEX events_ts ON events (ts);
CREATE TABLE evidence_locks (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL,
  from_ms BIGINT NOT NULL,
  to_ms BIGINT NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX evidence_locks_camera ON evidence_locks (camera_id, from_ms);
-- The volume quota deletes the oldest segments of all cameras first.
CREATE INDEX segments_start ON segments (start_ms);
`,
  },
  {
    version: 3,
    name: 'line counts per minute, camera analytics settings, event acknowledgements',
    sql: `
-- Line-crossing counts aggregated per minute: one row per camera, line, minute, class and
-- direction, so a day of one busy line is at most a few thousand rows whatever the traffic.
CREATE TABLE line_counts (
  camera_id TEXT NOT NULL,
  line TEXT NOT NULL,
  minute_ms BIGINT NOT NULL,
  cls TEXT NOT NULL,
  direction TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (camera_id, line, minute_ms, cls, direction)
);
-- What to analyse on each camera (lines, zones, rules), as a JSON document.
CREATE TABLE camera_analytics (
  camera_id TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- An operator acknowledging an alarm (an analytics event); the audit log says the same.
CREATE TABLE event_acks (
  event_id TEXT PRIMARY KEY,
  acked_by TEXT NOT NULL,
  acked_at BIGINT NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'camera sub-stream URL',
    sql: `
-- A camera's second, smaller stream (lower resolution and frame rate): live analytics decode it
-- instead of the main stream when it is set.
ALTER TABLE cameras ADD COLUMN sub_url TEXT;
`,
  },
  // --- issue 10: access and audit (100-109) -------------------------------------------------
  {
    version: 100,
    name: 'scoped roles: user scopes, camera sites and groups; audit and session lookups',
    sql: `
-- 1: the user's role covers every camera; 0: only the cameras in the user's scopes.
ALTER TABLE users ADD COLUMN all_cameras INTEGER NOT NULL DEFAULT 1;
CREATE TABLE user_scopes (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope_kind TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  PRIMARY KEY (user_id, scope_kind, scope_id)
);
-- Which sites and camera groups a camera belongs to. No foreign key: like segments, a camera's
-- scope outlives its configuration (its recordings stay in scope).
CREATE TABLE camera_scopes (
  camera_id TEXT NOT NULL,
  scope_kind TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  PRIMARY KEY (camera_id, scope_kind, scope_id)
);
CREATE INDEX camera_scopes_scope ON camera_scopes (scope_kind, scope_id);
CREATE INDEX sessions_user ON sessions (user_id);
-- "What did this user do" and "who exported": the auditor's screen filters by actor and action.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
`,
  },
  // --- issue 11: the security map ---------------------------------------------------------
  {
    version: 110,
    name: 'camera placements (position and cone), sites, outage areas',
    sql: `
-- Where a camera stands and what it sees. A table of its own rather than columns on cameras: a
-- camera without a position is a normal camera (it works everywhere but on the map). No foreign
-- key, like segments: the placement is removed with the camera by the store.
-- Degrees and metres as DOUBLE PRECISION (REAL affinity on SQLite, float8 on PostgreSQL).
CREATE TABLE camera_placements (
  camera_id TEXT PRIMARY KEY,
  lon DOUBLE PRECISION NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  bearing DOUBLE PRECISION NOT NULL,
  angle DOUBLE PRECISION NOT NULL,
  range_m DOUBLE PRECISION NOT NULL,
  ptz INTEGER NOT NULL,
  site_id TEXT,
  updated_at BIGINT NOT NULL
);
-- The map's viewport query: a latitude band, then longitude within it (bench/map.ts measures it at
-- 100,000 cameras on both engines).
CREATE INDEX camera_placements_lat_lon ON camera_placements (lat, lon);
CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  priority INTEGER NOT NULL,
  polygon TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Outage areas as they closed (and the open ones, end_ms NULL), for "outages now and in the past".
CREATE TABLE outage_areas (
  id TEXT PRIMARY KEY,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT,
  count INTEGER NOT NULL,
  camera_ids TEXT NOT NULL,
  hull TEXT NOT NULL
);
CREATE INDEX outage_areas_start ON outage_areas (start_ms);
`,
  },
  {
    version: 111,
    name: 'the members of an open outage area, so the outage picture survives a restart',
    sql: `
-- JSON: [{cameraId, pos: [lon, lat], downAt, upAt}] while the area is open; NULL once it closed
-- (camera_ids and the hull keep the record).
ALTER TABLE outage_areas ADD COLUMN members TEXT;
`,
  },
  // --- issue 12 (operator workflow): 120-129 ----------------------------------------------------
  {
    version: 120,
    name: 'alarms apart from events, their activity log',
    sql: `
-- An alarm is what an operator handles: the hits of one rule on one camera folded together, with
-- its state, owner, outcome and the rule's instructions. Events stay the record of every hit.
CREATE TABLE alarms (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL,
  rule_kind TEXT NOT NULL,
  rule TEXT NOT NULL,
  priority INTEGER NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT,
  event_id TEXT NOT NULL,
  details TEXT NOT NULL,
  first_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  hits INTEGER NOT NULL,
  fold_ms BIGINT NOT NULL,
  ack_by TEXT,
  ack_name TEXT,
  ack_at BIGINT,
  owner_id TEXT,
  owner_name TEXT,
  resolved_by TEXT,
  resolved_name TEXT,
  resolved_at BIGINT,
  steps TEXT NOT NULL,
  escalate_at BIGINT,
  escalated_at BIGINT,
  auto_close_ms BIGINT,
  snoozed_until BIGINT,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL
);
-- History pages walk (first_at, id) newest first; the fold looks up the newest alarm of a rule.
CREATE INDEX alarms_first ON alarms (first_at, id);
CREATE INDEX alarms_rule_last ON alarms (camera_id, rule_kind, rule, last_at);
CREATE INDEX alarms_state_first ON alarms (state, first_at);
CREATE INDEX alarms_escalate ON alarms (escalate_at);
CREATE TABLE alarm_activity (
  alarm_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts BIGINT NOT NULL,
  actor TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (alarm_id, seq)
);
`,
  },
  {
    version: 121,
    name: 'video wall layouts',
    sql: `
-- A saved wall: its layout, the camera of each tile and an optional tour (JSON in spec), personal
-- (shared = 0: its owner's only) or shared with everyone who may use the wall. Compare-and-set on
-- version, like alarms: two people saving one shared layout at once cannot lose a change unseen.
CREATE TABLE wall_layouts (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  owner_name TEXT NOT NULL,
  name TEXT NOT NULL,
  shared INTEGER NOT NULL,
  spec TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL
);
CREATE INDEX wall_layouts_owner ON wall_layouts (owner_id);
CREATE INDEX wall_layouts_shared ON wall_layouts (shared);
`,
  },
  {
    version: 122,
    name: 'bookmarks on recordings',
    sql: `
-- A bookmark: a moment of one camera's recording with a note, for an investigation. No foreign key
-- to cameras: like segments, a bookmark outlives the camera's configuration.
CREATE TABLE bookmarks (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  note TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX bookmarks_camera_at ON bookmarks (camera_id, at_ms);
`,
  },
  // --- issue 14: traffic (140-149) -------------------------------------------------------------
  {
    version: 140,
    name: 'camera calibrations (image to ground)',
    sql: `
-- A camera's image-to-ground calibration: the placed points (normalised image position with its
-- ground position in metres, JSON) from which the homography is fitted again on reading, so the
-- stored truth is what the operator placed. A table of its own: most cameras have none. Removed
-- with the camera by the store.
CREATE TABLE camera_calibrations (
  camera_id TEXT PRIMARY KEY,
  points TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    version: 141,
    name: 'traffic counts per minute, lane, class and speed bin',
    sql: `
-- Vehicles that left a lane, summed per camera, lane, minute, class and 10 km/h speed bin
-- (speed_bin -1: no speed measured; the last bin holds everything above), written in batches, so
-- the dashboard's counts and speed histograms survive a restart. Statistics only: no track, no
-- plate, no time finer than the minute.
CREATE TABLE traffic_counts (
  camera_id TEXT NOT NULL,
  lane TEXT NOT NULL,
  minute_ms BIGINT NOT NULL,
  cls TEXT NOT NULL,
  speed_bin INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (camera_id, lane, minute_ms, cls, speed_bin)
);
CREATE INDEX traffic_counts_camera_minute ON traffic_counts (camera_id, minute_ms);
`,
  },
  {
    // Issue 14's item done with issue 13's retention; numbered from the top of 140-149 so as not to
    // take the traffic work's next number (it must run after 141, which makes the table).
    version: 149,
    name: 'traffic counts by minute (retention)',
    sql: `
-- The retention sweep deletes traffic counts by age, like line counts (migration 134).
CREATE INDEX traffic_counts_minute ON traffic_counts (minute_ms);
`,
  },
  // --- issue 15 (cluster): 150-159 ---------------------------------------------------------------
  {
    version: 150,
    name: 'segments by node, camera lease fences',
    sql: `
-- In a cluster each segment's file lives on the node that recorded it: recovery and retention of
-- a node touch only its own rows, and playback through the api finds the node to ask.
ALTER TABLE segments ADD COLUMN node_id TEXT;
CREATE INDEX segments_node_start ON segments (node_id, start_ms);
-- The fencing token of each camera's lease (the lease's JetStream revision, which only grows): a
-- node indexes a segment only while the token it acquired is still the camera's.
CREATE TABLE camera_fences (
  camera_id TEXT PRIMARY KEY,
  node_id TEXT NOT NULL,
  token BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    version: 151,
    name: 'webhook dead letters',
    sql: `
-- Webhook deliveries that gave up (attempts exhausted, a permanent refusal, or the process
-- stopping with them still queued): kept for an operator to read and send again, never dropped.
CREATE TABLE webhook_dead_letters (
  id TEXT PRIMARY KEY,
  hook TEXT NOT NULL,
  event_id TEXT,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  first_at BIGINT NOT NULL,
  failed_at BIGINT NOT NULL
);
CREATE INDEX webhook_dead_letters_failed ON webhook_dead_letters (failed_at, id);
`,
  },
  {
    version: 152,
    name: 'camera ONVIF addresses',
    sql: `
-- Where a camera answers ONVIF (its device service) and which media profile its PTZ commands
-- name; its credentials are the camera's own.
CREATE TABLE camera_onvif (
  camera_id TEXT PRIMARY KEY REFERENCES cameras(id) ON DELETE CASCADE,
  xaddr TEXT NOT NULL,
  profile_token TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    version: 153,
    name: 'control plane at city size: viewport cells, camera count, cameras by scope',
    sql: `
-- The map's viewport query read a whole latitude band of the city (a 0.02 degree box scanned 15
-- times the cameras it returned at 100,000 cameras). Rows of 0.005 degrees of latitude (about
-- 550 m) let it read only the rows the box crosses, longitude-ranged within each
-- (docs/decisions/066-control-plane-at-city-size.md). floor() exists on both engines.
ALTER TABLE camera_placements ADD COLUMN lat_cell INTEGER;
UPDATE camera_placements SET lat_cell = CAST(floor(lat * 200) AS INTEGER);
CREATE INDEX camera_placements_cell ON camera_placements (lat_cell, lon);
-- Row counts kept by the store in the transaction that adds or removes a row, so the camera
-- list's total is one row read rather than a count over 100,000 rows on every page.
CREATE TABLE row_counts (
  name TEXT PRIMARY KEY,
  n BIGINT NOT NULL
);
INSERT INTO row_counts (name, n) SELECT 'cameras', COUNT(*) FROM cameras;
-- A site's or group's cameras in id order (the camera list filtered by scope, a page at a time).
CREATE INDEX camera_scopes_scope_camera ON camera_scopes (scope_kind, scope_id, camera_id);
DROP INDEX camera_scopes_scope;
`,
  },
  {
    version: 154,
    name: 'camera health reported by the nodes',
    sql: `
-- The newest health report of each camera from the node recording it (every 10 s, in batches),
-- so an api process knows the state of cameras recorded elsewhere. state_since: when the camera
-- last changed state (how long it has been offline).
CREATE TABLE camera_health (
  camera_id TEXT PRIMARY KEY,
  node_id TEXT NOT NULL,
  state TEXT NOT NULL,
  state_since BIGINT NOT NULL,
  fps DOUBLE PRECISION,
  bitrate_kbps DOUBLE PRECISION,
  width INTEGER,
  height INTEGER,
  codec TEXT,
  reconnects INTEGER NOT NULL,
  last_frame_at BIGINT,
  error TEXT,
  reported_at BIGINT NOT NULL
);
`,
  },
  {
    version: 155,
    name: 'alarm hits stored once',
    sql: `
-- Each rule hit that raised an alarm or folded into one, by its event id: a node's hits reach the
-- store through its outbox and JetStream (docs/decisions/067-node-alarms-through-the-outbox.md),
-- which may deliver one twice (a redelivery after a crash between the write and the ack); the
-- second finds its hit here and changes nothing. Deleted with the hit's event (retention).
CREATE TABLE alarm_hits (
  event_id TEXT PRIMARY KEY,
  alarm_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX alarm_hits_alarm ON alarm_hits (alarm_id);
`,
  },
  {
    version: 156,
    name: 'lost frames in camera health',
    sql: `
-- Pictures the camera sent that its node could not record since that node's process started
-- (damaged by lost packets, or skipped until the next keyframe); null from a node that does not count them.
ALTER TABLE camera_health ADD COLUMN lost_frames BIGINT;
`,
  },
  {
    version: 157,
    name: 'camera health history',
    sql: `
-- Samples of each camera's health as its node reported it: on every change of state and every
-- 15 minutes otherwise (about 100 a camera a day), deleted with the events' retention.
CREATE TABLE camera_health_history (
  camera_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  node_id TEXT NOT NULL,
  state TEXT NOT NULL,
  fps DOUBLE PRECISION,
  bitrate_kbps DOUBLE PRECISION,
  reconnects INTEGER NOT NULL,
  lost_frames BIGINT,
  error TEXT,
  PRIMARY KEY (camera_id, at)
);
CREATE INDEX camera_health_history_at ON camera_health_history (at);
`,
  },
  // --- issue 13 (privacy) ---------------------------------------------------------------------
  {
    version: 130,
    name: 'privacy masks and their lifts',
    sql: `
-- A camera's privacy masks: polygons normalised to the frame (JSON [[x, y], ...]); a liftable one
-- may be lifted for a while by a user with mask.lift and a reason, a permanent one never.
CREATE TABLE privacy_masks (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL,
  name TEXT NOT NULL,
  polygon TEXT NOT NULL,
  liftable INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX privacy_masks_camera ON privacy_masks (camera_id);
-- A lift: this user sees under this camera's liftable masks until expires_at (or ended_at, if ended early).
CREATE TABLE mask_lifts (
  id TEXT PRIMARY KEY,
  camera_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX mask_lifts_user_camera ON mask_lifts (user_id, camera_id, expires_at);
`,
  },
  {
    version: 131,
    name: 'purposes for looking back, privacy settings',
    sql: `
-- The purposes an access to older recordings may be made for (kept by the admin; retired, never deleted: audit entries name them).
CREATE TABLE access_purposes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- Privacy policies as JSON by name (look-back limits, ...).
CREATE TABLE privacy_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    version: 132,
    name: 'audit log by action and time (transparency report)',
    sql: `
CREATE INDEX audit_log_action_ts ON audit_log (action, ts);
`,
  },
  {
    version: 133,
    name: 'camera purposes, legal bases and recording retention',
    sql: `
-- Why a camera records, on what legal basis, and how long its recordings are kept: 72 h unless
-- the purpose says why more (retention_reason). Evidence locks still win over retention.
CREATE TABLE camera_purposes (
  camera_id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  retention_hours DOUBLE PRECISION NOT NULL,
  retention_reason TEXT,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
`,
  },
  {
    version: 134,
    name: 'retention of events, alarms and counts: lookups by age',
    sql: `
-- The retention sweep deletes events older than the policy unless an open alarm (a case being
-- handled) still points at them, resolved alarms by when they were last seen, and line counts by minute.
CREATE INDEX alarms_event ON alarms (event_id);
CREATE INDEX alarms_state_last ON alarms (state, last_at);
CREATE INDEX line_counts_minute ON line_counts (minute_ms);
`,
  },
  {
    version: 135,
    name: 'audit log: a covering index for the transparency report',
    sql: `
-- The transparency report counts entries per action and UTC day, leaving out HLS part requests
-- (recording.play entries whose details say "via":"hls-..."). Migration 132's (action, ts) index
-- left the details to be read from every recording.play row: over 10 M entries, seconds of reads
-- from a cold disk. With "is it an HLS part" and the day in the index, the count reads the index
-- alone, in the order of its GROUP BY. Derived from the hashed details, so it cannot drift from
-- what the chain vouches for (decision 043). The expressions must stay the report query's text
-- (store/privacy-queries.ts): SQLite matches indexed expressions by their text.
CREATE INDEX audit_log_report ON audit_log (action, (details LIKE '%"via":"hls-%'), (ts / 86400000), ts);
`,
  },
  {
    version: 136,
    name: 'four-eyes export requests',
    sql: `
-- Export requests waiting for a second user (four eyes), and the decision on each, so that a
-- restart loses none. The decision is taken by one conditional UPDATE (state still
-- 'awaiting_approval', decider not the requester): of two approvers at once exactly one wins.
-- state: awaiting_approval | approved | refused. cameras and purpose are JSON.
CREATE TABLE export_requests (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  cameras TEXT NOT NULL,
  from_ms BIGINT NOT NULL,
  to_ms BIGINT NOT NULL,
  reason TEXT NOT NULL,
  purpose TEXT,
  requested_by TEXT NOT NULL,
  requested_by_name TEXT NOT NULL,
  requested_ip TEXT,
  requested_at BIGINT NOT NULL,
  decided_by TEXT,
  decided_by_name TEXT,
  decided_at BIGINT,
  decision_reason TEXT,
  redaction_lift_reason TEXT
);
CREATE INDEX export_requests_state ON export_requests (state, requested_at);
CREATE INDEX export_requests_requester ON export_requests (requested_by, requested_at);
`,
  },
];

/** Arbitrary constant naming Vigil's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK = 7_300_001;

/** Applies the migrations this database lacks, all in one transaction. Returns versions applied. */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await db.execScript(
      tx,
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const rows = await tx.query('SELECT version FROM schema_migrations');
    const have = new Set(rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (have.has(m.version)) continue;
      await db.execScript(tx, m.sql);
      await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}
