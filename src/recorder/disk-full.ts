// Many cameras hit a full volume at once: one disk.full event per minute, and a retention sweep
// each time (the sweeper runs one sweep at a time).
import type { Logger } from 'pino';

export interface DiskFullDeps {
  volume: string;
  raise: (e: { kind: string; severity: 'critical'; cameraId: null; details: Record<string, unknown> }) => void;
  sweep: () => Promise<unknown>;
  logger: Logger;
  now?: () => number;
  /** at most one event per this many ms (default a minute) */
  eventEveryMs?: number;
}

export function diskFullHandler(d: DiskFullDeps): (cameraId: string, err: Error) => void {
  const now = d.now ?? Date.now;
  let raisedAt = -Infinity;
  return (cameraId, err) => {
    if (now() - raisedAt > (d.eventEveryMs ?? 60_000)) {
      raisedAt = now();
      d.raise({ kind: 'disk.full', severity: 'critical', cameraId: null, details: { volume: d.volume, firstCamera: cameraId, error: err.message } });
    }
    void d.sweep().catch((e: Error) => d.logger.error({ err: e.message }, 'retention sweep failed'));
  };
}
