// Run Vigil until SIGINT/SIGTERM, then close cleanly (segments closed and indexed).
import type { Config } from '../core/index.ts';
import { createLogger } from '../app/index.ts';
import { startVigil, type RunningVigil, type StartOptions } from '../app/index.ts';

export async function runUntilSignal(cfg: Config, opts: StartOptions & { onStarted?: (v: RunningVigil) => void; onClose?: () => Promise<void> }): Promise<number> {
  const logger = createLogger(cfg.log.level);
  const vigil = await startVigil(cfg, logger, opts);
  if (vigil.generatedAdminPassword) {
    // Printed once, on the terminal only: it is never written to the logs.
    console.log(`\n  Created user "admin" with password: ${vigil.generatedAdminPassword}\n  (shown once; set VIGIL_ADMIN_PASSWORD to choose it)\n`);
  }
  console.log(`Vigil is running at ${vigil.url}/  (Ctrl-C to stop)`);
  opts.onStarted?.(vigil);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('shutting down');
  await vigil.close();
  await opts.onClose?.();
  return 0;
}
