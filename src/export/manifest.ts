// The export manifest: what was exported, by whom, why, and the SHA-256 of every file. The
// signature (manifest.sig, base64 text) is Ed25519 over the exact bytes of manifest.json, so the
// manifest is written once and never re-serialised before checking.
import type { Checkpoint } from '../audit/index.ts';

export interface ManifestFile {
  name: string;
  sha256: string;
  bytes: number;
  cameraId: string;
  /** Wall-clock time of the first and the end of the last frame in the file (ms since epoch). */
  startMs: number;
  endMs: number;
}

export interface Manifest {
  format: 'vigil-export/1';
  exportId: string;
  cameras: string[];
  /** The interval asked for, ISO 8601, and in ms. */
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  files: ManifestFile[];
  /** Parts of the interval with no recording, per camera, and why when the recorder indexed it. */
  gaps: { cameraId: string; startMs: number; endMs: number; reason: string | null }[];
  createdAt: string;
  createdBy: string;
  reason: string;
  serverKeyId: string;
  /** Ed25519 public key, SPKI DER base64. */
  publicKey: string;
  /** What was hidden in which file and how (privacy masks burned in, ...); absent: files are the camera's own bytes. */
  redactions?: { file: string; applied: string[] }[];
  /** Faces and licence plates were left unredacted: who decided (a user who may approve exports) and why. */
  redactionLift?: { by: string; byName: string; reason: string };
  /** Four eyes: the requester's user name, and who approved (id and user name). */
  requestedByName?: string;
  approvedBy?: string;
  approvedByName?: string;
  /**
   * The audit log's latest signed checkpoint when the export was made: a copy of it outside the
   * server, so a later rewrite of the log before that point shows against it.
   */
  auditCheckpoint?: Checkpoint | null;
  /**
   * issue 14: a violation's evidence package — the event it documents; the measurements, frames
   * and plate are files of the package (violation.json, frame-*.png, plate.png), signed with it.
   */
  violation?: { eventId: string; kind: string; rule: string; atMs: number };
}

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';

export function serializeManifest(m: Manifest): Buffer {
  return Buffer.from(JSON.stringify(m, null, 2) + '\n', 'utf8');
}

/** Names a file may have inside an export: no directories, no hidden files. */
export function safeFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(name) && name !== MANIFEST_FILE && name !== SIGNATURE_FILE;
}
