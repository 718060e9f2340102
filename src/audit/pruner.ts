// The audit log's retention: deletes the oldest entries once they are older than the policy, in
// a way `vigil audit verify` can tell from an attacker's deletion. Each cut:
//   1. only entries already vouched for by a signed checkpoint (the checkpointer reads past its
//      last checkpoint, so nothing newer may go; and a cut never reaches the head);
//   2. the stretch to delete is verified first — from the chain's start (or the previous signed
//      cut) against the checkpoints: a tampered stretch is never pruned away, it is reported;
//   3. a signed prune record (prune.ts) naming the last entry deleted and its hash is appended,
//      fsynced, to the prune file outside the database;
//   4. then the entries go, in one transaction with an `audit.prune` entry that says what went.
// The checkpoints are never deleted: they stay the proof of what the log held.
import { verifyAuditChain, type AuditChainItem } from './verify.ts';
import { signPrune, type PruneRecord } from './prune.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { AuditEntry } from './hash.ts';
import type { ServerSigningKey } from './server-key.ts';
import { AuditError } from './errors.ts';

export interface PruneCandidate {
  firstSeq: number;
  firstTs: number;
  throughSeq: number;
  throughTs: number;
  hash: string;
}

export interface AuditPrunerOptions {
  key: ServerSigningKey;
  prunes: { read(): PruneRecord[]; append(r: readonly PruneRecord[]): void };
  /** The signed checkpoints (the file outside the database). */
  checkpoints(): Checkpoint[];
  /** The last entry a signed checkpoint vouches for (0: none yet). */
  checkpointedSeq(): number;
  /** The first entries, up to `limit`, at most maxSeq, all older than beforeMs (null: none due). */
  candidate(q: { beforeMs: number; maxSeq: number; limit: number }): Promise<PruneCandidate | null>;
  /** The entries after seq, in seq order. */
  entriesAfter(seq: number): AsyncIterable<AuditChainItem>;
  /**
   * Deletes entries up to throughSeq if entry throughSeq still has this hash, with its audit
   * entry, in one transaction; the number deleted, or null when the entry is not that one.
   */
  deleteThrough(q: { throughSeq: number; hash: string; details: Record<string, unknown> }): Promise<number | null>;
  now?: () => number;
}

export interface AuditPruneStep {
  record: PruneRecord;
  deleted: number;
}

export class AuditPruner {
  private readonly o: AuditPrunerOptions;
  private readonly now: () => number;

  constructor(o: AuditPrunerOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
  }

  /**
   * One cut of at most `limit` entries older than retentionDays; null when nothing is due.
   * Throws AuditError AUDIT_TAMPERED when the stretch does not verify (nothing is deleted then).
   */
  async pruneOnce(retentionDays: number, limit: number): Promise<AuditPruneStep | null> {
    const now = this.now();
    const beforeMs = now - retentionDays * 86_400_000;
    const maxSeq = this.o.checkpointedSeq();
    if (maxSeq < 1) return null;
    const c = await this.o.candidate({ beforeMs, maxSeq, limit });
    if (!c || c.throughSeq < c.firstSeq) return null;
    const prunes = this.o.prunes.read();
    const r = await verifyAuditChain(upTo(this.o.entriesAfter(c.firstSeq - 1), c.throughSeq), {
      checkpoints: this.o.checkpoints(), prunes, publicKey: this.o.key.publicKey, prefixOnly: true,
    });
    if (!r.ok || r.count !== c.throughSeq - c.firstSeq + 1) {
      const why = r.ok ? `${r.count} entries where ${c.throughSeq - c.firstSeq + 1} were expected` : `entry ${r.firstBad}: ${r.reason}${r.detail ? ` (${r.detail})` : ''}`;
      throw new AuditError('AUDIT_TAMPERED', `audit entries ${c.firstSeq}..${c.throughSeq} are due for deletion but do not verify (${why}): not pruned, kept for inspection`);
    }
    const record = signPrune(this.o.key, {
      fromSeq: c.firstSeq, throughSeq: c.throughSeq, hash: c.hash, fromTs: c.firstTs, throughTs: c.throughTs,
      beforeMs, retentionDays, prunedAt: now,
    });
    this.o.prunes.append([record]);
    const deleted = await this.o.deleteThrough({
      throughSeq: c.throughSeq, hash: c.hash,
      details: { fromSeq: c.firstSeq, throughSeq: c.throughSeq, hash: c.hash, from: c.firstTs, to: c.throughTs, retentionDays, pruneSignature: record.signature.slice(0, 16) },
    });
    // Another process cut first (or the entry changed since it was verified): the record stays, harmless.
    if (deleted === null) return null;
    return { record, deleted };
  }
}

/** The items of a log up to and including seq (pages cut there). */
async function* upTo(items: AsyncIterable<AuditChainItem>, last: number): AsyncGenerator<AuditChainItem> {
  for await (const item of items) {
    if (Array.isArray(item)) {
      const all = item as readonly AuditEntry[];
      const page = all.filter((e) => e.seq <= last);
      if (page.length) yield page;
      if (page.length < all.length) return;
    } else if ('rows' in item) {
      const rows = item.rows.filter((r) => typeof r[0] === 'number' && r[0] <= last);
      if (rows.length) yield { rows, entry: item.entry };
      if (rows.length < item.rows.length) return;
    } else {
      if ((item as { seq: number }).seq > last) return;
      yield item;
    }
  }
}
