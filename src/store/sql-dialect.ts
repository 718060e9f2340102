// The store writes every query once, in PostgreSQL's `$1` style. SQLite understands numbered
// parameters as `?1`, with the same meaning (a number may repeat), so one rewrite serves it.

/** Rewrites `$n` placeholders to `?n`, leaving string literals and quoted identifiers alone. */
export function toSqlitePlaceholders(sql: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      out += '?';
      continue;
    }
    out += ch;
  }
  return out;
}

export type SqlParam = string | number | null;
export type SqlRow = Record<string, unknown>;

/** What the shared store logic needs from an engine, inside or outside a transaction. */
export interface SqlSession {
  query(sql: string, params?: SqlParam[]): Promise<SqlRow[]>;
  /** Returns the number of rows changed. */
  execute(sql: string, params?: SqlParam[]): Promise<number>;
}

export interface SqlDatabase extends SqlSession {
  readonly dialect: 'sqlite' | 'postgres';
  /** Several statements, no parameters (migrations). */
  execScript(session: SqlSession, sql: string): Promise<void>;
  /**
   * Runs fn in one transaction that takes the write lock up front (SQLite BEGIN IMMEDIATE), so a
   * read-then-write such as the audit append cannot race another writer.
   */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
