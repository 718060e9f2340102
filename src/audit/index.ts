export { auditHash, normalizeDetails, GENESIS_HASH, type AuditHashInput, type AuditEntry } from './hash.ts';
export { AUDIT_ACTIONS, type AuditAction } from './actions.ts';
export { canonicalJson } from './canonical-json.ts';
export {
  verifyAuditChain,
  type AuditChainResult,
  type AuditChainFailure,
} from './verify.ts';
