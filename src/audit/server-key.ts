// The server's Ed25519 key: it signs evidence exports and the audit log's checkpoints. Created on
// first use in <keysDir>/export-ed25519.key (PKCS#8 PEM, mode 0600; the name is kept from when only
// exports were signed) and .pub (SPKI PEM). Its id is the first 16 hex digits of the SHA-256 of the
// public key (SPKI DER), so a verifier can tell which server signed. It lives in the audit part,
// the lowest that signs, so that audit needs no part above it and export reuses it.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuditError } from './errors.ts';

export interface ServerSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI DER, base64: goes into every manifest. */
  publicKeyBase64: string;
  keyId: string;
}

export const PRIVATE_KEY_FILE = 'export-ed25519.key';
export const PUBLIC_KEY_FILE = 'export-ed25519.pub';

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

function fromPrivate(privateKey: KeyObject): ServerSigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new AuditError('SERVER_KEY_INVALID', 'the server key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), keyId: keyIdOf(publicKey) };
}

export function loadOrCreateServerKey(keysDir: string): ServerSigningKey {
  const keyPath = path.join(keysDir, PRIVATE_KEY_FILE);
  if (existsSync(keyPath)) {
    try {
      return fromPrivate(createPrivateKey(readFileSync(keyPath)));
    } catch (err) {
      if (err instanceof AuditError) throw err;
      throw new AuditError('SERVER_KEY_INVALID', `cannot read the server key ${keyPath}: ${(err as Error).message}`);
    }
  }
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': two processes creating the key at once must not overwrite each other's.
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(keyPath, 0o600);
  writeFileSync(path.join(keysDir, PUBLIC_KEY_FILE), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return fromPrivate(privateKey);
}

export function signBytes(key: ServerSigningKey, data: Buffer): Buffer {
  return sign(null, data, key.privateKey);
}

export function publicKeyFromBase64(spkiDerBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiDerBase64, 'base64'), format: 'der', type: 'spki' });
}

export function verifyBytes(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

/** The public key from a .pub file (SPKI PEM) or base64 SPKI DER text. */
export function readPublicKey(text: string): KeyObject {
  const t = text.trim();
  try {
    return t.startsWith('-----BEGIN') ? createPublicKey(t) : publicKeyFromBase64(t);
  } catch (err) {
    throw new AuditError('SERVER_KEY_INVALID', `not an Ed25519 public key: ${(err as Error).message}`);
  }
}
