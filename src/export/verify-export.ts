// Offline check of an export directory: the signature over manifest.json, the key id, and the size
// and SHA-256 of every file; files missing from the directory or present but not in the manifest
// are named. Needs nothing but the directory (and, optionally, the server's public key to pin).
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, SIGNATURE_FILE, safeFileName, type Manifest } from './manifest.ts';
import { keyIdOf, publicKeyFromBase64, verifyBytes } from '../audit/index.ts';

export interface VerifyProblem {
  /** The file concerned (manifest.json, manifest.sig or an exported file). */
  file: string;
  kind: 'missing' | 'altered' | 'extra' | 'signature' | 'manifest' | 'untrusted-key';
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  manifest: Manifest | null;
  problems: VerifyProblem[];
  checkedFiles: number;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function verifyExportDir(dir: string, opts: { trustedPublicKey?: KeyObject } = {}): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  const done = (manifest: Manifest | null, checkedFiles = 0): VerifyResult => ({ ok: problems.length === 0, manifest, problems, checkedFiles });
  const manifestPath = path.join(dir, MANIFEST_FILE);
  const sigPath = path.join(dir, SIGNATURE_FILE);
  if (!existsSync(manifestPath)) {
    problems.push({ file: MANIFEST_FILE, kind: 'missing', message: 'manifest.json is missing' });
    return done(null);
  }
  const bytes = readFileSync(manifestPath);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    if (!Array.isArray(manifest.files) || typeof manifest.publicKey !== 'string') throw new Error('files or publicKey missing');
  } catch (err) {
    problems.push({ file: MANIFEST_FILE, kind: 'manifest', message: `manifest.json is not a Vigil manifest: ${(err as Error).message}` });
    return done(null);
  }

  let key: KeyObject | null = null;
  try {
    key = publicKeyFromBase64(manifest.publicKey);
  } catch {
    problems.push({ file: MANIFEST_FILE, kind: 'manifest', message: 'publicKey is not an Ed25519 SPKI key' });
  }
  if (!existsSync(sigPath)) problems.push({ file: SIGNATURE_FILE, kind: 'missing', message: 'manifest.sig is missing' });
  else if (key) {
    const sig = Buffer.from(readFileSync(sigPath, 'utf8').trim(), 'base64');
    if (!verifyBytes(key, bytes, sig)) problems.push({ file: MANIFEST_FILE, kind: 'signature', message: 'the signature does not match manifest.json (edited manifest or signature)' });
    if (keyIdOf(key) !== manifest.serverKeyId) problems.push({ file: MANIFEST_FILE, kind: 'manifest', message: `serverKeyId ${manifest.serverKeyId} is not the id of publicKey (${keyIdOf(key)})` });
  }
  if (opts.trustedPublicKey && key && !opts.trustedPublicKey.equals(key)) {
    problems.push({ file: MANIFEST_FILE, kind: 'untrusted-key', message: `signed by key ${keyIdOf(key)}, not by the trusted key ${keyIdOf(opts.trustedPublicKey)}` });
  }

  const listed = new Set<string>();
  let checked = 0;
  for (const f of manifest.files) {
    if (typeof f.name !== 'string' || !safeFileName(f.name)) {
      problems.push({ file: String(f.name), kind: 'manifest', message: 'file name not allowed in an export' });
      continue;
    }
    listed.add(f.name);
    const p = path.join(dir, f.name);
    if (!existsSync(p)) {
      problems.push({ file: f.name, kind: 'missing', message: 'listed in the manifest but missing' });
      continue;
    }
    const size = statSync(p).size;
    const sha = await sha256File(p);
    checked++;
    if (size !== f.bytes || sha !== f.sha256) problems.push({ file: f.name, kind: 'altered', message: size !== f.bytes ? `size ${size}, manifest says ${f.bytes}` : 'SHA-256 differs from the manifest' });
  }
  for (const name of readdirSync(dir)) {
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE || listed.has(name)) continue;
    problems.push({ file: name, kind: 'extra', message: 'present but not in the manifest' });
  }
  return done(manifest, checked);
}
