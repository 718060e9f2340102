// RTSP authentication: Basic and Digest (RFC 2617 / RFC 7616: MD5 or SHA-256, qop=auth or none),
// for both sides. Pure apart from random nonces; credentials never leave these functions except in
// the Authorization header itself.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface AuthChallenge {
  scheme: 'basic' | 'digest';
  params: Record<string, string>;
}

export interface Credentials {
  username: string;
  password: string;
}

/** Parse WWW-Authenticate values (one challenge each, or several in one comma-separated line). */
export function parseChallenges(values: string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    const starts: number[] = [];
    const re = /(?:^|,)\s*(Basic|Digest)(?=\s|$)/gi;
    for (let m; (m = re.exec(value)); ) starts.push(m.index);
    for (let i = 0; i < starts.length; i++) {
      const part = value.slice(starts[i], starts[i + 1] ?? value.length).replace(/^\s*,/, '').trim();
      const sp = part.search(/\s|$/);
      const scheme = part.slice(0, sp).toLowerCase();
      if (scheme !== 'basic' && scheme !== 'digest') continue;
      out.push({ scheme, params: parseAuthParams(part.slice(sp)) });
    }
  }
  return out;
}

export function parseAuthParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m; (m = re.exec(s)); ) out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  return out;
}

function hashOf(algorithm: string | undefined): 'md5' | 'sha256' | undefined {
  const a = (algorithm ?? 'MD5').toUpperCase();
  if (a === 'MD5' || a === 'MD5-SESS') return 'md5';
  if (a === 'SHA-256' || a === 'SHA-256-SESS') return 'sha256';
  return undefined;
}

const h = (alg: 'md5' | 'sha256', s: string): string => createHash(alg).update(s, 'utf8').digest('hex');

export interface DigestInput {
  algorithm?: string;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  uri: string;
  /** 'auth' with nc and cnonce, or absent for the RFC 2069 form. */
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

/** The Digest `response` value (RFC 7616 section 3.4.1). */
export function digestResponse(d: DigestInput): string {
  const alg = hashOf(d.algorithm) ?? 'md5';
  let ha1 = h(alg, `${d.username}:${d.realm}:${d.password}`);
  if ((d.algorithm ?? '').toUpperCase().endsWith('-SESS')) ha1 = h(alg, `${ha1}:${d.nonce}:${d.cnonce ?? ''}`);
  const ha2 = h(alg, `${d.method}:${d.uri}`);
  return d.qop ? h(alg, `${ha1}:${d.nonce}:${d.nc}:${d.cnonce}:auth:${ha2}`) : h(alg, `${ha1}:${d.nonce}:${ha2}`);
}

/**
 * Answers challenges for one session. Digest keeps a nonce count, so reuse one instance for every
 * request after the first 401.
 */
export class ClientAuthenticator {
  readonly #creds: Credentials;
  readonly #challenge: AuthChallenge;
  #nc = 0;
  #cnonce = randomBytes(8).toString('hex');

  /** Picks Digest over Basic when offered both; undefined when no challenge is usable. */
  static from(challenges: AuthChallenge[], creds: Credentials): ClientAuthenticator | undefined {
    const digest = challenges.find((c) => c.scheme === 'digest' && hashOf(c.params.algorithm) && c.params.nonce !== undefined);
    const chosen = digest ?? challenges.find((c) => c.scheme === 'basic');
    return chosen ? new ClientAuthenticator(chosen, creds) : undefined;
  }

  constructor(challenge: AuthChallenge, creds: Credentials) {
    this.#challenge = challenge;
    this.#creds = creds;
  }

  get scheme(): 'basic' | 'digest' {
    return this.#challenge.scheme;
  }

