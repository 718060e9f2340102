export { auditHash, normalizeDetails, GENESIS_HASH, type AuditHashInput } from './hash.ts';
export { AUDIT_ACTIONS, type AuditAction } from './actions.ts';
export { canonicalJson } from './canonical-json.ts';
export {
  verifyAuditChain,
  verifyStoreAudit,
  readAuditLog,
  type AuditChainResult,
  type AuditChainFailure,
} from './verify.ts';
