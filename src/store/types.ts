// The store's public contract. Every method is async: the embedded database runs on its own
// thread (see docs/decisions/001-embedded-database.md), PostgreSQL over the network.
// Times are milliseconds since the Unix epoch (numbers). Ids are text.

export type Role = 'admin' | 'operator' | 'viewer';

export interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: number;
  disabled: boolean;
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
  username: string | null;
  /** AES-256-GCM ciphertext (base64) of the camera password, or null. Never the clear text. */
  passwordEnc: string | null;
  transport: 'tcp' | 'udp';
  enabled: boolean;
  record: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewCamera = Omit<CameraRow, 'createdAt' | 'updatedAt'>;
export type CameraPatch = Partial<Omit<CameraRow, 'id' | 'createdAt' | 'updatedAt'>>;

export interface SegmentRow {
  cameraId: string;
  startMs: number;
  endMs: number;
  /** Path relative to the recordings root. */
  path: string;
  bytes: number;
}

/** What a caller says about an action; the store adds seq, ts, prevHash and hash. */
export interface AuditInput {
  /** user id, or "system" */
  actor: string;
  /** e.g. "login.success", "login.failure", "live.start", "live.stop", "recording.list", "camera.create" */
  action: string;
  cameraId?: string | null;
  /** remote address of the request */
  ip?: string | null;
  /** small JSON object with whatever else matters (never secrets) */
  details?: Record<string, unknown>;
  /** defaults to Date.now() */
  ts?: number;
}

export interface AuditEntry {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  cameraId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
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

  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Entries with seq > afterSeq, in seq order, at most `limit`. */
  listAudit(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}