  authorization(method: string, uri: string): string {
    const { username, password } = this.#creds;
    if (this.#challenge.scheme === 'basic') return 'Basic ' + Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    const p = this.#challenge.params;
    const realm = p.realm ?? '';
    const qops = (p.qop ?? '').split(',').map((s) => s.trim().toLowerCase());
    const useQop = qops.includes('auth');
    const nc = (++this.#nc).toString(16).padStart(8, '0');
    const response = digestResponse({
      algorithm: p.algorithm, username, password, realm, nonce: p.nonce, method, uri,
      ...(useQop ? { qop: 'auth', nc, cnonce: this.#cnonce } : {}),
    });
    const fields = [`username="${username}"`, `realm="${realm}"`, `nonce="${p.nonce}"`, `uri="${uri}"`, `response="${response}"`];
    if (p.algorithm) fields.push(`algorithm=${p.algorithm}`);
    if (p.opaque !== undefined) fields.push(`opaque="${p.opaque}"`);
    if (useQop) fields.push('qop=auth', `nc=${nc}`, `cnonce="${this.#cnonce}"`);
    return 'Digest ' + fields.join(', ');
  }
}

export interface ServerAuthOptions {
  scheme: 'basic' | 'digest';
  username: string;
  password: string;
  realm?: string;
  /** Offer qop="auth" in Digest challenges (default true); clients may then answer either way. */
  digestQop?: boolean;
}

/**
 * Server side. Digest nonces are stateless: `time.hmac(time)` under a per-process key, so any
 * nonce this process issued in the last `nonceTtlMs` verifies without a table to grow.
 */
export class ServerAuthenticator {
  readonly #opts: ServerAuthOptions;
  readonly #realm: string;
  readonly #key = randomBytes(16);
  readonly #nonceTtlMs = 10 * 60_000;

  constructor(opts: ServerAuthOptions) {
    this.#opts = opts;
    this.#realm = opts.realm ?? 'Vigil';
  }

  challenge(stale = false): string {
    if (this.#opts.scheme === 'basic') return `Basic realm="${this.#realm}"`;
    const t = Date.now().toString(16);
    const nonce = `${t}.${createHmac('sha256', this.#key).update(t).digest('hex').slice(0, 24)}`;
    const qop = this.#opts.digestQop === false ? '' : ', qop="auth"';
    return `Digest realm="${this.#realm}", nonce="${nonce}", algorithm=MD5${qop}${stale ? ', stale=TRUE' : ''}`;
  }

  /** 'ok', 'stale' (right password, expired nonce: re-challenge with stale=TRUE) or 'denied'. */
  verify(authorization: string | undefined, method: string): 'ok' | 'stale' | 'denied' {
    if (!authorization) return 'denied';
    const sp = authorization.indexOf(' ');
    const scheme = authorization.slice(0, sp < 0 ? undefined : sp).toLowerCase();
    const rest = sp < 0 ? '' : authorization.slice(sp + 1);
    const { username, password } = this.#opts;
    if (this.#opts.scheme === 'basic') {
      if (scheme !== 'basic') return 'denied';
      return safeEqual(Buffer.from(rest.trim(), 'base64').toString('utf8'), `${username}:${password}`) ? 'ok' : 'denied';
    }
    if (scheme !== 'digest') return 'denied';
    const p = parseAuthParams(rest);
    if (p.username !== username || p.realm !== this.#realm || !p.nonce || !p.uri || !p.response) return 'denied';
    const alg = hashOf(p.algorithm);
    if (alg !== 'md5') return 'denied';
    const base = { algorithm: p.algorithm, username, password, realm: this.#realm, nonce: p.nonce, method, uri: p.uri };
    const expected = p.qop
      ? p.qop === 'auth' && p.nc && p.cnonce
        ? digestResponse({ ...base, qop: 'auth', nc: p.nc, cnonce: p.cnonce })
        : ''
      : digestResponse(base);
    if (!expected || !safeEqual(expected, p.response.toLowerCase())) return 'denied';
    const [t, mac] = p.nonce.split('.');
    if (!t || !mac || !safeEqual(createHmac('sha256', this.#key).update(t).digest('hex').slice(0, 24), mac)) return 'denied';
    return Date.now() - parseInt(t, 16) > this.#nonceTtlMs ? 'stale' : 'ok';
  }
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
