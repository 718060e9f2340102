// A real recording path for tests: SQLite store, CameraFleet with the in-process RTSP client,
// recordings in a temp dir. Cameras come from the real simulator or a real RtspServer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openStore } from '../../src/store/index.ts';
import type { CameraRow, Store } from '../../src/store/types.ts';
import { CameraFleet } from '../../src/recorder/camera-fleet.ts';
import { rtspConnector } from '../../src/recorder/rtsp-connector.ts';

/** Clips are encoded once per machine for all test files. */
export const TEST_SIM_CACHE = path.join(tmpdir(), 'vigil-test-sim-cache');

export interface Rig {
  dir: string;
  recordingsDir: string;
  store: Store;
  fleet: CameraFleet;
  addCamera(id: string, url: string, extra?: Partial<CameraRow>): Promise<CameraRow>;
  waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs?: number): Promise<NonNullable<T>>;
  close(): Promise<void>;
}

export async function startRig(segmentMs: number): Promise<Rig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-rec-'));
  const recordingsDir = path.join(dir, 'recordings');
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'vigil.db') });
  const logger = pino({ level: 'silent' });
  const fleet = new CameraFleet({
    recordingsDir,
    segmentMs,
    connect: rtspConnector(logger),
    logger,
    // test cameras carry their password in clear in passwordEnc: the rig has no secret box
    password: (row) => row.passwordEnc,
    onSegment: (seg) => store.addSegment(seg),
  });
  return {
    dir,
    recordingsDir,
    store,
    fleet,
    async addCamera(id, url, extra = {}) {
      const row = await store.createCamera({ id, name: id, url, username: null, passwordEnc: null, transport: 'tcp', enabled: true, record: true, ...extra });
      fleet.upsert(row);
      return row;
    },
    async waitFor(what, fn, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = await fn();
        if (v) return v as NonNullable<typeof v>;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await fleet.stopAll();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
