// The store's public contract. Every method is async: the embedded database runs on its own
// thread (see docs/decisions/001-embedded-database.md), PostgreSQL over the network.
// Times are milliseconds since the Unix epoch (numbers). Ids are text.
import type { AuditAction, AuditEntry } from '../audit/index.ts';

export type Role = 'admin' | 'supervisor' | 'operator' | 'viewer' | 'auditor';

export interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: number;
  disabled: boolean;
  /** true: the role covers every camera; false: only the cameras of the user's scopes (issue 10). */
  allCameras?: boolean;
}

export interface SessionRow {
  /** SHA-256 (hex) of the session token; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
}

export interface CameraRow {
  id: string;
  name: string;
  /** RTSP URL without credentials. */
  url: string;
  /** RTSP URL of the camera's sub-stream (same credentials), or null when it has none. */
  subUrl: string | null;
  username: string | null;
  /** AES-256-GCM ciphertext (base64) of the camera password, or null. Never the clear text. */
  passwordEnc: string | null;
  transport: 'tcp' | 'udp';
  enabled: boolean;
  record: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewCamera = Omit<CameraRow, 'createdAt' | 'updatedAt' | 'subUrl'> & { subUrl?: string | null };
export type CameraPatch = Partial<Omit<CameraRow, 'id' | 'createdAt' | 'updatedAt'>>;

export interface SegmentRow {
  cameraId: string;
  startMs: number;
  endMs: number;
  /** Path relative to the recordings root. */
  path: string;
  bytes: number;
  /** The cluster node that recorded it and holds its file (absent in the embedded single process). */
  nodeId?: string;
}

/** A span in which a camera was not recorded, and why (e.g. CAMERA_UNREACHABLE, RECORDER_DOWN, DISK_FULL). */
export interface GapRow {
  cameraId: string;
  startMs: number;
  endMs: number;
  reason: string;
}

export type EventSeverity = 'info' | 'warning' | 'critical';

/**
 * A system event (disk.full, camera.offline, retention.deleted) or, later, an analytics event
 * (rule hit: the rule, class, box, track id and snapshot path go in details).
 */
export interface EventRow {
  id: string;
  ts: number;
  cameraId: string | null;
  kind: string;
  severity: EventSeverity;
  details: Record<string, unknown>;
}

export interface EventQuery {
  fromMs: number;
  toMs: number;
  cameraId?: string;
  kind?: string;
  /** default 1000 */
  limit?: number;
}

/** Line crossings of one class in one direction during one minute (minuteMs is the minute's start). */
export interface LineCountRow {
  cameraId: string;
  line: string;
  minuteMs: number;
  cls: string;
  direction: 'positive' | 'negative';
  n: number;
}

/** A camera's analytics settings (a JSON document the alarms part validates). */
export interface CameraAnalyticsRow {
  cameraId: string;
  settings: Record<string, unknown>;
  updatedAt: number;
}

export interface EventAckRow {
  eventId: string;
  /** user id */
  ackedBy: string;
  ackedAt: number;
}

/** An interval of one camera pinned beyond retention, for a stated reason. */
export interface EvidenceLockRow {
  id: string;
  cameraId: string;
  fromMs: number;
  toMs: number;
  reason: string;
  /** user id who placed it */
  createdBy: string;
  createdAt: number;
}

/** Which segment to delete: a camera's segment is named by its start. */
export interface SegmentKey {
  cameraId: string;
  startMs: number;
}

/** What a caller says about an action; the store adds seq, ts, prevHash and hash. */
export interface AuditInput {
  /** user id, or "system" */
  actor: string;
  action: AuditAction;
  cameraId?: string | null;
  /** remote address of the request */
  ip?: string | null;
  /** small JSON object with whatever else matters (never secrets) */
  details?: Record<string, unknown>;
  /** defaults to Date.now() */
  ts?: number;
}

// --- issue 13 (privacy) ---------------------------------------------------------------------------
/** A privacy mask: a polygon normalised to the frame ([x, y], 0..1, y down). */
export interface PrivacyMaskRow {
  id: string;
  cameraId: string;
  name: string;
  polygon: [number, number][];
  /** false: permanent (no one sees under it); true: a user with mask.lift may lift it for a while, with a reason. */
  liftable: boolean;
  createdBy: string;
  createdAt: number;
}

/** A purpose an access to older recordings may be made for. */
export interface AccessPurposeRow {
  id: string;
  name: string;
  active: boolean;
  createdBy: string;
  createdAt: number;
}

/** A user's lift of a camera's liftable masks, until expiresAt (or endedAt when ended early). */
export interface MaskLiftRow {
  id: string;
  cameraId: string;
  userId: string;
  reason: string;
  startedAt: number;
  expiresAt: number;
  endedAt: number | null;
}

/** The audit part owns the entry's shape (it hashes and verifies it); the store keeps it. */
export type { AuditEntry };

// --- issue 10: access and audit ------------------------------------------------------------

/** A site or a camera group: what a scoped grant covers, and what a camera belongs to. */
export interface ScopeRef {
  kind: 'site' | 'group';
  id: string;
}

export interface CameraScopeRow extends ScopeRef {
  cameraId: string;
}

export type UserPatch = Partial<Pick<UserRow, 'role' | 'disabled' | 'passwordHash' | 'allCameras'>>;

/** Filters of the audit log as an auditor asks them ("who watched what, when, why"). */
export interface AuditQuery {
  actor?: string;
  cameraId?: string;
  /** exact action, or a prefix ending in "." (e.g. "export.") */
  action?: string;
  /** text found in the entry's purpose or reason */
  purpose?: string;
  fromMs?: number;
  toMs?: number;
  /** entries with seq below this (paging back from the newest) */
  beforeSeq?: number;
  /** default 100 */
  limit?: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;

