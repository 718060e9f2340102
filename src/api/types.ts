// What the routes are given and how they check permissions. Kept apart from server.ts so that the
// route modules and the server that registers them do not import each other.
import type { ViolationEvidence } from '../evidence/index.ts';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { AuthService, Action, CameraScopes, Principal, Resource } from '../access/index.ts';
import type { AuditCheckpointer } from '../audit/index.ts';
import type { CameraService } from '../cameras/index.ts';
import type { CameraRuntime } from '../live/index.ts';
import type { AlarmService, EventBus, EventTopics, SystemEvents } from '../events/index.ts';
import type { LiveAnalytics } from '../analytics/index.ts';
import type { RetentionSweeper } from '../recorder/index.ts';
import type { CameraPurposes, DataRetention, MaskedLive, ObjectFinder, PrivacyService } from '../privacy/index.ts';
import type { MapApiDeps } from './map-routes.ts';
import type { ClusterApi } from '../cluster/index.ts';
import type { Integrations } from '../integrations/index.ts';

export interface ApiDeps {
  store: Store;
  auth: AuthService;
  cameras: CameraService;
  runtime: CameraRuntime;
  logger: Logger;
  bodyLimit: number;
  secureCookies: boolean;
  /** Directory of the built web app, served at / when present. */
  webDir?: string;
  version: string;
  /** The process's one event bus: alarms, acknowledgements and system events pushed to screens. */
  bus: EventBus<EventTopics>;
  /** System events, for the events route. */
  events: SystemEvents;
  /** The alarm queue (absent: no alarm routes). */
  alarms?: AlarmService;
  /** Live analytics: per-camera settings, detectors, pace (absent: no analytics routes). */
  analytics?: LiveAnalytics;
  /** Retention, for the storage route. */
  retention?: RetentionSweeper;
  /** Recordings root and data directory (export keys and jobs), for playback and export routes. */
  recordingsDir?: string;
  dataDir?: string;
  // issue 13 (privacy)
  /** Privacy masks and lifts (absent: nothing is masked). */
  privacy?: PrivacyService;
  /** Live view with the masks burned in, for users who may not see under them. */
  maskedLive?: MaskedLive;
  /** The public transparency report (absent or disabled: no such routes). */
  /** Four-eyes export (privacy.fourEyesExport). */
  fourEyesExport?: boolean;
  /** Each camera's purpose, legal basis and recording retention (issue 13). */
  cameraPurposes?: CameraPurposes;
  /** The config's recording retention of a camera in hours (null: no age limit), before the 72 h rule. */
  configuredRetentionHours?: (cameraId: string) => number | null;
  /** Faces and plates pixelated in exports (privacy.redactExports); absent: not redacted, and the manifest says so. */
  exportRedaction?: { finder(): Promise<ObjectFinder>; looksPerSecond?: number };
  transparency?: { enabled: boolean; keysDir: string; retentionHours(cameraId: string): number | null };
  // --- issue 10: access and audit ---------------------------------------------------------------
  /** The sites and groups of each camera, for scoped grants (absent: every grant is unscoped). */
  cameraScopes?: CameraScopes;
  /** Reverse proxies whose X-Forwarded-For is believed (server.trustProxy). */
  trustProxy?: boolean | string[];
  /** Signed audit checkpoints (absent: verification from the browser checks the chain only). */
  audit?: { checkpointer: AuditCheckpointer; checkpointFile: string; keysDir: string };
  /** The security map (issue 11); absent: no map routes. */
  map?: Omit<MapApiDeps, 'runtime'>;
  /** Cluster membership (issue 15); absent: the embedded single process. */
  cluster?: ClusterApi;
  /** issue 14: a signed evidence package per traffic violation (absent: no evidence routes). */
  evidence?: ViolationEvidence;
  /** issue 14: the traffic counts not yet written to the store (flushed before the dashboard reads them) */
  trafficCounts?: { flush(): Promise<void> };
  /** Bearer token Prometheus scrapes /api/metrics with (absent: a session that may read storage). */
  metricsToken?: string;
  /** MQTT and webhooks of this process (issue 15); absent: none configured. */
  integrations?: Integrations;
  /** issue 13: retention of events, snapshots, exports, counts and the audit log (absent: no such routes answer). */
  dataRetention?: DataRetention;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface Guard {
  /** Resolve the session and check one permission; throws AccessError otherwise. */
  (req: FastifyRequest, action: Action, resource: Resource): Principal;
  /** The same decision as a yes/no, for filtering lists and pushes (no throw, nothing audited). */
  can(principal: Principal, action: Action, resource: Resource): boolean;
}
