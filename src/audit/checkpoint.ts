// Signed checkpoints of the audit chain. The chain alone catches naive edits only: whoever can
// write the database can delete its tail, or rewrite entries and recompute every hash after them
// with the same public function. A checkpoint is the chain's head (seq and hash) signed with the
// server's Ed25519 key and kept outside the database; an attacker with the database but not the
// key cannot make a rewritten chain match it.
//
// Each checkpoint also carries a short fingerprint (the first 4 hex digits of the hash) of every
// entry since the previous checkpoint, so verification can name the first entry that differs,
// not only the range. Pure: no files, no clock.
import { createHash, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { keyIdOf, signBytes, verifyBytes, type ServerSigningKey } from './server-key.ts';

export const CHECKPOINT_FORMAT = 'vigil-audit-checkpoint/1';
/** Hex digits of each entry's hash kept in a checkpoint. */
export const FINGERPRINT_DIGITS = 4;

export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  /** The checkpointed entry (the head when it was signed). */
  seq: number;
  hash: string;
  /** The previous checkpoint's seq (0 for the first): the fingerprints cover (prevSeq, seq]. */
  prevSeq: number;
  /** FINGERPRINT_DIGITS hex digits of the hash of each entry prevSeq+1..seq, concatenated. */
  fingerprints: string;
  signedAt: number;
  keyId: string;
}

export interface Checkpoint extends CheckpointBody {
  /** Ed25519 over the canonical JSON of the body, base64. */
  signature: string;
}

export function fingerprintOf(hash: string): string {
  return hash.slice(0, FINGERPRINT_DIGITS);
}

function bodyBytes(body: CheckpointBody): Buffer {
  return Buffer.from(
    canonicalJson({
      format: body.format,
      seq: body.seq,
      hash: body.hash,
      prevSeq: body.prevSeq,
      fingerprints: body.fingerprints,
      signedAt: body.signedAt,
      keyId: body.keyId,
    }),
  );
}

export function signCheckpoint(key: ServerSigningKey, c: Omit<CheckpointBody, 'format' | 'keyId'>): Checkpoint {
  const body: CheckpointBody = { format: CHECKPOINT_FORMAT, ...c, keyId: key.keyId };
  return { ...body, signature: signBytes(key, bodyBytes(body)).toString('base64') };
}

/** Why a checkpoint cannot be trusted under this public key, or null when it can. */
export function checkpointProblem(c: Checkpoint, publicKey: KeyObject): string | null {
  if (c.format !== CHECKPOINT_FORMAT) return `unknown format ${JSON.stringify(c.format)}`;
  if (!Number.isSafeInteger(c.seq) || c.seq < 1 || !Number.isSafeInteger(c.prevSeq) || c.prevSeq < 0 || c.prevSeq >= c.seq) return 'bad sequence numbers';
  if (typeof c.fingerprints !== 'string' || c.fingerprints.length !== (c.seq - c.prevSeq) * FINGERPRINT_DIGITS) return 'fingerprints do not cover its range';
  if (c.keyId !== keyIdOf(publicKey)) return `signed by key ${c.keyId}, not by ${keyIdOf(publicKey)}`;
  if (!verifyBytes(publicKey, bodyBytes(c), Buffer.from(String(c.signature), 'base64'))) return 'signature does not verify';
  return null;
}

/** A short digest of a checkpoint set, e.g. for a report: the latest seq and hash. */
export function latestOf(checkpoints: readonly Checkpoint[]): Checkpoint | null {
  let best: Checkpoint | null = null;
  for (const c of checkpoints) if (!best || c.seq > best.seq) best = c;
  return best;
}

/** Stable id of a checkpoint (for listings). */
export function checkpointId(c: Checkpoint): string {
  return createHash('sha256').update(c.signature).digest('hex').slice(0, 16);
}