  createUser(user: Omit<UserRow, 'createdAt'>, audit?: AuditInput): Promise<UserRow>;
  getUserByName(username: string): Promise<UserRow | null>;
  getUser(id: string): Promise<UserRow | null>;
  /** Returns false when no user has that id. */
  setUserPassword(id: string, passwordHash: string, audit?: AuditInput): Promise<boolean>;
  listUsers(): Promise<UserRow[]>;
  countUsers(): Promise<number>;

  createSession(s: SessionRow): Promise<void>;
  getSession(tokenHash: string, now: number): Promise<SessionRow | null>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(now: number): Promise<number>;

  createCamera(c: NewCamera, audit?: AuditInput): Promise<CameraRow>;
  getCamera(id: string): Promise<CameraRow | null>;
  listCameras(): Promise<CameraRow[]>;
  /** Returns the updated row, or null when no camera has that id. */
  updateCamera(id: string, patch: CameraPatch, audit?: AuditInput): Promise<CameraRow | null>;
  /** Returns false when no camera has that id. Segments stay (evidence outlives config). */
  deleteCamera(id: string, audit?: AuditInput): Promise<boolean>;

  addSegment(seg: SegmentRow): Promise<void>;
  /** Segments of a camera that overlap [fromMs, toMs], oldest first. */
  listSegments(cameraId: string, fromMs: number, toMs: number, limit?: number): Promise<SegmentRow[]>;

  /**
   * Inserts or updates segments by (cameraId, startMs), all in one transaction: the recorder
   * indexes a segment when it opens and moves its end forward while it grows.
   */
  putSegments(segs: SegmentRow[]): Promise<void>;
  /** The camera's latest segment (by start), or null. */
  lastSegment(cameraId: string): Promise<SegmentRow | null>;
  /**
   * Oldest segments first (by start, then camera): of one camera when cameraId is given, else of
   * all cameras; only those ending at or before endBeforeMs, and only those after the cursor
   * `after` (to page past segments a caller had to keep), when given.
   */
  listOldestSegments(opts: { cameraId?: string; endBeforeMs?: number; after?: SegmentKey; limit: number }): Promise<SegmentRow[]>;
  /** Every camera id that has segments (cameras removed from the configuration included). */
  listSegmentCameras(): Promise<string[]>;
  /** Sum of the bytes of all indexed segments. */
  totalSegmentBytes(): Promise<number>;
  /** Removes index rows (and writes the audit entry in the same transaction). Returns rows removed. */
  deleteSegments(keys: SegmentKey[], audit?: AuditInput): Promise<number>;

  addGap(gap: GapRow): Promise<void>;
  /** Gaps of a camera that overlap [fromMs, toMs], oldest first. */
  listGaps(cameraId: string, fromMs: number, toMs: number, limit?: number): Promise<GapRow[]>;

  addEvent(e: Omit<EventRow, 'id'> & { id?: string }): Promise<EventRow>;
  /** Events with fromMs <= ts <= toMs, newest first. */
  listEvents(q: EventQuery): Promise<EventRow[]>;

