import { GENESIS_HASH, auditHash, type AuditEntry } from './hash.ts';

export type AuditChainFailure = 'hash mismatch' | 'missing entry (seq gap)' | 'prev hash mismatch';

export type AuditChainResult =
  | { ok: true; count: number }
  /** count: entries that verified before the first bad one; firstBad: the seq at fault. */
  | { ok: false; count: number; firstBad: number; reason: AuditChainFailure };

/**
 * Recomputes the chain from seq 1. Entries must come in seq order. A deleted entry shows as a seq
 * gap (firstBad = the missing seq); an edited one as a hash mismatch on that seq; an entry
 * re-hashed after an edit as a prev hash mismatch on the entry after it.
 */
export async function verifyAuditChain(
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
): Promise<AuditChainResult> {
  let count = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for await (const e of entries as AsyncIterable<AuditEntry>) {
    if (e.seq !== expectedSeq) {
      return { ok: false, count, firstBad: expectedSeq, reason: 'missing entry (seq gap)' };
    }
    if (e.prevHash !== prevHash) {
      return { ok: false, count, firstBad: e.seq, reason: 'prev hash mismatch' };
    }
    if (auditHash(prevHash, e) !== e.hash) {
      return { ok: false, count, firstBad: e.seq, reason: 'hash mismatch' };
    }
    count++;
    expectedSeq++;
    prevHash = e.hash;
  }
  return { ok: true, count };
}
