// A fuzzer of our own over every route of the HTTP API, generated from its OpenAPI description:
// for each operation, requests with valid and mutated path parameters, query strings and bodies,
// with no session, a viewer's and an admin's. Whatever comes in, the answer must not be a 5xx.
// Deterministic for a seed (a small PRNG), so a failure can be replayed.

export interface ApiOperation {
  method: string;
  /** OpenAPI path, e.g. /api/cameras/{id} */
  path: string;
  params: Record<string, Schema>;
  query: Record<string, Schema>;
  required: string[];
  body: Schema | null;
}

type Schema = Record<string, unknown>;

export interface FuzzCase {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function operationsOf(doc: { paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean; schema: Schema }[]; requestBody?: { content?: Record<string, { schema: Schema }> } }>> }): ApiOperation[] {
  const ops: ApiOperation[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params: Record<string, Schema> = {};
      const query: Record<string, Schema> = {};
      const required: string[] = [];
      for (const prm of op.parameters ?? []) {
        if (prm.in === 'path') params[prm.name] = prm.schema;
        else if (prm.in === 'query') {
          query[prm.name] = prm.schema;
          if (prm.required) required.push(prm.name);
        }
      }
      for (const m of p.matchAll(/\{(\w+)\}/g)) params[m[1]] ??= { type: 'string' };
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      ops.push({ method: method.toUpperCase(), path: p, params, query, required, body });
    }
  }
  return ops;
}

const NASTY_STRINGS = [
  '', ' ', '..', '../../etc/passwd', '%2e%2e%2f', '\u0000', '\u202e', 'ﷺ', '😀'.repeat(40), 'a'.repeat(70), 'a'.repeat(5000),
  '<script>', "' OR 1=1 --", '${7*7}', '{{7*7}}', 'null', 'true', '-1', '0', 'NaN', 'Infinity', '-Infinity', '1e309', '1E400',
  '9007199254740993', '-9007199254740993', '1.5', '0x10', '[]', '{}', 'rtsp://', 'rtsps://x/y', 'rtsp://u:p@h/x?user=a&password=b',
];
const NASTY_NUMBERS: unknown[] = [0, -1, 1, 1.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, Number.MAX_SAFE_INTEGER, 253_402_300_800_000, '1', null, true, [], {}, 'x'];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)];
}

