// The data folder holds what must only be read through Vigil (and so through its audit log).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import type { Logger } from 'pino';

/**
 * The database, recordings, snapshots and exports are for Vigil's own account only: read past Vigil
 * they would skip the audit log. Everything this process creates is owner-only (umask 077), and
 * the data folder itself is closed to others, also when an older version left it open (M6).
 */
export function closeDataFolder(dataDir: string, logger: Logger): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(dataDir).mode & 0o077) !== 0) {
      chmodSync(dataDir, 0o700);
      logger.warn({ dataDir }, 'the data folder was readable by other accounts; closed it (0700)');
    }
  } catch (err) {
    logger.error({ err: (err as Error).message, dataDir }, 'could not close the data folder to other accounts');
  }
}
