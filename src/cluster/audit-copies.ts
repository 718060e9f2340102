// Copies of every node's signed audit checkpoints, kept by the other nodes (issue 10: "in a
// cluster, copies on other nodes"; issue 15: "each node's audit checkpoints collected centrally").
// Whoever owns one machine owns its database access, its checkpoint file and its private key: they
// can rewrite the log and re-sign fresh checkpoints over the forgery. They cannot reach back into
// the copies the other processes took before, and re-signing shows there as two checkpoints of
// one key for the same entry.
//
// Each process publishes the checkpoints it signs, with its public key, to the JetStream stream
// VIGIL_AUDIT_CHECKPOINTS (subject vigil.audit.checkpoints.<node>, the checkpoint as message id so
// a resend is dropped); NATS keeps them on its own disk. Each process reads the stream through a
// durable consumer of its own and appends every other node's checkpoints, once their signature
// verifies, to <copiesDir>/<node>-<keyId>.jsonl beside that key's <node>-<keyId>.pub. Then
//   vigil audit verify --checkpoints <copiesDir>/<node>-<keyId>.jsonl --public-key <copiesDir>/<node>-<keyId>.pub
// checks the shared log against what that node had signed. docs/decisions/013-audit-checkpoint-copies.md
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { CheckpointFile, checkpointProblem, publicKeyFromBase64, type Checkpoint } from '../audit/index.ts';
import { NODE_ID_PATTERN } from './cluster-node.ts';
import { connectNats } from './nats-link.ts';

export const AUDIT_COPIES_STREAM = 'VIGIL_AUDIT_CHECKPOINTS';
const SUBJECT = 'vigil.audit.checkpoints';
const MS = 1_000_000; // nanoseconds per millisecond, JetStream's unit for durations

/** One message of the stream. */
export interface RelayedCheckpoint {
  node: string;
  /** The signer's public key, SPKI DER base64. */
  publicKey: string;
  checkpoint: Checkpoint;
}

export interface AuditCopiesOptions {
  nodeId: string;
  natsUrl: string;
  natsUser?: string;
  natsPassword?: string;
  logger: Logger;
  /** This process's public key (SPKI DER base64): it goes with each checkpoint. */
  publicKeyBase64: string;
  /** Where other nodes' checkpoints are kept (outside the database, like the node's own file). */
  copiesDir: string;
  /** A key signed two different checkpoints for one entry: the log was rewritten and re-signed. */
  onConflict?: (detail: string) => void;
}

/** The stream of every node's checkpoints (created or left as it is); kept without age limit. */
export async function ensureAuditCopiesStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(AUDIT_COPIES_STREAM);
  } catch {
    await jsm.streams.add({ name: AUDIT_COPIES_STREAM, subjects: [`${SUBJECT}.>`], duplicate_window: 24 * 3_600_000 * MS });
  }
}

/** The file a copy goes to, per node and key: a node whose key changed gets a second file. */
export function copyFileOf(copiesDir: string, node: string, keyId: string): { checkpoints: string; publicKey: string } {
  const base = path.join(copiesDir, `${node}-${keyId}`);
  return { checkpoints: `${base}.jsonl`, publicKey: `${base}.pub` };
}

export class AuditCopies {
  private readonly o: AuditCopiesOptions;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private pending: Checkpoint[] = [];
  private stopped = false;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private workers: Promise<void>[] = [];
  private wake: (() => void) | null = null;
  /** Per copy file: seq → hash of what it holds (duplicates skipped, conflicts noticed). */
  private readonly held = new Map<string, { file: CheckpointFile; bySeq: Map<number, string> }>();
  readonly stats = { published: 0, copied: 0, refused: 0, conflicts: 0 };

  constructor(o: AuditCopiesOptions) {
    if (!NODE_ID_PATTERN.test(o.nodeId)) throw new TypeError(`node id ${o.nodeId} does not match ${NODE_ID_PATTERN}`);
    this.o = o;
  }

  /**
   * Connects (retrying in the background while NATS is away), then publishes what is queued and
   * copies other nodes' checkpoints. `own` is this node's checkpoint file as it stands: checkpoints
   * signed while the link was down are sent again (the stream drops those it has).
   */
  start(own: readonly Checkpoint[] = []): void {
    this.pending.push(...own);
    const run = (async () => {
      const nc = await connectNats({ url: this.o.natsUrl, user: this.o.natsUser, pass: this.o.natsPassword, logger: this.o.logger, signal: this.abort.signal });
      if (this.stopped) return void (await nc.close());
      this.nc = nc;
      for (let wait = 500; !this.stopped; wait = Math.min(wait * 2, 5000)) {
        try {
          await ensureAuditCopiesStream(nc);
          break;
        } catch (err) {
          this.o.logger.warn({ err: (err as Error).message }, 'audit copies: JetStream not ready; retrying');
          await new Promise((r) => setTimeout(r, wait));
        }
      }
      // What the stream already holds of ours is not sent again (the duplicate window is a day; a file is years).
      const last = await (await jetstreamManager(nc)).streams.getMessage(AUDIT_COPIES_STREAM, { last_by_subj: `${SUBJECT}.${this.o.nodeId}` }).catch(() => null);
      const held = last ? (last.json<RelayedCheckpoint>().checkpoint) : null;
      if (held) this.pending = this.pending.filter((c) => c.keyId !== held.keyId || c.seq > held.seq);
      this.js = jetstream(nc, { timeout: 5000 });
      this.workers.push(this.pump(), this.collect(nc));
    })();
    this.running = run.catch((err: Error) => {
      if (!this.stopped) this.o.logger.error({ err: err.message }, 'audit copies stopped');
    });
  }

