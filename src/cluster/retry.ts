// A cluster process started before its database (or during an outage, or with a mistyped
// address) says so plainly and keeps trying, instead of exiting: the fleet's supervisor need
// not restart it in a loop, and it is up the moment the database is.
import type { Logger } from 'pino';

/** Calls open until it succeeds, logging each failure with what to check. Credentials never appear in the log. */
export async function retryUntilOpen<T>(open: () => Promise<T>, logger: Logger, what: string, hint: string, signal?: AbortSignal): Promise<T> {
  let wait = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (err) {
      if (signal?.aborted) throw err;
      logger.error({ err: (err as Error).message, attempt, retryInMs: wait }, `cannot open ${what} (${hint}); retrying`);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 5000);
    }
  }
}