/** A value valid for the schema, as far as a small generator can tell. */
export function validValue(s: Schema | undefined, r: () => number, depth = 0): unknown {
  if (!s || depth > 6) return null;
  if (Array.isArray(s.anyOf)) return validValue(pick(r, s.anyOf as Schema[]), r, depth + 1);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return pick(r, s.enum as unknown[]);
  const type = Array.isArray(s.type) ? pick(r, s.type as string[]) : (s.type as string | undefined);
  switch (type) {
    case 'string': {
      if (typeof s.pattern === 'string' && /rtsp/.test(s.pattern as string)) return `rtsp://127.0.0.1:9/fuzz${Math.floor(r() * 1000)}`;
      const min = Number(s.minLength ?? 1);
      return 'f'.repeat(Math.max(min, 3)).slice(0, Number(s.maxLength ?? 64));
    }
    case 'integer':
    case 'number': {
      const min = Number(s.minimum ?? 0);
      const max = Number(s.maximum ?? min + 1_000_000);
      return Math.floor(min + r() * Math.min(max - min, 1e12));
    }
    case 'boolean':
      return r() < 0.5;
    case 'null':
      return null;
    case 'array': {
      const n = Math.max(Number(s.minItems ?? 0), Math.floor(r() * 3));
      return Array.from({ length: Math.min(n, Number(s.maxItems ?? 3)) }, () => validValue(s.items as Schema, r, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const req = new Set((s.required ?? []) as string[]);
      for (const [k, v] of Object.entries(props)) if (req.has(k) || r() < 0.5) out[k] = validValue(v, r, depth + 1);
      return out;
    }
    default:
      return 'x';
  }
}

function mutateValue(v: unknown, r: () => number): unknown {
  const k = r();
  if (k < 0.35) return pick(r, NASTY_NUMBERS);
  if (k < 0.7) return pick(r, NASTY_STRINGS);
  if (k < 0.8) return Array.isArray(v) ? [...v, ...v, pick(r, NASTY_STRINGS)] : [v];
  if (k < 0.9) return { nested: { deeper: v } };
  return undefined;
}

/** Deep-ish mutation of a body object: a field changed, dropped or added; sometimes raw text. */
function mutateBody(body: unknown, r: () => number): string {
  const k = r();
  if (k < 0.08) return pick(r, ['', '{', '[', 'null', '"x"', '1e309', '{"a":1e309}', '{"__proto__":{"x":1}}', '{"from":-Infinity}', '[' .repeat(5000)]);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(mutateValue(body, r) ?? {});
  const obj = { ...(body as Record<string, unknown>) };
  const keys = Object.keys(obj);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const choice = r();
    if (choice < 0.5 && keys.length) {
      const key = pick(r, keys);
      const m = mutateValue(obj[key], r);
      if (m === undefined) delete obj[key];
      else obj[key] = m;
    } else if (choice < 0.7) obj[pick(r, ['extra', 'constructor', '__proto__', 'from', 'to', 'limit', 'password'])] = pick(r, NASTY_NUMBERS);
    else if (keys.length) delete obj[pick(r, keys)];
  }
  let text = JSON.stringify(obj);
  // Numbers JSON.stringify cannot write (they turn into null): put them in as raw text.
  if (r() < 0.15) text = text.replace(/:(-?\d+)/, `:${pick(r, ['1e309', '-1e309', '1E400', '9007199254740993'])}`);
  return text;
}

export interface FuzzContext {
  /** Path parameter values that exist (camera ids, user ids…), by parameter name. */
  known: Record<string, string[]>;
  cookies: Record<'none' | 'viewer' | 'admin', string | null>;
  origin: string;
}

/** The n-th case of a run: operation, session and mutations chosen by the seeded PRNG. */
export function fuzzCase(ops: readonly ApiOperation[], ctx: FuzzContext, r: () => number): FuzzCase {
  const op = pick(r, ops);
  const mutate = r() < 0.6;
  let url = op.path;
  for (const [name] of Object.entries(op.params)) {
    const known = ctx.known[name] ?? [];
    let value = known.length && r() < 0.7 ? pick(r, known) : String(validValue(op.params[name], r));
    if (mutate && r() < 0.3) value = String(pick(r, NASTY_STRINGS));
    url = url.replace(`{${name}}`, encodeURIComponent(value).slice(0, 6000) || '%20');
  }
  const q = new URLSearchParams();
  for (const [name, schema] of Object.entries(op.query)) {
    if (!op.required.includes(name) && r() < 0.5) continue;
    let value: unknown = validValue(schema, r);
    if (mutate && r() < 0.4) value = mutateValue(value, r);
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) q.append(name, String(v));
    else q.set(name, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));
  }
  if (mutate && r() < 0.1) q.set(pick(r, ['extra', 'limit', 'from', '__proto__']), String(pick(r, NASTY_STRINGS)));
  const qs = q.toString();
  const session = pick(r, ['none', 'viewer', 'admin', 'admin'] as const);
  const headers: Record<string, string> = {};
  const cookie = ctx.cookies[session];
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (op.body || (mutate && op.method !== 'GET' && r() < 0.2)) {
    const valid = validValue(op.body ?? { type: 'object' }, r);
    body = mutate ? mutateBody(valid, r) : JSON.stringify(valid);
    headers['content-type'] = mutate && r() < 0.05 ? pick(r, ['text/plain', 'application/xml', 'application/json; charset=latin1', 'multipart/form-data']) : 'application/json';
    headers.origin = ctx.origin;
  } else if (op.method !== 'GET') headers.origin = ctx.origin;
  return { method: op.method, url: qs ? `${url}?${qs}` : url, headers, body };
}

export interface ApiFuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  /** Every 5xx, with what was sent (replayable). */
  failures: { case: FuzzCase; status: number; body: string }[];
  seconds: number;
}

/** Sends `count` generated requests, `concurrency` at a time; never throws on an answer. */
export async function runApiFuzz(opts: { baseUrl: string; ops: readonly ApiOperation[]; ctx: FuzzContext; count: number; seed: number; concurrency?: number }): Promise<ApiFuzzReport> {
  const r = prng(opts.seed);
  const cases = Array.from({ length: opts.count }, () => fuzzCase(opts.ops, opts.ctx, r));
  const report: ApiFuzzReport = { requests: 0, byStatus: {}, failures: [], seconds: 0 };
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency ?? 8 }, async () => {
      for (;;) {
        const i = next++;
        if (i >= cases.length) return;
        const c = cases[i];
        let status = 0;
        let text = '';
        try {
          const res = await fetch(opts.baseUrl + c.url, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(30_000), redirect: 'manual' });
          status = res.status;
          text = (await res.text()).slice(0, 300);
        } catch (err) {
          // A reset connection is the server giving up on a request: count it with the 5xx.
          status = 599;
          text = (err as Error).message;
        }
        report.requests++;
        report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
        if (status >= 500) report.failures.push({ case: c, status, body: text });
      }
    }),
  );
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
