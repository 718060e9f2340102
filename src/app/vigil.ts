// Composition root: opens the store, makes the one event bus, wires access, cameras, recorder,
// live analytics and the API, and starts serving. Wiring only: policy lives in the parts.
import { crowdGroundArea } from './crowd-ground-area.ts';
import { trafficRules } from './traffic-rules.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { resolvePaths, type Config } from '../core/index.ts';
import { openStore, readAuditLog, type Store } from '../store/index.ts';
import { AuthService, CameraScopes, SecretBox, closeDataFolder, ensureAdmin, sweepExpiredSessions } from '../access/index.ts';
import { AuditCheckpointer, AuditPruner, CheckpointFile, PruneFile, loadOrCreateServerKey, pruneFileFor } from '../audit/index.ts';
import { CameraFleet, RetentionSweeper, SegmentIndexQueue, diskFullHandler, recoverAtStart, retentionPolicyFromConfig, rtspConnector } from '../recorder/index.ts';
import { EventBus, SystemEvents, type EventTopics } from '../events/index.ts';
import { CameraService, seedCamerasFromConfig } from '../cameras/index.ts';
import { MapService, geojsonBasemap } from '../map/index.ts';
// The API (Fastify, OpenAPI) and analytics are imported only once the cameras are recording: they
// are most of the start-up's module loading, and a restarted recorder should not wait for them.
import type { LiveAnalytics } from '../analytics/index.ts';
import { AuditCopies, ClusterMember, retryUntilOpen, type ClusterRole } from '../cluster/index.ts';
import { startIntegrations } from '../integrations/index.ts';
import { OnvifEvents } from '../onvif/index.ts';
import { hostname } from 'node:os';

export const VERSION = '0.1.0';
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningVigil {
  url: string;
  store: Store;
  fleet: CameraFleet;
  /** Live analytics and alarms. */
  analytics: LiveAnalytics;
  /** The process's one event bus. */
  bus: EventBus<EventTopics>;
  events: SystemEvents;
  retention: RetentionSweeper;
  /** The sites and groups of each camera (scoped grants). */
  cameraScopes: CameraScopes;
  /** The security map (placements, sites, outage areas). */
  map: MapService;
  /** issue 14: violation evidence packages */
  evidence: import('../evidence/index.ts').ViolationEvidence;
  /** Set when this start created the admin user with a generated password. */
  generatedAdminPassword: string | null;
  /** issue 15: the ONVIF cameras whose events this process reads. */
  onvifEvents: OnvifEvents;
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
  /** With a cluster config: `vigil node` records, `vigil api` serves, `vigil start` does both. */
  role?: ClusterRole;
  /** The security map (issue 11): seed placements and sites (demo), and where the built-in basemap comes from. */
  map?: {
    seed?: (map: MapService) => Promise<void>;
    /** Default: <dataDir>/map/basemap.geojson when it exists. */
    basemap?: () => Promise<unknown | null>;
  };
}