  addEvidenceLock(lock: EvidenceLockRow, audit?: AuditInput): Promise<EvidenceLockRow>;
  listEvidenceLocks(cameraId?: string): Promise<EvidenceLockRow[]>;
  getEvidenceLock(id: string): Promise<EvidenceLockRow | null>;
  /** Returns false when no lock has that id (and then writes no audit entry). */
  deleteEvidenceLock(id: string, audit?: AuditInput): Promise<boolean>;

  getEvent(id: string): Promise<EventRow | null>;
  /** Adds each row's n to the stored count of its (camera, line, minute, class, direction). */
  addLineCounts(rows: LineCountRow[]): Promise<void>;
  /** Counts of a camera (one line when given) with fromMs <= minuteMs < toMs, by minute. */
  listLineCounts(q: { cameraId: string; line?: string; fromMs: number; toMs: number }): Promise<LineCountRow[]>;

  getCameraAnalytics(cameraId: string): Promise<CameraAnalyticsRow | null>;
  listCameraAnalytics(): Promise<CameraAnalyticsRow[]>;
  /** Inserts or replaces (and writes the audit entry in the same transaction). */
  putCameraAnalytics(row: CameraAnalyticsRow, audit?: AuditInput): Promise<void>;

  /** Returns false when the event was already acknowledged (and then writes no audit entry). */
  ackEvent(ack: EventAckRow, audit?: AuditInput): Promise<boolean>;
  listEventAcks(eventIds: string[]): Promise<EventAckRow[]>;

  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Entries with seq > afterSeq, in seq order, at most `limit`. */
  listAudit(afterSeq: number, limit: number): Promise<AuditEntry[]>;

  // --- issue 10: access and audit ----------------------------------------------------------
  /** Returns the updated row, or null when no user has that id (and then writes no audit entry). */
  updateUser(id: string, patch: UserPatch, audit?: AuditInput): Promise<UserRow | null>;
  /** Removes the user, their sessions and scopes. Returns false when no user has that id. */
  deleteUser(id: string, audit?: AuditInput): Promise<boolean>;
  /** Ends every session of a user. Returns the number ended. */
  deleteUserSessions(userId: string, audit?: AuditInput): Promise<number>;
  listUserScopes(userId: string): Promise<ScopeRef[]>;
  /** Replaces the user's scopes. */
  setUserScopes(userId: string, scopes: ScopeRef[], audit?: AuditInput): Promise<void>;
  listCameraScopes(): Promise<CameraScopeRow[]>;
  /** Replaces the sites and groups a camera belongs to. */
  setCameraScopes(cameraId: string, scopes: ScopeRef[], audit?: AuditInput): Promise<void>;
  /** Newest first. */
  queryAudit(q: AuditQuery): Promise<AuditEntry[]>;
  /** The last entry's seq, hash and time, or null for an empty log. */
  auditHead(): Promise<{ seq: number; hash: string; ts: number } | null>;
  // --- issue 15 (cluster) -------------------------------------------------------------------------
  /**
   * Makes `token` the camera's fencing token held by nodeId, unless the camera already has a
   * token at least as new. Returns false when a newer lease fenced this one out.
   */
  setCameraFence(cameraId: string, nodeId: string, token: number): Promise<boolean>;
  getCameraFence(cameraId: string): Promise<{ nodeId: string; token: number } | null>;
  /**
   * Inserts or updates segments of nodeId in one transaction. A segment carrying `fence` is
   * written only while that token and node are still the camera's fence; the ones refused are
   * returned (their lease moved to another node).
   */
  putNodeSegments(nodeId: string, segs: (SegmentRow & { fence?: number })[]): Promise<SegmentKey[]>;
  /** The latest segment of the camera recorded by nodeId, or null. */
  lastNodeSegment(cameraId: string, nodeId: string): Promise<SegmentRow | null>;
  /** As listOldestSegments, of nodeId's segments only. */
  listOldestNodeSegments(nodeId: string, opts: { cameraId?: string; endBeforeMs?: number; after?: SegmentKey; limit: number }): Promise<SegmentRow[]>;
  listNodeSegmentCameras(nodeId: string): Promise<string[]>;
  totalNodeSegmentBytes(nodeId: string): Promise<number>;

