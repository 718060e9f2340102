// Writes signed checkpoints of the audit chain: at every `every` entries and, when entries were
// added since the last one, every `intervalMs`. It reads the entries since its last checkpoint and
// checks that they continue the chain it signed before: it never signs a history that was changed
// under it (it reports that instead).
import { GENESIS_HASH, auditHash, type AuditEntry } from './hash.ts';
import { fingerprintOf, latestOf, signCheckpoint, type Checkpoint } from './checkpoint.ts';
import type { CheckpointFile } from './checkpoint-file.ts';
import type { ServerSigningKey } from './server-key.ts';
import { AuditError } from './errors.ts';

export interface CheckpointerOptions {
  key: ServerSigningKey;
  file: Pick<CheckpointFile, 'read' | 'append'>;
  head(): Promise<{ seq: number; hash: string } | null>;
  /** The entries after seq, in seq order (single entries or pages). */
  entriesAfter(seq: number): AsyncIterable<AuditEntry | readonly AuditEntry[]>;
  /** A checkpoint at least every this many entries. */
  every: number;
  /** And at least this often while entries come in. */
  intervalMs: number;
  now?: () => number;
  /** The chain no longer continues what was signed: someone changed the log. */
  onTamper?: (err: AuditError) => void;
  onError?: (err: Error) => void;
  /** Checkpoints just appended to the file (e.g. to send copies to other nodes). */
  onWritten?: (cps: Checkpoint[]) => void;
}

export class AuditCheckpointer {
  private readonly opts: CheckpointerOptions;
  private readonly now: () => number;
  private last: { seq: number; hash: string };
  private lastAt: number;
  private running: Promise<Checkpoint[]> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private tampered = false;

  constructor(opts: CheckpointerOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    const latest = latestOf(opts.file.read());
    this.last = latest ? { seq: latest.seq, hash: latest.hash } : { seq: 0, hash: GENESIS_HASH };
    this.lastAt = latest?.signedAt ?? 0;
  }

  /** The latest checkpoint written (or read at start). */
  get latestSeq(): number {
    return this.last.seq;
  }

  start(pollMs = 1000): void {
    this.stop();
    this.timer = setInterval(() => {
      void this.checkpoint().catch((err: Error) => this.opts.onError?.(err));
    }, Math.min(pollMs, this.opts.intervalMs));
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the timer and checkpoints what is left (at shutdown). */
  async close(): Promise<void> {
    this.stop();
    await this.checkpoint({ force: true }).catch((err: Error) => this.opts.onError?.(err));
  }

  /**
   * Checkpoints when due (or now, with force, if anything is new). One at a time: a call during
   * a run waits for it and then checks again.
   */
  async checkpoint(opts: { force?: boolean } = {}): Promise<Checkpoint[]> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run(opts.force ?? false);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async run(force: boolean): Promise<Checkpoint[]> {
    if (this.tampered) return [];
    const head = await this.opts.head();
    if (!head || head.seq <= this.last.seq) return [];
    const due = force || head.seq - this.last.seq >= this.opts.every || this.now() - this.lastAt >= this.opts.intervalMs;
    if (!due) return [];
    const written: Checkpoint[] = [];
    let prev = this.last;
    let fingerprints: string[] = [];
    let expected = prev.seq + 1;
    let prevHash = prev.hash;
    const emit = (e: AuditEntry) => {
      const cp = signCheckpoint(this.opts.key, { seq: e.seq, hash: e.hash, prevSeq: prev.seq, fingerprints: fingerprints.join(''), signedAt: this.now() });
      written.push(cp);
      prev = { seq: e.seq, hash: e.hash };
      fingerprints = [];
    };
    const take = (e: AuditEntry): boolean => {
      if (e.seq > head.seq) return false;
      if (e.seq !== expected || e.prevHash !== prevHash || auditHash(prevHash, e) !== e.hash) {
        throw new AuditError('AUDIT_TAMPERED', `audit entry ${expected} does not continue the chain signed up to ${this.last.seq}: the log was changed; no checkpoint signed`);
      }
      fingerprints.push(fingerprintOf(e.hash));
      expected++;
      prevHash = e.hash;
      if (e.seq - prev.seq >= this.opts.every || e.seq === head.seq) emit(e);
      return e.seq < head.seq;
    };
    try {
      outer: for await (const item of this.opts.entriesAfter(this.last.seq)) {
        for (const e of Array.isArray(item) ? (item as readonly AuditEntry[]) : [item as AuditEntry]) if (!take(e)) break outer;
      }
      if (expected <= head.seq) throw new AuditError('AUDIT_TAMPERED', `audit entries ${expected}..${head.seq} disappeared while being checkpointed`);
    } catch (err) {
      if (err instanceof AuditError && err.code === 'AUDIT_TAMPERED') {
        this.tampered = true;
        this.opts.file.append(written);
        if (written.length) this.opts.onWritten?.(written);
        this.opts.onTamper?.(err);
        return written;
      }
      throw err;
    }
    this.opts.file.append(written);
    if (written.length) this.opts.onWritten?.(written);
    this.last = prev;
    this.lastAt = this.now();
    return written;
  }
}
