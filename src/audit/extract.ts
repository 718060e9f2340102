// An extract of the audit log (the entries an auditor filtered), signed like evidence: the
// server's Ed25519 key over the canonical JSON of the extract. Each entry keeps its prevHash and
// hash, so anyone can recompute every entry's hash offline; the latest signed checkpoint when the
// extract was made rides along.
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { auditHash, type AuditEntry } from './hash.ts';
import { keyIdOf, publicKeyFromBase64, signBytes, verifyBytes, type ServerSigningKey } from './server-key.ts';
import type { Checkpoint } from './checkpoint.ts';

export const EXTRACT_FORMAT = 'vigil-audit-extract/1';

export interface AuditExtract {
  format: typeof EXTRACT_FORMAT;
  createdAt: string;
  createdBy: string;
  reason: string;
  filters: Record<string, unknown>;
  entries: AuditEntry[];
  checkpoint: Checkpoint | null;
  serverKeyId: string;
  /** Ed25519 public key, SPKI DER base64. */
  publicKey: string;
}

export interface SignedAuditExtract {
  extract: AuditExtract;
  /** Ed25519 over canonicalJson(extract), base64. */
  signature: string;
}

export function signAuditExtract(key: ServerSigningKey, e: Omit<AuditExtract, 'format' | 'serverKeyId' | 'publicKey'>): SignedAuditExtract {
  const extract: AuditExtract = { format: EXTRACT_FORMAT, ...e, serverKeyId: key.keyId, publicKey: key.publicKeyBase64 };
  return { extract, signature: signBytes(key, Buffer.from(canonicalJson(extract))).toString('base64') };
}

/**
 * Problems found in a signed extract (empty: it holds). With `trusted`, the key must be that one;
 * without, the key inside the extract is used and its id reported, to compare with the server's.
 */
export function verifyAuditExtract(doc: SignedAuditExtract, trusted?: KeyObject): string[] {
  const problems: string[] = [];
  const x = doc?.extract;
  if (!x || x.format !== EXTRACT_FORMAT || !Array.isArray(x.entries)) return ['not a Vigil audit extract'];
  let key: KeyObject;
  try {
    key = trusted ?? publicKeyFromBase64(x.publicKey);
  } catch {
    return ['the public key in the extract is not readable'];
  }
  if (keyIdOf(key) !== x.serverKeyId) problems.push(`signed by key ${x.serverKeyId}, expected ${keyIdOf(key)}`);
  if (!verifyBytes(key, Buffer.from(canonicalJson(x)), Buffer.from(String(doc.signature), 'base64'))) problems.push('signature does not verify: the extract was changed');
  for (const e of x.entries) if (auditHash(e.prevHash, e) !== e.hash) problems.push(`entry ${e.seq}: its hash does not match its content`);
  return problems;
}