export async function startVigil(cfg: Config, logger: Logger, opts: StartOptions = {}): Promise<RunningVigil> {
  const paths = resolvePaths(cfg);
  closeDataFolder(paths.dataDir, logger);
  mkdirSync(paths.recordingsDir, { recursive: true });
  // A cluster process waits for its PostgreSQL (logging why) rather than exit; the embedded one fails at once.
  const store = cfg.cluster ? await retryUntilOpen(() => openConfiguredStore(cfg), logger, 'PostgreSQL', 'check database.url and its credentials') : await openConfiguredStore(cfg);
  // One sealing key for the whole cluster (docs/decisions/061-cluster-secrets.md), else this folder's.
  const secrets = cfg.cluster ? SecretBox.fromKeyFile(cfg.cluster.secretKeyFile) : SecretBox.loadOrCreate(paths.keysDir);
  const cluster = cfg.cluster
    ? new ClusterMember({ settings: { advertiseUrl: cfg.cluster.advertiseUrl ?? `http://${cfg.server.host}:${cfg.server.port}`, ...cfg.cluster }, role: opts.role ?? 'both', version: VERSION, logger, store, dataDir: paths.dataDir, segmentKey: secrets.derive('segment fetch v1') })
    : null;
  // A recording node's events go through its outbox (they survive a cut link); the rest of the store as it is.
  await cluster?.openOutbox();
  const eventStore = cluster?.storeWithEventWriter() ?? store;
  const records = cluster?.records ?? true;
  const auth = new AuthService(store, cfg.auth);
  const generatedAdminPassword = await ensureAdmin(auth, store, { password: opts.adminPassword, reset: opts.resetAdminPassword });
  if (generatedAdminPassword) logger.info('created the admin user');
  const cameraScopes = new CameraScopes(store);
  await cameraScopes.load();
  cameraScopes.start(30_000, (err) => logger.error({ err: err.message }, 'could not reload camera scopes'));

  const bus = new EventBus<EventTopics>((topic, err) => logger.error({ topic, err }, 'event subscriber failed'));
  const events = new SystemEvents(eventStore, bus);
  const raise = (e: Parameters<SystemEvents['raise']>[0]) =>
    void events.raise(e).catch((err: Error) => logger.error({ err: err.message, kind: e.kind }, 'could not store a system event'));
  // A crash leaves the segment in progress torn or unindexed. The repair runs while cameras
  // connect and wait for a keyframe; recorders hold their first write until it is done.
  const recovery = records ? recoverAtStart(cluster?.recoveryStore() ?? store, paths.recordingsDir, Date.now(), logger) : Promise.resolve();
  const segmentIndex = new SegmentIndexQueue(cluster?.indexStore() ?? store, (err) => logger.error({ err: err.message }, 'segment index write failed'));
  let fleetRef: CameraFleet | null = null;
  // Each camera's stated purpose decides its recording retention (72 h without one).
  const { CameraPurposes } = await import('../privacy/index.ts');
  const cameraPurposes = new CameraPurposes({ store });
  await cameraPurposes.load();
  const configuredRetention = retentionPolicyFromConfig(cfg);
  const retention = new RetentionSweeper({
    store: cluster?.retentionStore() ?? store,
    root: paths.recordingsDir,
    logger: logger.child({ part: 'retention' }),
    policy: cameraPurposes.policy(configuredRetention),
    openSegments: () => fleetRef?.openSegments() ?? [],
    raise: async (e) => raise({ ...e }),
  });
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
    onOffline: (cameraId, reason) => raise({ kind: 'camera.offline', severity: 'warning', cameraId, details: { reason } }),
    onOnline: (cameraId) => raise({ kind: 'camera.online', severity: 'info', cameraId }),
    onDiskFull: diskFullHandler({ volume: paths.recordingsDir, raise, sweep: () => retention.sweep('disk_full'), logger }),
  });
  fleetRef = fleet;
  const cameras = new CameraService(store, secrets, cluster?.fleetControl() ?? fleet);
  await seedCamerasFromConfig(cameras, store, cfg.cameras, { syncUrls: opts.syncCameraUrls });
  if (cluster) {
    // Recorders run for the cameras this process leases (none for an api).
    cluster.recorders = fleet;
    await cluster.start();
  } else for (const row of await store.listCameras()) fleet.upsert(row);

  // The security map: placements and sites in the store; camera downs and ups make outage areas.
  const map = new MapService(store);
  await opts.map?.seed?.(map);
  // Every placement read into memory now, so the first map opened does not wait for a city's worth.
  map.snapshot().catch((err: Error) => logger.error({ err: err.message }, 'map placements not loaded'));
  // The outage areas open when Vigil stopped are taken up again: a restart in a power cut keeps its picture.
  await map.restoreOutages().catch((err: Error) => logger.error({ err: err.message }, 'outage picture not restored'));
  map.followOutages(bus, (err, camera) => logger.error({ err: err.message, camera }, 'outage picture update failed'));
  const basemap = opts.map?.basemap ?? geojsonBasemap(path.join(paths.dataDir, 'map', 'basemap.geojson'));

  const [analyticsPart, { buildApi }, { AlarmService, SnapshotStore, TrafficCountBuffer }] = await Promise.all([import('../analytics/index.ts'), import('../api/index.ts'), import('../events/index.ts')]);
  await analyticsPart.seedAnalyticsFromConfig(store, cfg.cameras);
  const snapshots = new SnapshotStore(paths.dataDir);
  // issue 14: vehicles counted per lane, minute, class and speed bin, written in batches
  const trafficCounts = new TrafficCountBuffer(store, logger.child({ part: 'traffic' }));
  const analytics = new analyticsPart.LiveAnalytics({
    store: eventStore,
    runtime: fleet,
    logger,
    bus,
    snapshots,
    // Loaded only when a camera analyses with it (onnxruntime and the model cost memory and a start-up).
    // One pool for every camera, each camera's crops at its own input size (docs/analytics.md).
    loadNeuralDetector: analyticsPart.createSharedDetector,
    // crowd zones of a calibrated camera count per m² without an area typed by hand
    groundArea: crowdGroundArea(store),
    // lanes, speed limits, wrong way, stopped vehicles, congestion, with the camera's calibration
    trafficRules: trafficRules(store, trafficCounts),
  });
  await analytics.start();
  // issue 14: a signed package per traffic violation, with the violator's plate (read there and only there)
  const { ViolationEvidence } = await import('../evidence/index.ts');
  const evidence = new ViolationEvidence({
    store, bus, logger: logger.child({ part: 'evidence' }), recordingsDir: paths.recordingsDir, keysDir: paths.keysDir, checkpointFile: paths.checkpointFile,
    evidenceDir: path.join(paths.dataDir, 'evidence'),
    plateReader: async () => (await import('../plates/index.ts')).PlateReader.load(),
    // other vehicles' plates and faces pixelated in the package, as exports are
    finder: cfg.privacy.redactExports ? () => analytics.objectFinder() : undefined,
  });
  const stopEvidence = evidence.listen();

  const { PrivacyService, MaskedLive } = await import('../privacy/index.ts');
  const privacy = new PrivacyService({ store });
  await privacy.ensureDefaults();
  // Signed checkpoints of the audit chain, outside the database (docs/audit.md); in a cluster each
  // process also keeps copies of every other's, received over JetStream (docs/cluster.md).
  const serverKey = loadOrCreateServerKey(paths.keysDir);
  const checkpointFile = new CheckpointFile(paths.checkpointFile);
  const auditCopies = cfg.cluster
    ? new AuditCopies({
      nodeId: cfg.cluster.nodeId, natsUrl: cfg.cluster.natsUrl, natsUser: cfg.cluster.natsUser, natsPassword: cfg.cluster.natsPassword,
      logger: logger.child({ part: 'audit-copies' }), publicKeyBase64: serverKey.publicKeyBase64, copiesDir: path.join(path.dirname(paths.checkpointFile), 'copies'),
      onConflict: (detail) => raise({ kind: 'audit.tampered', severity: 'critical', cameraId: null, details: { message: detail } }),
    })
    : null;
  auditCopies?.start(checkpointFile.read());
  const checkpointer = new AuditCheckpointer({
    key: serverKey,
    file: checkpointFile,
    onWritten: (cps) => auditCopies?.publish(cps),
    head: () => store.auditHead(),
    entriesAfter: (seq) => readAuditLog(store, 2000, seq),
    every: cfg.audit.checkpointEvery,
    intervalMs: cfg.audit.checkpointSeconds * 1000,
    onTamper: (err) => {
      logger.fatal({ err: err.message }, 'the audit log was changed under a signed checkpoint');
      raise({ kind: 'audit.tampered', severity: 'critical', cameraId: null, details: { message: err.message } });
    },
    onError: (err) => logger.error({ err: err.message }, 'audit checkpoint failed'),
  });
  await checkpointer.checkpoint({ force: true }).catch((err: Error) => logger.error({ err: err.message }, 'audit checkpoint failed'));
  checkpointer.start();
  // issue 13: retention of events, snapshots, exports, counts and the audit log (docs/privacy.md). The
  // audit log is cut only where its prune records are kept with this process's checkpoints: not in
  // a cluster yet (other processes would not have the records to verify against).
  const { DataRetention } = await import('../privacy/index.ts');
  const auditPruner = cfg.cluster ? undefined : new AuditPruner({
    key: serverKey,
    prunes: new PruneFile(pruneFileFor(paths.checkpointFile)),
    checkpoints: () => checkpointFile.read(),
    checkpointedSeq: () => checkpointer.latestSeq,
    candidate: (q) => store.auditPruneCandidate(q),
    entriesAfter: (seq) => readAuditLog(store, 2000, seq),
    deleteThrough: (q) => store.pruneAudit(q, { actor: 'system', action: 'audit.prune', details: q.details }),
  });
  const { sweepMinutes, ...retentionDays } = cfg.retention;
  const dataRetention = new DataRetention({
    store, configured: retentionDays, dataDir: paths.dataDir,
    exportDirs: [path.join(paths.dataDir, 'exports'), path.join(paths.dataDir, 'evidence')],
    auditPruner, auditNotCut: cfg.cluster ? 'a cluster: prune records are not shared between processes yet' : undefined,
    logger: logger.child({ part: 'retention' }), raise: (e) => raise(e),
  });
  // Events to MQTT and webhooks (issue 15): each process sends the events it raises.
  const integrations = startIntegrations(cfg.integrations, { bus, store, logger, node: cfg.cluster?.nodeId ?? hostname() });
  // Events of the ONVIF cameras this process records (motion, tamper, digital inputs) become Vigil events.
  const onvifEvents = new OnvifEvents({
    links: () => store.listCameraOnvif(),
    isMine: async (id) => (cluster ? cluster.holds(id) : (await store.getCamera(id))?.enabled === true),
    credentials: async (id) => {
      const row = await cameras.get(id);
      return { username: row.username ?? undefined, password: cameras.password(row) ?? undefined };
    },
    raise: (cameraId, e) => events.raise({ kind: e.kind, severity: e.severity, cameraId, details: e.details }),
    logger: logger.child({ part: 'onvif' }),
  });
  onvifEvents.start();
  // A recording node's alarm hits go through its outbox with its events (kept through a PostgreSQL
  // outage or a cut link); the process serving the control room raises them as they arrive.
  const alarms = new AlarmService(store, bus, snapshots, logger.child({ part: 'alarms' }), cluster?.alarmDelivery() ?? null);
  cluster?.raiseAlarmsWith((hit) => alarms.raise(hit));
  const stopRaising = alarms.listen((cameraId, kind, rule) => analytics.alarmPolicy(cameraId, kind, rule));
  alarms.startSweeps();

  const app = await buildApi({
    store,
    auth,
    cluster: cluster ?? undefined,
    metricsToken: cfg.server.metricsToken,
    cameras,
    // In a cluster the api shows every camera's state: its own recorders' and the other nodes' reports.
    runtime: cluster ? cluster.cameraRuntime(fleet) : fleet,
    logger,
    bodyLimit: cfg.server.bodyLimitBytes,
    secureCookies: cfg.server.secureCookies,
    webDir: path.join(projectRoot, 'web/dist'),
    version: VERSION,
    bus,
    events,
    alarms,
    analytics,
    retention,
    recordingsDir: paths.recordingsDir,
    dataDir: paths.dataDir,
    privacy,
    maskedLive: new MaskedLive({ runtime: fleet, logger: logger.child({ part: 'privacy' }) }),
    fourEyesExport: cfg.privacy.fourEyesExport,
    cameraPurposes,
    configuredRetentionHours: (id) => {
      const ms = configuredRetention.maxAgeMs(id);
      return ms === null ? null : ms / 3_600_000;
    },
    exportRedaction: cfg.privacy.redactExports ? { finder: () => analytics.objectFinder() } : undefined,
    transparency: {
      enabled: cfg.privacy.transparencyReport,
      keysDir: paths.keysDir,
      retentionHours: (id) => {
        const ms = cameraPurposes.policy(configuredRetention).maxAgeMs(id);
        return ms === null ? null : ms / 3_600_000;
      },
    },
    cameraScopes,
    trustProxy: cfg.server.trustProxy,
    audit: { checkpointer, checkpointFile: paths.checkpointFile, keysDir: paths.keysDir },
    map: { map, basemap, basemapDir: path.join(paths.dataDir, 'map') },
    evidence,
    integrations,
    trafficCounts,
    dataRetention,
  });
  const stopSessionSweep = sweepExpiredSessions(store);
  if (records) retention.start(cfg.recording.retention.sweepSeconds * 1000);
  dataRetention.start(sweepMinutes * 60_000);
  const address = await app.listen({ host: cfg.server.host, port: cfg.server.port });
  if (cluster && !cfg.cluster?.advertiseUrl) cluster.setUrl(address);
  logger.info({ address }, 'Vigil is listening');
  let closing: Promise<void> | null = null;
  return {
    url: address,
    store,
    fleet,
    analytics,
    bus,
    events,
    retention,
    cameraScopes,
    map,
    evidence,
    generatedAdminPassword,
    onvifEvents,
    close() {
      // idempotent: shutdown paths (signals, tests) may call it twice
      closing ??= (async () => {
        stopSessionSweep();
        cameraScopes.stop();
        await app.close();
        await analytics.close();
        await trafficCounts.close();
        stopEvidence();
        await evidence.close();
        stopRaising();
        await alarms.close();
        // After the last events: what is still queued for a webhook goes to the dead-letter list.
        await onvifEvents.close();
        await integrations.close();
        retention.stop();
        await retention.idle();
        dataRetention.stop();
        await dataRetention.idle();
        await fleet.stopAll();
        await recovery;
        await segmentIndex.flush();
        segmentIndex.stop();
        // Last: the entries written while shutting down (live.stop, ...) are vouched for too.
        await checkpointer.close();
        await auditCopies?.close();
        // After the last segments are indexed: the leases go back, and other nodes take the cameras at once.
        await cluster?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
