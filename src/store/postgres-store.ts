// The store on PostgreSQL (cluster mode): the same SqlStore logic over a pg Pool.
import pg from 'pg';
import { StoreError } from './errors.ts';
import { migrate } from './migrations.ts';
import { SqlStore } from './sql-store.ts';
import type { SqlDatabase, SqlParam, SqlRow, SqlSession } from './sql-dialect.ts';
import type { Store } from './types.ts';

// BIGINT (int8, OID 20) arrives as a string by default; every BIGINT here is a millisecond time,
// a seq or a byte count, all far below 2^53. Per pool rather than pg.types globally, so other
// pg users in the process keep the default.
const INT8_OID = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

class PgSession implements SqlSession {
  private readonly client: pg.Pool | pg.PoolClient;
  constructor(client: pg.Pool | pg.PoolClient) {
    this.client = client;
  }
  async query(sql: string, params: SqlParam[] = []): Promise<SqlRow[]> {
    try {
      return (await this.client.query(sql, params)).rows as SqlRow[];
    } catch (err) {
      throw toStoreError(err);
    }
  }
  async execute(sql: string, params: SqlParam[] = []): Promise<number> {
    try {
      return (await this.client.query(sql, params)).rowCount ?? 0;
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

export class PostgresDatabase extends PgSession implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    super(pool);
    this.pool = pool;
  }

  async execScript(session: SqlSession, sql: string): Promise<void> {
    // No parameters: pg sends it with the simple protocol, which accepts several statements.
    await session.query(sql);
  }

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgSession(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw toStoreError(err);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: string; message?: string; constraint?: string };
  const message = e?.message ?? String(err);
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === '23505') return new StoreError('DUPLICATE', message, { pg: code, constraint: e.constraint });
  if (code.startsWith('23')) return new StoreError('CONSTRAINT', message, { pg: code, constraint: e.constraint });
  if (code === 'XX001' || code === 'XX002') return new StoreError('STORE_CORRUPT', message, { pg: code });
  // 08: connection exception, 57P: operator intervention (shutdown), 53: insufficient resources.
  if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('53') || UNAVAILABLE_NODE_CODES.has(code)) {
    return new StoreError('STORE_UNAVAILABLE', message, { pg: code });
  }
  if (/Connection terminated|connection timeout|Cannot use a pool after calling end/i.test(message)) {
    return new StoreError('STORE_UNAVAILABLE', message);
  }
  return new StoreError('STORE_INTERNAL', message, code ? { pg: code } : undefined);
}

export interface PostgresOptions {
  url: string;
  /** Pool size; default 10. */
  max?: number;
}

export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  // A connection that cannot be made within 10 s fails (and is retried by the caller) instead of
  // waiting out the kernel's SYN retries (about 2 min): an edge node whose link to the centre
  // was cut writes its index as soon as the link returns. Keepalive finds idle connections the
  // cut killed.
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, types, connectionTimeoutMillis: 10_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new PostgresDatabase(pool);
  try {
    await migrate(db);
  } catch (err) {
    await pool.end().catch(() => {});
    throw toStoreError(err);
  }
  return new PostgresStore(db);
}

class PostgresStore extends SqlStore implements Store {
  readonly kind = 'postgres' as const;
  close(): Promise<void> {
    return this.db.close();
  }
}
