// Camera passwords (and later other secrets) are encrypted at rest with AES-256-GCM under a
// per-installation key kept in <dataDir>/keys/secret.key (mode 0600), outside the database, so a
// copied database alone does not reveal them.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { AccessError } from './errors.ts';

export class SecretBox {
  private readonly key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new AccessError('SECRET_KEY_INVALID', 'secret key must be 32 bytes');
    this.key = key;
  }

  static loadOrCreate(keysDir: string): SecretBox {
    const file = path.join(keysDir, 'secret.key');
    if (!existsSync(file)) {
      mkdirSync(keysDir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
      renameSync(tmp, file);
    }
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  /**
   * The key shared by every process of a cluster (issue 15), read from a file the operator
   * deploys to each node and api like a TLS key. Never created here: a node that made its own
   * could not open the passwords the others sealed.
   */
  static fromKeyFile(file: string): SecretBox {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new AccessError('SECRET_KEY_INVALID', `cluster.secretKeyFile: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); create it once with: head -c 32 /dev/urandom | base64 > ${file}`);
    }
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== 32) throw new AccessError('SECRET_KEY_INVALID', `cluster.secretKeyFile: ${file} must hold 32 bytes in base64, it holds ${key.length}`);
    return new SecretBox(key);
  }

  /**
   * A key for another purpose, derived from this one (HMAC-SHA256 over the purpose's label), so
   * the sealing key itself is never used for anything else. In a cluster every process derives
   * the same one (e.g. to sign the api's short-lived requests for another node's segment files).
   */
  derive(label: string): Buffer {
    return createHmac('sha256', this.key).update(`vigil derived key: ${label}`).digest();
  }

  /** v1.<iv>.<tag>.<ciphertext>, all base64url. */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new AccessError('SECRET_KEY_INVALID', 'sealed secret has an unknown format');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new AccessError('SECRET_KEY_INVALID', 'sealed secret does not open with this installation key');
    }
  }
}
