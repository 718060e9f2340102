import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, auditHashMatches, type AuditEntry } from './hash.ts';
import { checkpointProblem, FINGERPRINT_DIGITS, type Checkpoint } from './checkpoint.ts';

export type AuditChainFailure =
  | 'hash mismatch'
  | 'missing entry (seq gap)'
  | 'prev hash mismatch'
  | 'differs from a signed checkpoint'
  | 'missing entries (cut tail)'
  | 'checkpoint invalid';

export type AuditChainResult =
  /** checkpoints: how many signed checkpoints the entries were checked against (when given). */
  | { ok: true; count: number; checkpoints?: number; lastCheckpointSeq?: number | null }
  /** count: entries that verified before the first bad one; firstBad: the seq at fault. */
  | { ok: false; count: number; firstBad: number; reason: AuditChainFailure; detail?: string };

export interface VerifyOptions {
  /** Signed checkpoints kept outside the database (any order; copies from several places may repeat). */
  checkpoints?: readonly Checkpoint[];
  /** The server's public key; required with checkpoints. */
  publicKey?: KeyObject;
}

/**
 * Recomputes the chain from seq 1. Entries must come in seq order; pages (arrays) may come instead
 * of single entries. A deleted entry shows as a seq gap (firstBad = the missing seq); an edited one
 * as a hash mismatch on that seq; an entry re-hashed after an edit as a prev hash mismatch on the
 * entry after it.
 *
 * With signed checkpoints, what the chain alone cannot see is caught too: a rewritten stretch
 * whose hashes were all recomputed differs from a checkpoint's fingerprints at its first entry,
 * and a cut tail ends before the latest checkpoint.
 */
export async function verifyAuditChain(
  entries: AsyncIterable<AuditEntry | readonly AuditEntry[]> | Iterable<AuditEntry | readonly AuditEntry[]>,
  opts: VerifyOptions = {},
): Promise<AuditChainResult> {
  const cps = prepareCheckpoints(opts);
  if (!Array.isArray(cps)) return cps;
  let count = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  // Checkpoints covering the entry at hand: those with prevSeq < seq <= their seq.
  let next = 0;
  let active: Checkpoint[] = [];

  const check = (e: AuditEntry): AuditChainResult | null => {
    if (e.seq !== expectedSeq) return { ok: false, count, firstBad: expectedSeq, reason: 'missing entry (seq gap)' };
    if (e.prevHash !== prevHash) return { ok: false, count, firstBad: e.seq, reason: 'prev hash mismatch' };
    if (!auditHashMatches(prevHash, e)) return { ok: false, count, firstBad: e.seq, reason: 'hash mismatch' };
    if (cps.length) {
      while (next < cps.length && cps[next].prevSeq < e.seq) active.push(cps[next++]);
      if (active.length && active.some((c) => c.seq < e.seq)) active = active.filter((c) => c.seq >= e.seq);
      for (const c of active) {
        const at = (e.seq - c.prevSeq - 1) * FINGERPRINT_DIGITS;
        if (c.fingerprints.slice(at, at + FINGERPRINT_DIGITS) !== e.hash.slice(0, FINGERPRINT_DIGITS) || (e.seq === c.seq && e.hash !== c.hash)) {
          return {
            ok: false, count, firstBad: e.seq, reason: 'differs from a signed checkpoint',
            detail: `the checkpoint signed at ${new Date(c.signedAt).toISOString()} over entries ${c.prevSeq + 1}..${c.seq} has another entry ${e.seq}: the log was rewritten from here (hashes recomputed)`,
          };
        }
      }
    }
    count++;
    expectedSeq++;
    prevHash = e.hash;
    return null;
  };

  for await (const item of entries as AsyncIterable<AuditEntry | readonly AuditEntry[]>) {
    if (Array.isArray(item)) {
      for (const e of item as readonly AuditEntry[]) {
        const bad = check(e);
        if (bad) return bad;
      }
    } else {
      const bad = check(item as AuditEntry);
      if (bad) return bad;
    }
  }
  const latest = cps.length ? cps.reduce((m, c) => Math.max(m, c.seq), 0) : null;
  if (latest !== null && latest > count) {
    return {
      ok: false, count, firstBad: count + 1, reason: 'missing entries (cut tail)',
      detail: `a signed checkpoint vouches for ${latest} entries; the log ends at ${count}`,
    };
  }
  return opts.checkpoints ? { ok: true, count, checkpoints: cps.length, lastCheckpointSeq: latest } : { ok: true, count };
}

function prepareCheckpoints(opts: VerifyOptions): Checkpoint[] | AuditChainResult {
  if (!opts.checkpoints || opts.checkpoints.length === 0) return [];
  if (!opts.publicKey) throw new TypeError('checking checkpoints needs the server\'s public key');
  const unique = new Map<string, Checkpoint>();
  for (const c of opts.checkpoints) {
    const problem = checkpointProblem(c, opts.publicKey);
    if (problem) return { ok: false, count: 0, firstBad: Number.isSafeInteger(c.seq) ? c.seq : 0, reason: 'checkpoint invalid', detail: problem };
    unique.set(`${c.prevSeq}:${c.seq}:${c.hash}`, c);
  }
  return [...unique.values()].sort((a, b) => a.prevSeq - b.prevSeq || a.seq - b.seq);
}
