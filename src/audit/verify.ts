import type { KeyObject } from 'node:crypto';
import { hash as cryptoHash } from 'node:crypto';
import { GENESIS_HASH, auditHashMatches, type AuditEntry, type AuditTextPage } from './hash.ts';
import { checkpointProblem, FINGERPRINT_DIGITS, type Checkpoint } from './checkpoint.ts';
import { pruneProblem, type PruneRecord } from './prune.ts';

export type AuditChainFailure =
  | 'hash mismatch'
  | 'missing entry (seq gap)'
  | 'prev hash mismatch'
  | 'differs from a signed checkpoint'
  | 'missing entries (cut tail)'
  | 'checkpoint invalid';

export type AuditChainResult =
  /** checkpoints: how many signed checkpoints the entries were checked against (when given). */
  /** prunedThrough: the log starts after entries 1..prunedThrough, deleted by the retention policy (a signed prune record says so). */
  | { ok: true; count: number; checkpoints?: number; lastCheckpointSeq?: number | null; prunedThrough?: number; prunedAt?: number }
  /** count: entries that verified before the first bad one; firstBad: the seq at fault. */
  | { ok: false; count: number; firstBad: number; reason: AuditChainFailure; detail?: string };

export interface VerifyOptions {
  /** Signed checkpoints kept outside the database (any order; copies from several places may repeat). */
  checkpoints?: readonly Checkpoint[];
  /** The server's public key; required with checkpoints and prune records. */
  publicKey?: KeyObject;
  /**
   * Signed prune records (the audit log's retention, prune.ts): the log may start right after the
   * last entry one of them names, its chain continuing from the hash signed there.
   */
  prunes?: readonly PruneRecord[];
  /** The entries given are only the start of the log (a stretch checked before it is pruned): no cut-tail check. */
  prefixOnly?: boolean;
}

/** What verifyAuditChain reads: entries, pages of entries, or pages of rows as text. */
export type AuditChainItem = AuditEntry | readonly AuditEntry[] | AuditTextPage;

/**
 * Recomputes the chain from seq 1. Entries must come in seq order; pages (arrays, or a store's
 * rows as text) may come instead of single entries. A deleted entry shows as a seq gap (firstBad =
 * the missing seq); an edited one as a hash mismatch on that seq; an entry re-hashed after an edit
 * as a prev hash mismatch on the entry after it.
 *
 * With signed checkpoints, what the chain alone cannot see is caught too: a rewritten stretch
 * whose hashes were all recomputed differs from a checkpoint's fingerprints at its first entry,
 * and a cut tail ends before the latest checkpoint.
 *
 * Single pass, constant memory. The per-entry work is kept to one SHA-256 and string compares
 * (ten million entries must verify within a minute): no allocation per entry on the text path.
 */