  // --- issue 13 (privacy) -------------------------------------------------------------------------
  addPrivacyMask(mask: PrivacyMaskRow, audit?: AuditInput): Promise<PrivacyMaskRow>;
  /** Masks of one camera, or of every camera, oldest first. */
  listPrivacyMasks(cameraId?: string): Promise<PrivacyMaskRow[]>;
  /** Returns false when the camera has no mask with that id (and then writes no audit entry). */
  deletePrivacyMask(cameraId: string, id: string, audit?: AuditInput): Promise<boolean>;
  addMaskLift(lift: MaskLiftRow, audit?: AuditInput): Promise<MaskLiftRow>;
  /** The user's lift of the camera's masks in force at `now`, or null. */
  activeMaskLift(cameraId: string, userId: string, now: number): Promise<MaskLiftRow | null>;
  /** Ends the user's lifts of the camera in force at `at`; returns how many ended. */
  endMaskLifts(cameraId: string, userId: string, at: number, audit?: AuditInput): Promise<number>;
  listAccessPurposes(): Promise<AccessPurposeRow[]>;
  /** Inserts or updates by id; DUPLICATE when another purpose has the name. */
  putAccessPurpose(p: AccessPurposeRow, audit?: AuditInput): Promise<void>;
  getPrivacySetting(name: string): Promise<unknown | null>;
  putPrivacySetting(name: string, value: unknown, audit?: AuditInput): Promise<void>;
  /**
   * Audit entries of these actions counted per UTC day (days since the epoch), for the
   * transparency report; recording.play entries of single HLS parts are not counted (one per playlist).
   */
  auditDailyCounts(actions: string[]): Promise<{ day: number; action: string; n: number }[]>;
  // --- issue 11: the security map (src/store/map-queries.ts) --------------------------------
  /** Inserts or replaces placements, all in one transaction (an import is all or nothing). */
  putCameraPlacements(rows: CameraPlacementRow[], audit?: AuditInput): Promise<void>;
  getCameraPlacement(cameraId: string): Promise<CameraPlacementRow | null>;
  /** Returns false when the camera had no placement (and then writes no audit entry). */
  deleteCameraPlacement(cameraId: string, audit?: AuditInput): Promise<boolean>;
  /**
   * Placements of existing cameras, by camera id; within `bbox` when given (the map's viewport),
   * after `afterId` when given (paging), at most `limit` (default 10,000).
   */
  listCameraPlacements(q?: PlacementQuery): Promise<PlacementWithCamera[]>;
  countCameraPlacements(bbox?: BBoxQuery): Promise<number>;
  putSite(site: SiteRow, audit?: AuditInput): Promise<SiteRow>;
  getSite(id: string): Promise<SiteRow | null>;
  listSites(): Promise<SiteRow[]>;
  /** Returns false when no site has that id (and then writes no audit entry). */
  deleteSite(id: string, audit?: AuditInput): Promise<boolean>;
  /** Inserts or replaces by id. */
  putOutageArea(area: OutageAreaRow): Promise<void>;
  /** Outage areas that overlap [fromMs, toMs] (open ones included), newest first. */
  listOutageAreas(q: { fromMs: number; toMs: number; limit?: number }): Promise<OutageAreaRow[]>;
  /** Cameras by id after `afterId`, at most `limit`: GET /api/cameras pages instead of listing 100,000. */
  listCamerasPage(q: { afterId?: string; limit: number }): Promise<CameraRow[]>;
  countCameras(): Promise<number>;

  // --- issue 12 (operator workflow) ---------------------------------------------------------------
  /**
   * Folds the hit into the open alarm of its camera and rule whose last hit is within the alarm's
   * fold window (hits + 1), or raises a new alarm (with a 'raised' activity line). Atomic: two hits
   * at once never raise two alarms.
   */
  raiseAlarm(hit: AlarmHit): Promise<{ alarm: AlarmRow; folded: boolean; duplicate?: true }>;
  getAlarm(id: string): Promise<AlarmRow | null>;
  /**
   * Writes `next` only while the stored alarm still has version `expectedVersion` (then version + 1),
   * with its activity lines and audit entry in the same transaction. Returns the stored row, or
   * null when another change came first (nothing written).
   */
  updateAlarm(expectedVersion: number, next: AlarmRow, activity: AlarmActivityInput[], audit?: AuditInput): Promise<AlarmRow | null>;
  listAlarms(q: AlarmQuery): Promise<AlarmRow[]>;
  /** Oldest first. */
  listAlarmActivity(alarmId: string, limit?: number): Promise<AlarmActivityRow[]>;
  /** Open alarms whose escalation or auto-close is due at `now`. */
  listDueAlarms(now: number, limit: number): Promise<AlarmRow[]>;