  /** Queues checkpoints this process just signed (the checkpointer's onWritten). */
  publish(cps: readonly Checkpoint[]): void {
    if (cps.length === 0) return;
    this.pending.push(...cps);
    this.wake?.();
  }

  private async pump(): Promise<void> {
    let wait = 200;
    while (!this.stopped) {
      if (this.pending.length === 0) {
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 1000).unref();
        });
        this.wake = null;
        continue;
      }
      const batch = this.pending.slice(0, 256);
      const acks = await Promise.allSettled(batch.map((c) => this.js!.publish(
        `${SUBJECT}.${this.o.nodeId}`,
        JSON.stringify({ node: this.o.nodeId, publicKey: this.o.publicKeyBase64, checkpoint: c } satisfies RelayedCheckpoint),
        { msgID: `${c.keyId}:${c.prevSeq}:${c.seq}:${c.hash}` },
      )));
      let ok = 0;
      while (ok < acks.length && acks[ok].status === 'fulfilled') ok++;
      this.pending.splice(0, ok);
      this.stats.published += ok;
      if (ok < acks.length) {
        if (wait >= 3200) this.o.logger.warn({ err: String((acks[ok] as PromiseRejectedResult).reason), queued: this.pending.length }, 'audit copies: cannot publish; kept queued');
        await new Promise((r) => setTimeout(r, wait));
        wait = Math.min(wait * 2, 5000);
      } else wait = 200;
    }
  }

  /** A durable consumer of this node's own: after a restart it goes on where it stopped. */
  private async collect(nc: NatsConnection): Promise<void> {
    const durable = `audit-copies-${this.o.nodeId}`;
    while (!this.stopped) {
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.consumers.add(AUDIT_COPIES_STREAM, { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: 30_000 * MS, max_ack_pending: 1000 });
        const consumer = await jetstream(nc).consumers.get(AUDIT_COPIES_STREAM, durable);
        while (!this.stopped) {
          const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
          for await (const m of batch) {
            let msg: RelayedCheckpoint | null = null;
            try {
              msg = m.json<RelayedCheckpoint>();
            } catch {
              msg = null;
            }
            if (msg) this.keep(msg);
            else this.stats.refused++;
            m.ack();
          }
        }
      } catch (err) {
        if (!this.stopped) {
          this.o.logger.warn({ err: (err as Error).message }, 'audit copies: reading the stream failed; retrying');
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }

  /** Keeps another node's checkpoint when its own key's signature holds. */
  keep(msg: RelayedCheckpoint): 'kept' | 'own' | 'duplicate' | 'refused' | 'conflict' {
    if (msg.node === this.o.nodeId) return 'own';
    const c = msg.checkpoint;
    let problem: string | null;
    try {
      if (typeof msg.node !== 'string' || !NODE_ID_PATTERN.test(msg.node)) throw new Error(`bad node id ${JSON.stringify(msg.node)}`);
      problem = checkpointProblem(c, publicKeyFromBase64(String(msg.publicKey)));
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem) {
      this.stats.refused++;
      this.o.logger.warn({ node: String(msg.node).slice(0, 64), problem }, 'audit copies: refused a checkpoint');
      return 'refused';
    }
    const where = copyFileOf(this.o.copiesDir, msg.node, c.keyId);
    let h = this.held.get(where.checkpoints);
    if (!h) {
      mkdirSync(this.o.copiesDir, { recursive: true });
      if (!existsSync(where.publicKey)) {
        writeFileSync(where.publicKey, publicKeyFromBase64(msg.publicKey).export({ type: 'spki', format: 'pem' }));
      }
      const file = new CheckpointFile(where.checkpoints);
      h = { file, bySeq: new Map(file.read().map((x) => [x.seq, x.hash])) };
      this.held.set(where.checkpoints, h);
    }
    const known = h.bySeq.get(c.seq);
    if (known === c.hash) return 'duplicate';
    // Kept either way: two signed answers for one entry are the evidence.
    h.file.append([c]);
    this.stats.copied++;
    if (known !== undefined) {
      this.stats.conflicts++;
      const detail = `node ${msg.node} (key ${c.keyId}) signed entry ${c.seq} twice with different hashes: its audit log was rewritten and re-signed`;
      this.o.logger.fatal({ node: msg.node, seq: c.seq }, detail);
      this.o.onConflict?.(detail);
      return 'conflict';
    }
    h.bySeq.set(c.seq, c.hash);
    return 'kept';
  }

  /** Sends what is queued (the checkpoint of the shutdown) for up to two seconds, then stops. */
  async close(): Promise<void> {
    for (const deadline = Date.now() + 2000; this.js && this.pending.length && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.running;
    await Promise.allSettled(this.workers);
    await this.nc?.drain().catch(() => undefined);
  }
}
