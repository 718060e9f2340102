// node:sqlite (built into Node 24: nothing to compile or download, unlike better-sqlite3) behind
// the SqlDatabase interface. Synchronous underneath, so it must only run on the store worker.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { StoreError } from './errors.ts';
import { toSqlitePlaceholders, type SqlDatabase, type SqlParam, type SqlRow, type SqlSession } from './sql-dialect.ts';

/**
 * FULL: each commit is fsynced to the WAL before it returns. The kill -9 test cannot tell FULL
 * from NORMAL (a killed process leaves its writes in the OS page cache); FULL is chosen because a
 * power cut under NORMAL can lose the last commits, and those are audit entries and evidence
 * index rows. See docs/decisions/001-embedded-database.md for the measured cost.
 */
export const SQLITE_SYNCHRONOUS = 'FULL';
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteOptions {
  path: string;
  synchronous?: 'FULL' | 'NORMAL' | 'OFF';
}

export function openSqliteDatabase(opts: SqliteOptions): SqliteDatabase {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(opts.path);
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${opts.synchronous ?? SQLITE_SYNCHRONOUS}`);
    db.exec('PRAGMA foreign_keys = ON');
  } catch (err) {
    throw toStoreError(err);
  }
  return new SqliteDatabase(db);
}

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly raw: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private inTransaction = false;

  constructor(raw: DatabaseSync) {
    this.raw = raw;
  }

  private prepare(sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.raw.prepare(toSqlitePlaceholders(sql));
      this.statements.set(sql, st);
    }
    return st;
  }

  async query(sql: string, params: SqlParam[] = []): Promise<SqlRow[]> {
    try {
      return this.prepare(sql).all(...params) as SqlRow[];
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async execute(sql: string, params: SqlParam[] = []): Promise<number> {
    try {
      return Number(this.prepare(sql).run(...params).changes);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async execScript(_session: SqlSession, sql: string): Promise<void> {
    try {
      this.raw.exec(sql);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * The worker runs one request at a time, so no other request can slip in while fn awaits; the
   * guard catches a nested call, which would otherwise fail with a confusing SQLite error.
   */
  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    if (this.inTransaction) throw new StoreError('STORE_INTERNAL', 'nested SQLite transaction');
    this.inTransaction = true;
    try {
      this.raw.exec('BEGIN IMMEDIATE');
    } catch (err) {
      this.inTransaction = false;
      throw toStoreError(err);
    }
    try {
      const result = await fn(this);
      this.raw.exec('COMMIT');
      return result;
    } catch (err) {
      if (this.raw.isTransaction) this.raw.exec('ROLLBACK');
      throw toStoreError(err);
    } finally {
      this.inTransaction = false;
    }
  }

  /** Full structural check; O(database size), so for tests and `vigil` maintenance, not every open. */
  integrityCheck(): string {
    const rows = this.raw.prepare('PRAGMA integrity_check').all() as SqlRow[];
    return rows.map((r) => String(Object.values(r)[0])).join('; ');
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

// SQLite result codes (https://sqlite.org/rescode.html): the low byte is the primary code.
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;
const SQLITE_CONSTRAINT = 19;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const UNAVAILABLE = new Set([5 /* BUSY */, 6 /* LOCKED */, 8 /* READONLY */, 10 /* IOERR */, 13 /* FULL */, 14 /* CANTOPEN */]);

export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { errcode?: number; message?: string };
  const message = e?.message ?? String(err);
  const code = typeof e?.errcode === 'number' ? e.errcode : -1;
  const primary = code & 0xff;
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new StoreError('DUPLICATE', message, { sqlite: code });
  }
  if (primary === SQLITE_CONSTRAINT) return new StoreError('CONSTRAINT', message, { sqlite: code });
  if (primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB) return new StoreError('STORE_CORRUPT', message, { sqlite: code });
  if (UNAVAILABLE.has(primary)) return new StoreError('STORE_UNAVAILABLE', message, { sqlite: code });
  return new StoreError('STORE_INTERNAL', message, code >= 0 ? { sqlite: code } : undefined);
}