  // --- issue 14: traffic (src/store/traffic-queries.ts) ----------------------------------------
  /** Inserts or replaces the camera's calibration points. */
  putCameraCalibration(row: CameraCalibrationRow, audit?: AuditInput): Promise<void>;
  getCameraCalibration(cameraId: string): Promise<CameraCalibrationRow | null>;
  /** Returns false when the camera had no calibration (and then writes no audit entry). */
  deleteCameraCalibration(cameraId: string, audit?: AuditInput): Promise<boolean>;
  /** Adds vehicle counts (summed into any row of the same camera, lane, minute, class and speed bin). */
  addTrafficCounts(rows: TrafficCountRow[]): Promise<void>;
  /** Counts with minuteMs in [fromMs, toMs), by minute, lane, class, speed bin. */
  listTrafficCounts(q: { cameraId: string; fromMs: number; toMs: number }): Promise<TrafficCountRow[]>;

  // --- issue 12 (video wall, investigation): src/store/wall-queries.ts ---------------------------
  /** Inserts a layout (version 1), audited in the same transaction. */
  addWallLayout(row: WallLayoutRow, audit?: AuditInput): Promise<WallLayoutRow>;
  /** Replaces name, shared and spec when the stored version is `expectedVersion`; null when it is not (or the layout is gone). */
  updateWallLayout(expectedVersion: number, next: WallLayoutRow, audit?: AuditInput): Promise<WallLayoutRow | null>;
  getWallLayout(id: string): Promise<WallLayoutRow | null>;
  /** The user's own layouts and every shared one, by name. */
  listWallLayouts(userId: string): Promise<WallLayoutRow[]>;
  deleteWallLayout(id: string, audit?: AuditInput): Promise<boolean>;
  addBookmark(row: BookmarkRow, audit?: AuditInput): Promise<BookmarkRow>;
  getBookmark(id: string): Promise<BookmarkRow | null>;
  /** Bookmarks of these cameras in [fromMs, toMs], oldest first. */
  listBookmarks(q: { cameraIds: string[]; fromMs: number; toMs: number; limit: number }): Promise<BookmarkRow[]>;
  deleteBookmark(id: string, audit?: AuditInput): Promise<boolean>;

  // --- issue 15: integrations (src/store/integration-queries.ts) -----------------------------
  addWebhookDeadLetter(row: WebhookDeadLetterRow): Promise<void>;
  /** Newest first; `before` is the keyset cursor (failedAt, id) of the last row seen. */
  listWebhookDeadLetters(q: { hook?: string; before?: { failedAt: number; id: string }; limit: number }): Promise<WebhookDeadLetterRow[]>;
  /** Removes and returns the dead letter (to send it again), or null when there is none of that id. */
  takeWebhookDeadLetter(id: string, audit?: AuditInput): Promise<WebhookDeadLetterRow | null>;
  /** Inserts or replaces where the camera answers ONVIF. */
  putCameraOnvif(row: CameraOnvifRow, audit?: AuditInput): Promise<void>;
  getCameraOnvif(cameraId: string): Promise<CameraOnvifRow | null>;

  // --- issue 11 (continued): the security map ---------------------------------------------------
  /** Inserts or replaces sites, all in one transaction (an import is all or nothing). */
  putSites(sites: SiteRow[], audit?: AuditInput): Promise<SiteRow[]>;

  // --- issue 13 (privacy): retention ----------------------------------------------------------------
  /** Inserts or replaces a camera's purpose, legal basis and recording retention. */
  putCameraPurpose(row: CameraPurposeRow, audit?: AuditInput): Promise<void>;
  listCameraPurposes(): Promise<CameraPurposeRow[]>;

  // --- issue 13 (privacy): retention of everything else (queries in retention-queries.ts) ---------
  /**
   * Up to `limit` events older than beforeMs — not inside an evidence lock of their camera, not the
   * event of an alarm still open — with resolved alarms last seen before it (and their activity)
   * webhook dead letters failed before it and mask lifts that ran out before it; one audit entry
   * (the given one, details added) when anything went, in the same transaction.
   */
  deleteEventsBefore(q: { beforeMs: number; limit: number }, audit: AuditInput): Promise<RetentionDeletion & { alarms: number; deadLetters: number; maskLifts: number }>;
  /** Line counts of the minutes [fromMs (default: the oldest), min(beforeMs, fromMs + stepMs)), locked ones kept; audited likewise. */
  deleteLineCountsBefore(q: { fromMs?: number; beforeMs: number; stepMs: number }, audit: AuditInput): Promise<RetentionDeletion & { nextFromMs: number }>;
  /** The first audit entries (at most limit, none past maxSeq) all older than beforeMs: the stretch a prune would cut. */
  auditPruneCandidate(q: { beforeMs: number; maxSeq: number; limit: number }): Promise<{ firstSeq: number; firstTs: number; throughSeq: number; throughTs: number; hash: string } | null>;
  /** Deletes audit entries through throughSeq if it still has this hash, with the given audit.prune entry; null otherwise. */
  pruneAudit(q: { throughSeq: number; hash: string }, audit: AuditInput): Promise<number | null>;