export async function verifyAuditChain(
  entries: AsyncIterable<AuditChainItem> | Iterable<AuditChainItem>,
  opts: VerifyOptions = {},
): Promise<AuditChainResult> {
  const cps = prepareCheckpoints(opts);
  if (!Array.isArray(cps)) return cps;
  const prunes = preparePrunes(opts);
  if (!(prunes instanceof Map)) return prunes;
  let count = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let started = false;
  let pruned: PruneRecord | null = null;

  // The first entry: seq 1, or the one right after a signed prune of the retention policy.
  const begin = (seq: unknown): AuditChainResult | null => {
    started = true;
    if (seq === 1 || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
    const rec = prunes.get(seq - 1);
    if (rec) {
      pruned = rec;
      expectedSeq = seq;
      prevHash = rec.hash;
      return null;
    }
    const below = [...prunes.keys()].filter((k) => k < seq - 1);
    const from = below.length ? Math.max(...below) + 1 : 1;
    // Without prune records asked for, the plain answer (the chain alone: a missing start).
    if (!opts.prunes) return { ok: false, count: 0, firstBad: from, reason: 'missing entry (seq gap)' };
    return {
      ok: false, count: 0, firstBad: from, reason: 'missing entry (seq gap)',
      detail: `the log starts at entry ${seq}: entries ${from}..${seq - 1} are gone and no signed prune record of the retention policy vouches for their deletion` +
        (prunes.size ? ` (signed prunes end at ${[...prunes.keys()].sort((a, b) => a - b).slice(-5).join(', ')})` : ''),
    };
  };
  // Checkpoints covering the entry at hand: those with prevSeq < seq <= their seq.
  let next = 0;
  let active: Checkpoint[] = [];

  const againstCheckpoints = (seq: number, hash: string): AuditChainResult | null => {
    while (next < cps.length && cps[next].prevSeq < seq) active.push(cps[next++]);
    let stale = false;
    for (const c of active) {
      if (c.seq < seq) {
        stale = true;
        continue;
      }
      const at = (seq - c.prevSeq - 1) * FINGERPRINT_DIGITS;
      let same = seq !== c.seq || hash === c.hash;
      for (let i = 0; same && i < FINGERPRINT_DIGITS; i++) same = c.fingerprints.charCodeAt(at + i) === hash.charCodeAt(i);
      if (!same) {
        return {
          ok: false, count, firstBad: seq, reason: 'differs from a signed checkpoint',
          detail: `the checkpoint signed at ${new Date(c.signedAt).toISOString()} over entries ${c.prevSeq + 1}..${c.seq} has another entry ${seq}: the log was rewritten from here (hashes recomputed)`,
        };
      }
    }
    if (stale) active = active.filter((c) => c.seq >= seq);
    return null;
  };

  const checkEntry = (e: AuditEntry): AuditChainResult | null => {
    if (!started) {
      const bad = begin(e.seq);
      if (bad) return bad;
    }
    if (e.seq !== expectedSeq) return { ok: false, count, firstBad: expectedSeq, reason: 'missing entry (seq gap)' };
    if (e.prevHash !== prevHash) return { ok: false, count, firstBad: e.seq, reason: 'prev hash mismatch' };
    if (typeof e.hash !== 'string' || !auditHashMatches(prevHash, e)) return { ok: false, count, firstBad: e.seq, reason: 'hash mismatch' };
    if (cps.length) {
      const bad = againstCheckpoints(e.seq, e.hash);
      if (bad) return bad;
    }
    count++;
    expectedSeq++;
    prevHash = e.hash;
    return null;
  };

  const checkTextPage = (page: AuditTextPage): AuditChainResult | null => {
    const rows = page.rows;
    const withCheckpoints = cps.length > 0;
    if (!started && rows.length) {
      const bad = begin(rows[0][0]);
      if (bad) return bad;
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const seq = row[0];
      if (seq !== expectedSeq) return { ok: false, count, firstBad: expectedSeq, reason: 'missing entry (seq gap)' };
      if (row[1] !== prevHash) return { ok: false, count, firstBad: expectedSeq, reason: 'prev hash mismatch' };
      const h = row[2];
      const text = row[3];
      if (typeof h !== 'string') return { ok: false, count, firstBad: expectedSeq, reason: 'hash mismatch' };
      if (typeof text !== 'string' || cryptoHash('sha256', prevHash + text) !== h) {
        // Not the text the writer hashed, as this store rebuilt it: decide on the full entry.
        const e = page.entry(expectedSeq);
        if (!e || e.seq !== expectedSeq || e.hash !== h || !auditHashMatches(prevHash, e)) return { ok: false, count, firstBad: expectedSeq, reason: 'hash mismatch' };
      }
      if (withCheckpoints) {
        const bad = againstCheckpoints(expectedSeq, h);
        if (bad) return bad;
      }
      count++;
      expectedSeq++;
      prevHash = h;
    }
    return null;
  };

  for await (const item of entries as AsyncIterable<AuditChainItem>) {
    let bad: AuditChainResult | null = null;
    if (Array.isArray(item)) {
      for (const e of item as readonly AuditEntry[]) if ((bad = checkEntry(e))) break;
    } else if ('rows' in item && typeof (item as AuditTextPage).entry === 'function') {
      bad = checkTextPage(item as AuditTextPage);
    } else {
      bad = checkEntry(item as AuditEntry);
    }
    if (bad) return bad;
  }
  const latest = cps.length ? cps.reduce((m, c) => Math.max(m, c.seq), 0) : null;
  const lastSeq = expectedSeq - 1;
  if (!opts.prefixOnly && latest !== null && latest > lastSeq) {
    return {
      ok: false, count, firstBad: lastSeq + 1, reason: 'missing entries (cut tail)',
      detail: `a signed checkpoint vouches for ${latest} entries; the log ends at ${lastSeq}`,
    };
  }
  const p = pruned as PruneRecord | null;
  const prunedPart = p ? { prunedThrough: p.throughSeq, prunedAt: p.prunedAt } : {};
  return opts.checkpoints ? { ok: true, count, checkpoints: cps.length, lastCheckpointSeq: latest, ...prunedPart } : { ok: true, count, ...prunedPart };
}

/** Valid prune records by the last entry they deleted; any record not signed by this key fails verification. */
function preparePrunes(opts: VerifyOptions): Map<number, PruneRecord> | AuditChainResult {
  const out = new Map<number, PruneRecord>();
  if (!opts.prunes || opts.prunes.length === 0) return out;
  if (!opts.publicKey) throw new TypeError('checking prune records needs the server\'s public key');
  for (const r of opts.prunes) {
    const problem = pruneProblem(r, opts.publicKey);
    if (problem) return { ok: false, count: 0, firstBad: Number.isSafeInteger(r?.fromSeq) ? r.fromSeq : 0, reason: 'checkpoint invalid', detail: `a prune record: ${problem}` };
    if (!out.has(r.throughSeq)) out.set(r.throughSeq, r);
  }
  return out;
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
