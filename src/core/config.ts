// Load, default and validate configuration. Errors name the key and what was expected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type Config } from './config-schema.ts';
import { ConfigError } from './errors.ts';

export function parseConfigText(text: string, fileName: string): unknown {
  try {
    return fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError([`${fileName}: not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`]);
  }
}

/** Validate a plain object against the schema, filling defaults. Throws ConfigError listing every problem. */
export function validateConfig(raw: unknown): Config {
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new ConfigError(['(root): expected an object of settings']);
  const value = Value.Default(ConfigSchema, structuredClone(input));
  const issues: string[] = [];
  for (const err of Value.Errors(ConfigSchema, value)) {
    const key = err.path.replace(/^\//, '').replace(/\//g, '.') || '(root)';
    const got = err.value === undefined ? 'nothing' : JSON.stringify(err.value);
    const expected = describeExpectation(err.schema as Record<string, unknown>, err.message);
    if (err.message.startsWith('Unexpected property')) issues.push(`${key}: unknown setting`);
    else issues.push(`${key}: expected ${expected}, got ${got}`);
  }
  if (issues.length) throw new ConfigError(dedupe(issues));
  const cfg = value as Config;
  if (cfg.database.kind === 'postgres' && !cfg.database.url) throw new ConfigError(['database.url: expected a postgres:// URL when database.kind is "postgres", got nothing']);
  if (cfg.retention.auditDays > 0 && cfg.retention.auditDays < 31) throw new ConfigError([`retention.auditDays: expected 0 (keep forever) or at least 31 days, got ${cfg.retention.auditDays}`]);
  if (cfg.cluster && cfg.database.kind !== 'postgres') throw new ConfigError(['database.kind: expected "postgres" when cluster is set (every node and api share one PostgreSQL), got "sqlite"']);
  const ids = new Set<string>();
  cfg.cameras.forEach((c, i) => {
    if (ids.has(c.id)) throw new ConfigError([`cameras.${i}.id: expected a unique id, got duplicate ${JSON.stringify(c.id)}`]);
    ids.add(c.id);
  });
  return cfg;
}

function describeExpectation(schema: Record<string, unknown>, fallback: string): string {
  if (Array.isArray(schema.anyOf)) return 'one of ' + (schema.anyOf as Record<string, unknown>[]).map((s) => JSON.stringify(s.const)).join(', ');
  const parts: string[] = [];
  if (schema.type) parts.push(String(schema.type));
  if (schema.minimum !== undefined) parts.push(`>= ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) parts.push(`<= ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`);
  if (schema.pattern) parts.push(`matching ${schema.pattern}`);
  return parts.length ? parts.join(' ') : fallback.toLowerCase();
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Read a config file (YAML or JSON), apply environment overrides, validate. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError([`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
    }
    const parsed = parseConfigText(text, file);
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new ConfigError([`${file}: expected a mapping of settings at the top level`]);
    raw = (parsed ?? {}) as Record<string, unknown>;
  }
  return validateConfig(applyEnv(raw, env));
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(raw);
  if (env.VIGIL_DATA_DIR) out.dataDir = env.VIGIL_DATA_DIR;
  if (env.VIGIL_PORT) {
    const server = { ...((out.server as Record<string, unknown>) ?? {}) };
    const n = Number(env.VIGIL_PORT);
    server.port = Number.isInteger(n) ? n : env.VIGIL_PORT;
    out.server = server;
  }
  if (env.VIGIL_NATS_URL && out.cluster && typeof out.cluster === 'object') out.cluster = { ...(out.cluster as Record<string, unknown>), natsUrl: env.VIGIL_NATS_URL };
  if (env.VIGIL_NODE_ID && out.cluster && typeof out.cluster === 'object') out.cluster = { ...(out.cluster as Record<string, unknown>), nodeId: env.VIGIL_NODE_ID };
  return out;
}

/** Absolute paths derived from dataDir. */
export function resolvePaths(cfg: Config) {
  const dataDir = path.resolve(cfg.dataDir);
  return {
    dataDir,
    dbPath: path.resolve(dataDir, cfg.database.path ?? 'vigil.db'),
    recordingsDir: path.resolve(dataDir, cfg.recording.dir ?? 'recordings'),
    keysDir: path.join(dataDir, 'keys'),
    /** Signed audit checkpoints, outside the database (docs/audit.md). */
    checkpointFile: cfg.audit?.checkpointFile ? path.resolve(dataDir, cfg.audit.checkpointFile) : path.join(dataDir, 'audit', 'checkpoints.jsonl'),
  };
}