  // --- issue 15: the control plane at city size (src/store/control-plane-queries.ts) -------------
  /** Cameras in any of these scopes (sites, groups), by id after `afterId`, at most `limit`. */
  listCamerasInScopes(q: { scopes: ScopeRef[]; afterId?: string; limit: number }): Promise<CameraRow[]>;
  countCamerasInScopes(scopes: ScopeRef[]): Promise<number>;
  /** Inserts or replaces the newest health of each camera (a node's report); returns the rows written. */
  putCameraHealth(rows: CameraHealthRow[]): Promise<number>;
  /** Newest health by camera id. */
  listCameraHealth(q: CameraHealthQuery): Promise<CameraHealthRow[]>;
  /** Every camera linked to its ONVIF address (whose pull-point events Vigil reads). */
  listCameraOnvif(): Promise<CameraOnvifRow[]>;

  // --- issue 15: camera health history (src/store/control-plane-queries.ts) ------------------------
  /** Adds samples of cameras' health (a sample already there for that camera and time is kept); returns the rows added. */
  addCameraHealthSamples(rows: CameraHealthSample[]): Promise<number>;
  /** One camera's samples from fromMs to toMs, newest first. */
  listCameraHealthSamples(q: { cameraId: string; fromMs: number; toMs: number; limit: number }): Promise<CameraHealthSample[]>;
  /** Deletes up to `limit` samples older than beforeMs (any camera); returns how many went. */
  deleteCameraHealthSamplesBefore(beforeMs: number, limit: number): Promise<number>;
  // --- issue 13 (privacy): four-eyes export requests (src/store/export-request-queries.ts) -------
  addExportRequest(row: ExportRequestRow): Promise<void>;
  getExportRequest(id: string): Promise<ExportRequestRow | null>;
  /** Newest first; by state and/or requester. */
  listExportRequests(q: { state?: ExportRequestRow['state']; requestedBy?: string; limit: number }): Promise<ExportRequestRow[]>;
  /**
   * Decides a request still awaiting approval, by someone other than its requester, with the
   * audit entry in the same transaction; false (and no entry) when it was not awaiting approval
   * any more or the decider is the requester: of two deciders at once exactly one gets true.
   */
  decideExportRequest(id: string, d: ExportDecision, audit: AuditInput): Promise<boolean>;
  /** issue 14's traffic counts of old minutes, as deleteLineCountsBefore (locked ones kept; audited naming the table). */
  deleteTrafficCountsBefore(q: { fromMs?: number; beforeMs: number; stepMs: number }, audit: AuditInput): Promise<RetentionDeletion & { nextFromMs: number }>;
  /** Deletes requests decided before beforeMs (retention), with the given audit entry (details added) when any went; returns how many. */
  deleteDecidedExportRequestsBefore(beforeMs: number, audit: AuditInput): Promise<number>;
}

// --- issue 13 (privacy): retention of everything else --------------------------------------------------
/** What one retention batch deleted and what it had to keep. */
export interface RetentionDeletion {
  deleted: number;
  /** rows deleted per camera ('' for rows of no camera) */
  cameras: Record<string, number>;
  /** times of the oldest and newest row deleted */
  fromMs: number | null;
  toMs: number | null;
  /** due but inside an evidence lock */
  keptByLock: number;
  /** due but the event of an alarm still open */
  keptByOpenCase: number;
  /** a batch limit was hit: call again */
  more: boolean;
}

// --- issue 13 (privacy): four-eyes export requests -------------------------------------------------
/** An export asked for with four eyes on, and the second user's decision. */
export interface ExportRequestRow {
  id: string;
  state: 'awaiting_approval' | 'approved' | 'refused';
  cameras: string[];
  fromMs: number;
  toMs: number;
  reason: string;
  /** the purpose of looking back stated with it (shown to the approver) */
  purpose: { name: string; text: string } | null;
  requestedBy: string;
  requestedByName: string;
  requestedIp: string | null;
  requestedAt: number;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
  /** why it was refused */
  decisionReason: string | null;
  /** the approver left faces and plates unredacted, for this reason */
  redactionLiftReason: string | null;
}

export interface ExportDecision {
  state: 'approved' | 'refused';
  decidedBy: string;
  decidedByName: string;
  decidedAt: number;
  decisionReason?: string | null;
  redactionLiftReason?: string | null;
}

// --- issue 15: the control plane at city size --------------------------------------------------------

/** A camera's newest health as the node recording it reported it. */
export interface CameraHealthRow {
  cameraId: string;
  nodeId: string;
  state: 'connecting' | 'online' | 'offline' | 'disabled';
  /** When the camera entered this state (kept by the store across reports of the same state). */
  stateSince: number;
  fps: number | null;
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  reconnects: number;
  lastFrameAt: number | null;
  error: string | null;
  reportedAt: number;
  /** Pictures lost since the node's process started (packet loss, skipped until a keyframe); null: not counted. */
  lostFrames: number | null;
}

/** issue 15: a camera's health at one moment, kept in its history. */
export interface CameraHealthSample {
  cameraId: string;
  at: number;
  nodeId: string;
  state: CameraHealthRow['state'];
  fps: number | null;
  bitrateKbps: number | null;
  reconnects: number;
  lostFrames: number | null;
  error: string | null;
}

export interface CameraHealthQuery {
  cameraIds?: string[];
  afterId?: string;
  /** Only cameras with id ≤ this (with afterId: the health of one page of cameras). */
  throughId?: string;
  nodeId?: string;
  limit: number;
}

// --- issue 13 (privacy): retention ------------------------------------------------------------------

/** Why a camera records, on what legal basis, and how long its recordings are kept. */
export interface CameraPurposeRow {
  cameraId: string;
  purpose: string;
  /** GDPR art. 6(1) basis: consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests. */
  legalBasis: string;
  retentionHours: number;
  /** Why more than 72 h (null when 72 h or less). */
  retentionReason: string | null;
  updatedBy: string;
  updatedAt: number;
}

// --- issue 12 (video wall, investigation) ----------------------------------------------------------

/** A saved video wall. `spec` is the layout, tiles and tour as the api part validated them. */
export interface WallLayoutRow {
  id: string;
  ownerId: string;
  ownerName: string;
  name: string;
  /** true: everyone who may use the wall sees it; false: its owner only */
  shared: boolean;
  spec: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** A moment of a camera's recording marked with a note. */
export interface BookmarkRow {
  id: string;
  cameraId: string;
  atMs: number;
  note: string;
  createdBy: string;
  createdName: string;
  createdAt: number;
}

/** Where a camera answers ONVIF: its device service and the media profile PTZ commands name. */
export interface CameraOnvifRow {
  cameraId: string;
  xaddr: string;
  profileToken: string;
  updatedAt: number;
}

// --- issue 15: integrations ------------------------------------------------------------------------

/** A webhook delivery that gave up: the exact body that was signed, and why it failed. */
export interface WebhookDeadLetterRow {
  id: string;
  /** the webhook's name in the configuration */
  hook: string;
  eventId: string | null;
  body: string;
  attempts: number;
  lastError: string;
  firstAt: number;
  failedAt: number;
}

// --- issue 14: traffic -----------------------------------------------------------------------------

/** The points an operator placed: normalised image position and ground position in metres. */
export interface CameraCalibrationRow {
  cameraId: string;
  points: { image: [number, number]; ground: [number, number] }[];
  updatedAt: number;
}

/** Vehicles of one class that left a lane during one minute with a speed in one 10 km/h bin (-1: no speed). */
export interface TrafficCountRow {
  cameraId: string;
  lane: string;
  minuteMs: number;
  cls: string;
  speedBin: number;
  n: number;
}

// --- issue 11: the security map -----------------------------------------------------------------

/** Where a camera stands and its view cone; the map part's CameraPlacement is this same type. */
export interface CameraPlacementRow {
  cameraId: string;
  /** Degrees, WGS 84. */
  lon: number;
  lat: number;
  /** Where it looks: degrees from north, clockwise. */
  bearing: number;
  /** Horizontal field of view, degrees (360: all round). */
  angle: number;
  /** How far it usefully sees, metres. */
  range: number;
  /** A PTZ camera: its cone is the circle of its reach. */
  ptz: boolean;
  /** Site the camera belongs to (its id), or null. */
  siteId: string | null;
}

export interface PlacementWithCamera extends CameraPlacementRow {
  name: string;
  enabled: boolean;
  record: boolean;
}

export interface BBoxQuery {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface PlacementQuery {
  bbox?: BBoxQuery;
  afterId?: string;
  /** Only cameras with id ≤ this (with afterId: the placements of one page of cameras). */
  throughId?: string;
  /** Only these cameras (the placements of a filtered page of the camera list). */
  cameraIds?: string[];
  limit?: number;
}

export interface SiteRow {
  id: string;
  name: string;
  kind: string;
  priority: number;
  /** Outer ring of [lon, lat]. */
  polygon: (readonly [number, number])[];
  createdAt: number;
  updatedAt: number;
}

export interface OutageAreaRow {
  id: string;
  startMs: number;
  endMs: number | null;
  count: number;
  cameraIds: string[];
  /** Closed ring of [lon, lat]. */
  hull: (readonly [number, number])[];
  /** While the area is open: each camera's place and when it went down and (if so) came back. */
  members?: OutageMemberRow[] | null;
}

export interface OutageMemberRow {
  cameraId: string;
  pos: readonly [number, number];
  downAt: number;
  upAt: number | null;
}

// --- issue 12 (operator workflow): alarms apart from events -----------------------------------

/** Where an alarm is in its handling. `resolved` is the end (unless reopened). */
export type AlarmState = 'new' | 'acknowledged' | 'in_progress' | 'on_hold' | 'resolved';
export type AlarmOutcome = 'incident' | 'false_alarm' | 'test' | 'duplicate' | 'other' | 'auto_closed';

/** One instruction of the rule, ticked off while the alarm is handled. */
export interface AlarmStep {
  text: string;
  done: boolean;
  by: string | null;
  at: number | null;
}

/**
 * An alarm: hits of one rule on one camera folded together (hits, firstAt, lastAt), and its
 * handling. Names are kept beside user ids as they were when the action was taken.
 */
export interface AlarmRow {
  id: string;
  cameraId: string;
  ruleKind: string;
  rule: string;
  /** 1 (most urgent) … 255 */
  priority: number;
  state: AlarmState;
  outcome: AlarmOutcome | null;
  /** the first hit's event (its snapshot, box and class are in details) */
  eventId: string;
  details: Record<string, unknown>;
  firstAt: number;
  lastAt: number;
  hits: number;
  /** hits arriving within this many ms of lastAt fold into this alarm while it is open */
  foldMs: number;
  ackBy: string | null;
  ackName: string | null;
  ackAt: number | null;
  ownerId: string | null;
  ownerName: string | null;
  resolvedBy: string | null;
  resolvedName: string | null;
  resolvedAt: number | null;
  steps: AlarmStep[];
  /** not acknowledged by then: escalated (null: the rule does not escalate) */
  escalateAt: number | null;
  escalatedAt: number | null;
  /** closed by itself when no hit came for autoCloseMs (null: never) */
  autoCloseMs: number | null;
  snoozedUntil: number | null;
  updatedAt: number;
  /** grows with every change: updates are compare-and-set on it */
  version: number;
}

/** A hit that raises an alarm, or folds into the open one of the same camera and rule. */
export interface AlarmHit {
  id: string;
  cameraId: string;
  ruleKind: string;
  rule: string;
  priority: number;
  eventId: string;
  details: Record<string, unknown>;
  at: number;
  foldMs: number;
  steps: AlarmStep[];
  escalateAfterMs: number | null;
  autoCloseMs: number | null;
}

/** One line of an alarm's activity log (state changes, comments, steps, escalation …). */
export interface AlarmActivityRow {
  alarmId: string;
  seq: number;
  ts: number;
  /** user id or "system" */
  actor: string;
  actorName: string;
  kind: string;
  details: Record<string, unknown>;
}

export type AlarmActivityInput = Omit<AlarmActivityRow, 'alarmId' | 'seq'>;

/** Alarm history: newest first by (firstAt, id); `before` is the keyset cursor of the last row seen. */
export interface AlarmQuery {
  fromMs?: number;
  toMs?: number;
  cameraIds?: string[];
  ruleKind?: string;
  rule?: string;
  states?: AlarmState[];
  outcome?: AlarmOutcome;
  /** who acknowledged, owned or resolved it (user id) */
  operatorId?: string;
  before?: { firstAt: number; id: string };
  limit: number;
}
