export {
  auditHash, auditHashBody, auditHashMatches, normalizeDetails, GENESIS_HASH, AUDIT_HASH_LAYOUT,
  type AuditHashInput, type AuditEntry, type AuditTextRow, type AuditTextPage,
} from './hash.ts';
export { AUDIT_ACTIONS, type AuditAction } from './actions.ts';
export { canonicalJson } from './canonical-json.ts';
export {
  verifyAuditChain,
  type AuditChainResult,
  type AuditChainFailure,
  type VerifyOptions,
  type AuditChainItem,
} from './verify.ts';
export { AuditError } from './errors.ts';
export {
  loadOrCreateServerKey,
  signBytes,
  verifyBytes,
  keyIdOf,
  publicKeyFromBase64,
  readPublicKey,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  type ServerSigningKey,
} from './server-key.ts';
export {
  signCheckpoint,
  checkpointProblem,
  fingerprintOf,
  latestOf,
  CHECKPOINT_FORMAT,
  FINGERPRINT_DIGITS,
  type Checkpoint,
  type CheckpointBody,
} from './checkpoint.ts';
export { CheckpointFile, readCheckpointFile, readLatestCheckpoint, parseCheckpoints, CHECKPOINT_FILE } from './checkpoint-file.ts';
export { AuditCheckpointer, type CheckpointerOptions } from './checkpointer.ts';
export { signAuditExtract, verifyAuditExtract, EXTRACT_FORMAT, type AuditExtract, type SignedAuditExtract } from './extract.ts';
// issue 13 (privacy): the audit log's retention, with signed prune records
export { signPrune, pruneProblem, pruneFileFor, readPruneFile, PruneFile, PRUNE_FORMAT, PRUNE_FILE, type PruneRecord, type PruneBody } from './prune.ts';
export { AuditPruner, type AuditPrunerOptions, type AuditPruneStep, type PruneCandidate } from './pruner.ts';
