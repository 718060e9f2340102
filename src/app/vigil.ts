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
import { RetentionSweeper, SegmentIndexQueue, recoverSegments } from '../recorder/index.ts';
import { SystemEvents } from '../bus/index.ts';
import { CameraService } from './camera-service.ts';
// The API (Fastify, OpenAPI) and the alarms part are imported only once the cameras are recording:
// they are most of the start-up's module loading, and a restarted recorder should not wait for them.
import type { LiveAnalytics } from '../alarms/index.ts';
import { VigilError } from '../core/errors.ts';

export const VERSION = '0.1.0';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningVigil {
  url: string;
  store: Store;
  fleet: CameraFleet;
  /** Live analytics and alarms. */
  analytics: LiveAnalytics;
  events: SystemEvents;
  retention: RetentionSweeper;
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
    // The owner's own start-up password: length only (the rules apply to passwords set through Vigil).
    await auth.createUser('admin', password, 'admin', 'system', { enforceRules: false });
    logger.info('created the admin user');
  } else if (opts.adminPassword && opts.resetAdminPassword) {
    if (!(await auth.setPassword('admin', opts.adminPassword, 'system', { enforceRules: false }))) {
      await auth.createUser('admin', opts.adminPassword, 'admin', 'system', { enforceRules: false });
    }
  }

  const events = new SystemEvents(store);
  const raise = (e: Parameters<SystemEvents['raise']>[0]) =>
    events.raise(e).catch((err: Error) => logger.error({ err: err.message, kind: e.kind }, 'could not store a system event'));
  // A crash leaves the segment in progress torn or unindexed. The repair runs while cameras
  // connect and wait for a keyframe; recorders hold their first write until it is done.
  const startedAt = Date.now();
  const recovery = (async () => {
    const known = new Set([...(await store.listCameras()).map((c) => c.id), ...(await store.listSegmentCameras())]);
    const recovered = await recoverSegments(store, paths.recordingsDir, [...known], startedAt);
    if (recovered.repaired.length || recovered.removed.length) {
      logger.info({ repaired: recovered.repaired.length, removed: recovered.removed.length, truncatedBytes: recovered.repaired.reduce((n, r) => n + r.truncatedBytes, 0) }, 'recovered segments left by the last run');
    }
  })().catch((err: Error) => logger.error({ err: err.message }, 'segment recovery failed'));
  const segmentIndex = new SegmentIndexQueue(store, (err) => logger.error({ err: err.message }, 'segment index write failed'));
  const retentionCfg = cfg.recording.retention;
  const cameraRetention = new Map(cfg.cameras.filter((c) => c.retentionHours !== undefined).map((c) => [c.id, c.retentionHours!]));
  let fleetRef: CameraFleet | null = null;
  const retention = new RetentionSweeper({
    store,
    root: paths.recordingsDir,
    logger: logger.child({ part: 'retention' }),
    policy: {
      maxAgeMs: (id) => {
        const hours = cameraRetention.get(id) ?? retentionCfg.maxAgeHours;
        return hours > 0 ? hours * 3_600_000 : null;
      },
      quotaBytes: retentionCfg.quotaGb > 0 ? Math.round(retentionCfg.quotaGb * 1024 ** 3) : null,
      minFreePercent: retentionCfg.minFreePercent,
    },
    openSegments: () => fleetRef?.openSegments() ?? [],
    raise,
  });
  let diskFullRaisedAt = 0;
  const fleet = new CameraFleet({
    recordingsDir: paths.recordingsDir,
    segmentMs: cfg.recording.segmentSeconds * 1000,
    connect: rtspConnector(logger),
    logger,
    password: (row) => (row.passwordEnc ? secrets.open(row.passwordEnc) : null),
    onSegment: async (seg) => segmentIndex.put(seg),
    onSegmentProgress: (seg) => segmentIndex.put(seg),
    onGap: (gap) => void store.addGap(gap).catch((err: Error) => logger.error({ err: err.message, camera: gap.cameraId }, 'gap index write failed')),
    // A recorder writes nothing before this settles, so the index then holds the last run's end.
    lastRecordedEnd: async (id) => {
      await recovery;
      return (await store.lastSegment(id))?.endMs ?? null;
    },
    onOffline: (cameraId, reason) => void raise({ kind: 'camera.offline', severity: 'warning', cameraId, details: { reason } }),
    onOnline: (cameraId) => void raise({ kind: 'camera.online', severity: 'info', cameraId }),
    onDiskFull: (cameraId, err) => {
      // Many cameras hit a full volume at once: one event per minute, one sweep at a time.
      if (Date.now() - diskFullRaisedAt > 60_000) {
        diskFullRaisedAt = Date.now();
        void raise({ kind: 'disk.full', severity: 'critical', cameraId: null, details: { volume: paths.recordingsDir, firstCamera: cameraId, error: err.message } });
      }
      void retention.sweep('disk_full').catch((e: Error) => logger.error({ err: e.message }, 'retention sweep failed'));
    },
  });
  fleetRef = fleet;
  const cameras = new CameraService(store, secrets, fleet);

  for (const c of cfg.cameras) {
    const existing = await store.getCamera(c.id);
    if (existing) {
      if (opts.syncCameraUrls && (existing.url !== c.url || existing.subUrl !== (c.subUrl ?? null))) {
        await cameras.update(c.id, { url: c.url, subUrl: c.subUrl ?? null }, { id: 'system', ip: null });
      }
      continue;
    }
    try {
      await cameras.create(c, { id: 'system', ip: null });
    } catch (err) {
      if (!(err instanceof VigilError && err.code === 'DUPLICATE')) throw err;
    }
  }
  for (const row of await store.listCameras()) fleet.upsert(row);

  // Live analytics: a camera's settings in the config seed the store once; the API changes them after.
  for (const c of cfg.cameras) {
    if (c.analytics && !(await store.getCameraAnalytics(c.id))) {
      await store.putCameraAnalytics({ cameraId: c.id, settings: c.analytics, updatedAt: Date.now() }, { actor: 'system', action: 'analytics.update', cameraId: c.id, details: { source: 'config' } });
    }
  }
  const [{ LiveAnalytics }, { buildApi }] = await Promise.all([import('../alarms/index.ts'), import('../api/server.ts')]);
  const analytics = new LiveAnalytics({
    store,
    runtime: fleet,
    logger,
    dataDir: paths.dataDir,
    // Loaded only when a camera analyses with it (onnxruntime and the model cost memory and a start-up).
    // The same detector settings as `vigil analyze` (docs/analytics.md): detections down to the tracker's low score.
    loadNeuralDetector: async () => {
      const [{ createDetector }, { NANODET_TRACKER }] = await Promise.all([import('../analytics/detector/index.ts'), import('../analytics/tracker.ts')]);
      return createDetector({ backend: 'onnx-int8', inputSize: 320, scoreThreshold: NANODET_TRACKER.lowScore });
    },
  });
  await analytics.start();

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
    recorder: { retention, events },
    recordingsDir: paths.recordingsDir,
    dataDir: paths.dataDir,
    alarms: analytics,
  });
  const sweep = setInterval(() => void store.deleteExpiredSessions(Date.now()).catch(() => undefined), 600_000);
  sweep.unref();
  retention.start(retentionCfg.sweepSeconds * 1000);
  const address = await app.listen({ host: cfg.server.host, port: cfg.server.port });
  logger.info({ address }, 'Vigil is listening');
  let closing: Promise<void> | null = null;
  return {
    url: address,
    store,
    fleet,
    analytics,
    events,
    retention,
    generatedAdminPassword,
    close() {
      // idempotent: shutdown paths (signals, tests) may call it twice
      closing ??= (async () => {
        clearInterval(sweep);
        await app.close();
        await analytics.close();
        retention.stop();
        await retention.idle();
        await fleet.stopAll();
        await recovery;
        await segmentIndex.flush();
        await store.close();
      })();
      return closing;
    },
  };
}
