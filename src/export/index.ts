// Evidence export: MP4 files + manifest.json (SHA-256 of every file) signed with the server's
// Ed25519 key, as a background job with progress; offline verification of an export directory.
export { ExportError } from './errors.ts';
export { ExportService, exportEntries, validateExportRequest, type ExportRequest, type ExportJobView, type ExportServiceOptions, type ExportStore, type RedactionLift, type ExportRequestStore, type ExportTransform } from './export-job.ts';
export { writeCameraExport, localSegmentReader, exportFileName, type WrittenFile, type CameraExportRequest, type SegmentReader } from './camera-export.ts';
export { MANIFEST_FILE, SIGNATURE_FILE, serializeManifest, safeFileName, type Manifest, type ManifestFile } from './manifest.ts';
// The server key moved to the audit part (it signs audit checkpoints too); the export names stay.
export {
  loadOrCreateServerKey as loadOrCreateExportKey,
  signBytes,
  verifyBytes,
  keyIdOf,
  publicKeyFromBase64,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  type ServerSigningKey as ExportSigningKey,
} from '../audit/index.ts';
export { verifyExportDir, sha256File, type VerifyProblem, type VerifyResult } from './verify-export.ts';
export { tarStream, tarHeader, type TarEntry } from './tar.ts';
