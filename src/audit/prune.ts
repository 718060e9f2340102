// Signed prune records: the audit log's retention. Deleting the oldest entries by policy cuts the
// chain's start; without more, that looks exactly like an attacker deleting them. Before the
// entries 1..N go, the server signs a record of the cut — the seq and hash of the last entry
// deleted — and appends it to a file outside the database (next to the checkpoints). Verification
// then starts the chain at N+1 from that signed hash: a log that starts after 1 with no signed
// record at its start, or one cut further than a record says, fails as before.
// Pure, apart from the file at the end (the same append-only, fsynced JSON lines as the checkpoints).
import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { canonicalJson } from './canonical-json.ts';
import { keyIdOf, signBytes, verifyBytes, type ServerSigningKey } from './server-key.ts';
import { appendJsonLines, readJsonLines } from './checkpoint-file.ts';

export const PRUNE_FORMAT = 'vigil-audit-prune/1';
/** The prune records' file, in the checkpoint file's folder. */
export const PRUNE_FILE = 'prunes.jsonl';

export interface PruneBody {
  format: typeof PRUNE_FORMAT;
  /** The first and last entry deleted by this cut (the log before fromSeq was cut earlier). */
  fromSeq: number;
  throughSeq: number;
  /** Hash of entry throughSeq: the chain's prevHash for throughSeq + 1. */
  hash: string;
  /** Times of the first and last entry deleted. */
  fromTs: number;
  throughTs: number;
  /** The policy: entries older than this were due (ms since the epoch). */
  beforeMs: number;
  /** The audit log's retention when cut, in days. */
  retentionDays: number;
  prunedAt: number;
  keyId: string;
}

export interface PruneRecord extends PruneBody {
  /** Ed25519 over the canonical JSON of the body, base64. */
  signature: string;
}

function bodyBytes(b: PruneBody): Buffer {
  return Buffer.from(canonicalJson({
    format: b.format, fromSeq: b.fromSeq, throughSeq: b.throughSeq, hash: b.hash, fromTs: b.fromTs, throughTs: b.throughTs,
    beforeMs: b.beforeMs, retentionDays: b.retentionDays, prunedAt: b.prunedAt, keyId: b.keyId,
  }));
}

export function signPrune(key: ServerSigningKey, b: Omit<PruneBody, 'format' | 'keyId'>): PruneRecord {
  const body: PruneBody = { format: PRUNE_FORMAT, ...b, keyId: key.keyId };
  return { ...body, signature: signBytes(key, bodyBytes(body)).toString('base64') };
}

/** Why a prune record cannot be trusted under this key, or null when it can. */
export function pruneProblem(r: PruneRecord, publicKey: KeyObject): string | null {
  if (!r || typeof r !== 'object' || r.format !== PRUNE_FORMAT) return `unknown format ${JSON.stringify(r?.format)}`;
  if (!Number.isSafeInteger(r.fromSeq) || !Number.isSafeInteger(r.throughSeq) || r.fromSeq < 1 || r.throughSeq < r.fromSeq) return 'bad sequence numbers';
  if (typeof r.hash !== 'string' || !/^[0-9a-f]{64}$/.test(r.hash)) return 'bad hash';
  if (r.keyId !== keyIdOf(publicKey)) return `signed by key ${r.keyId}, not by ${keyIdOf(publicKey)}`;
  if (!verifyBytes(publicKey, bodyBytes(r), Buffer.from(String(r.signature), 'base64'))) return 'signature does not verify';
  return null;
}

/** The prune file that goes with a checkpoint file. */
export function pruneFileFor(checkpointFile: string): string {
  return path.join(path.dirname(checkpointFile), PRUNE_FILE);
}

export function readPruneFile(file: string): PruneRecord[] {
  return readJsonLines(file) as PruneRecord[];
}

export class PruneFile {
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  read(): PruneRecord[] {
    return readPruneFile(this.file);
  }

  /** Appended and fsynced before any entry is deleted: a crash leaves a record and the entries, never the reverse. */
  append(records: readonly PruneRecord[]): void {
    appendJsonLines(this.file, records);
  }
}
