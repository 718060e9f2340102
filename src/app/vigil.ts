// Composition root: opens the store, wires access, recorder, live and API, and starts serving.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from '../core/config-schema.ts';
import { resolvePaths } from '../core/config.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { AuthService, SecretBox, generatePassword } from '../access/index.ts';
import { CameraFleet } from '../recorder/camera-fleet.ts';
import { rtspConnector } from '../recorder/rtsp-connector.ts';
import { CameraService } from './camera-service.ts';
import { buildApi } from '../api/server.ts';
import { VigilError } from '../core/errors.ts';

export const VERSION = '0.1.0';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningVigil {
  url: string;
  store: Store;
  fleet: CameraFleet;
  /** Set when this start created the admin user with a generated password. */
  generatedAdminPassword: string | null;
  close(): Promise<void>;
}

export async function openConfiguredStore(cfg: Config): Promise<Store> {
  const paths = resolvePaths(cfg);
  mkdirSync(paths.dataDir, { recursive: true });
  return cfg.database.kind === 'postgres' ? openStore({ kind: 'postgres', url: cfg.database.url! }) : openStore({ kind: 'sqlite', path: paths.dbPath });
}

export interface StartOptions {
  adminPassword?: string;
  /** Demo: an existing admin takes the given adminPassword, so VIGIL_ADMIN_PASSWORD always holds. */
  resetAdminPassword?: boolean;
  /** Demo: the simulator's address changes per run, so configured cameras take the config's URL. */
  syncCameraUrls?: boolean;
}

export async function startVigil(cfg: Config, logger: Logger, opts: StartOptions = {}): Promise<RunningVigil> {
  const paths = resolvePaths(cfg);
  mkdirSync(paths.recordingsDir, { recursive: true });
  const store = await openConfiguredStore(cfg);
  const secrets = SecretBox.loadOrCreate(paths.keysDir);
  const auth = new AuthService(store, cfg.auth);

  let generatedAdminPassword: string | null = null;
  if ((await store.countUsers()) === 0) {
    const password = opts.adminPassword ?? generatePassword();
    if (!opts.adminPassword) generatedAdminPassword = password;
    await auth.createUser('admin', password, 'admin', 'system');
    logger.info('created the admin user');
  } else if (opts.adminPassword && opts.resetAdminPassword) {
    if (!(await auth.setPassword('admin', opts.adminPassword, 'system'))) await auth.createUser('admin', opts.adminPassword, 'admin', 'system');
  }

  const fleet = new CameraFleet({
    recordingsDir: paths.recordingsDir,
    segmentMs: cfg.recording.segmentSeconds * 1000,
    connect: rtspConnector(logger),
    logger,
    password: (row) => (row.passwordEnc ? secrets.open(row.passwordEnc) : null),
    onSegment: async (seg) => {
      try {
        await store.addSegment(seg);
      } catch (err) {
        logger.error({ err: (err as Error).message, camera: seg.cameraId }, 'segment index write failed');
      }
    },
  });
  const cameras = new CameraService(store, secrets, fleet);

  for (const c of cfg.cameras) {
    const existing = await store.getCamera(c.id);
    if (existing) {
      if (opts.syncCameraUrls && existing.url !== c.url) await cameras.update(c.id, { url: c.url }, { id: 'system', ip: null });
      continue;
    }
    try {
      await cameras.create(c, { id: 'system', ip: null });
    } catch (err) {
      if (!(err instanceof VigilError && err.code === 'DUPLICATE')) throw err;
    }
  }
  for (const row of await store.listCameras()) fleet.upsert(row);

  const app = await buildApi({
    store,
    auth,
    cameras,
    runtime: fleet,
    logger,
    bodyLimit: cfg.server.bodyLimitBytes,
    secureCookies: cfg.server.secureCookies,
    webDir: path.join(projectRoot, 'web/dist'),
    version: VERSION,
    recordingsDir: paths.recordingsDir,
    dataDir: paths.dataDir,
  });
  const sweep = setInterval(() => void store.deleteExpiredSessions(Date.now()).catch(() => undefined), 600_000);
  sweep.unref();
  const address = await app.listen({ host: cfg.server.host, port: cfg.server.port });
  logger.info({ address }, 'Vigil is listening');
  let closing: Promise<void> | null = null;
  return {
    url: address,
    store,
    fleet,
    generatedAdminPassword,
    close() {
      // idempotent: shutdown paths (signals, tests) may call it twice
      closing ??= (async () => {
        clearInterval(sweep);
        await app.close();
        await fleet.stopAll();
        await store.close();
      })();
      return closing;
    },
  };
}
