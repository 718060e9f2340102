export type * from './types.ts';
export { StoreError, type StoreErrorCode } from './errors.ts';
export { MIGRATIONS, type Migration } from './migrations.ts';
export { readAuditLog } from './audit-pages.ts';
export { readAuditLogFile } from './audit-file-reader.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './types.ts';

export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * Opens the store and brings its schema up to date. Embedded: SQLite on its own worker thread
 * (docs/decisions/001-embedded-database.md). Cluster: PostgreSQL.
 */
export function openStore(config: StoreConfig): Promise<Store> {
  if (config.kind === 'sqlite') return openSqliteStore({ path: config.path });
  return openPostgresStore({ url: config.url });
}
