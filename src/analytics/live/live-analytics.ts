// The node's live analytics: one CameraAnalyser per camera whose settings enable it, all sharing
// one neural detector (a worker pool; batching across cameras happens there), the events going
// through one AlarmRecorder. Settings live in the store (seeded from the config file) and can be
// changed while running: the camera's analyser restarts with the new ones.
import type { Logger } from 'pino';
import { Value } from '@sinclair/typebox/value';
import { MotionBlobDetector } from '../motion-blob-detector.ts';
import { NANODET_TRACKER } from '../tracker.ts';
import type { Detector } from '../detector-types.ts';
import { AnalyticsError } from '../errors.ts';
import { AnalyticsConfig, VigilError, type CameraConfig, type TrafficConfig } from '../../core/index.ts';
import type { TrackRule } from '../rules/types.ts';
import type { Store } from '../../store/index.ts';
import type { CameraRuntime } from '../../live/index.ts';
import { polygonProblem, type ObjectFinder, type PolygonProblem } from '../../privacy/index.ts';
import { SnapshotStore, alarmPolicy, type AlarmPolicy, type EventBus, type EventTopics } from '../../events/index.ts';
import { CameraAnalyser, costPerFrame, type AnalyserStats } from './camera-analyser.ts';
import { AlarmRecorder } from './alarm-recorder.ts';
import { DEFAULT_DETECTION, detectionSettings, type DetectionSettings } from '../detection-settings.ts';
import type { Pace } from './analysis-pace.ts';
import { previewRules, type PreviewResult, type PreviewSource } from './rule-preview.ts';

/** How often each analyser's pace is checked. */
const PACE_CHECK_MS = 5000;

export type DetectorKind = 'neural' | 'motion';

export interface LiveAnalyticsOptions {
  store: Store;
  runtime: CameraRuntime;
  logger: Logger;
  /** the process's one event bus (made in the composition root) */
  bus: EventBus<EventTopics>;
  /** where alarm snapshots are written */
  snapshots: SnapshotStore;
  /** Loads the neural detector; a failure means the motion stand-in is used (and said so). */
  loadNeuralDetector?: () => Promise<Detector>;
  ffmpeg?: string;
  /**
   * A zone's ground area (m²) from the camera's image-to-ground calibration, or null when the
   * camera is not calibrated: crowd rules without `areaM2` get it, so they can count per m².
   */
  groundArea?: (cameraId: string, polygon: [number, number][]) => Promise<number | null>;
  /**
   * Issue 14: prepares a camera's traffic rules (lanes, speed, wrong way, stopped, congestion) with
   * its stored calibration, or throws the reason they cannot run (no calibration for a speed rule,
   * a lane named twice …); the result makes a fresh rule per pipeline. Given by the composition
   * root, because the traffic part builds on this one.
   */
  trafficRules?: (cameraId: string, spec: TrafficConfig) => Promise<() => TrackRule>;
}

/** The API's words for what is wrong with a drawn polygon (the drawing tool says the same in the user's language). */
export function describePolygonProblem(p: PolygonProblem): string {
  if (p.kind === 'too_few') return `a zone needs at least three points, got ${p.points}`;
  if (p.kind === 'crosses') return `the polygon crosses itself (edges ${p.edges[0]} and ${p.edges[1]})`;
  return 'the polygon has no area';
}

/** Fills defaults and rejects what the schema does not allow, and polygons that cross themselves. */
export function parseAnalyticsSettings(input: unknown): AnalyticsConfig {
  const v = Value.Default(AnalyticsConfig, structuredClone(input ?? {}));
  if (!Value.Check(AnalyticsConfig, v)) {
    const first = [...Value.Errors(AnalyticsConfig, v)][0];
    throw new AnalyticsError('BAD_REQUEST', `invalid analytics settings: ${first ? `${first.path || '/'} ${first.message}` : 'unknown error'}`);
  }
  const shapes: [string, [number, number][]][] = [
    ...v.zones.map((z, i) => [`zones/${i}/polygon`, z.polygon] as [string, [number, number][]]),
    ...v.crowd.map((c, i) => [`crowd/${i}/polygon`, c.polygon] as [string, [number, number][]]),
    ...v.masks.map((m, i) => [`masks/${i}/polygon`, m.polygon] as [string, [number, number][]]),
    ...(v.traffic?.lanes ?? []).map((l, i) => [`traffic/lanes/${i}/polygon`, l.polygon] as [string, [number, number][]]),
  ];
  for (const [field, polygon] of shapes) {
    const problem = polygonProblem(polygon);
    if (problem) throw new AnalyticsError('BAD_REQUEST', `${field}: ${describePolygonProblem(problem)}`, { field });
  }
  for (const [what, names] of [['lines', v.lines.map((l) => l.name)], ['zones', v.zones.map((z) => z.name)], ['crowd', v.crowd.map((c) => c.name)]] as const) {
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new AnalyticsError('BAD_REQUEST', `${what}: two rules are named "${dup}" (a name says which rule an alarm came from)`, { field: what });
  }
  const zones = new Set(v.zones.map((z) => z.name));
  for (const d of v.dwell) if (!zones.has(d.zone)) throw new AnalyticsError('BAD_REQUEST', `dwell rule names unknown zone "${d.zone}"`);
  for (const [cls, t] of Object.entries(v.detection?.classes ?? {})) {
    if (t && t.low !== undefined && ((t.high !== undefined && t.low > t.high) || (t.start !== undefined && t.low > t.start))) {
      throw new AnalyticsError('BAD_REQUEST', `detection.classes.${cls}: low must not exceed high or start`);
    }
  }
  return v;
}

export class LiveAnalytics {
  readonly bus: EventBus<EventTopics>;
  readonly recorder: AlarmRecorder;
  private readonly o: LiveAnalyticsOptions;
  private readonly analysers = new Map<string, { analyser: CameraAnalyser; detector: DetectorKind }>();
  private neural: Promise<Detector | null> | null = null;
  private neuralError: string | null = null;
  private neuralLoaded: Detector | null = null;
  private closed = false;
  private readonly paceTimer: NodeJS.Timeout;
  /** Each camera's alarm entries (which hits raise alarms), kept even while its analysis is off. */
  private readonly policies = new Map<string, AnalyticsConfig['alarms']>();
  /** issue 14: each camera's running traffic rule, for its counts and histograms */
  private readonly trafficLive = new Map<string, TrackRule>();
  /** Cameras whose analysis is behind now (see analysis-pace.ts). */
  private behindNow: Record<string, Pace> = {};
  private previewing = false;

  constructor(o: LiveAnalyticsOptions) {
    this.o = o;
    this.bus = o.bus;
    this.recorder = new AlarmRecorder({
      store: o.store,
      bus: this.bus,
      snapshots: o.snapshots,
      logger: o.logger,
      detectorName: (id) => this.analysers.get(id)?.detector ?? 'motion',
    });
    this.paceTimer = setInterval(() => this.checkPace(), PACE_CHECK_MS);
    this.paceTimer.unref();
  }

  /** Cameras whose live analysis is falling behind (analysing under 90 % of what their stream allows). */
  behind(): Record<string, Pace> {
    return { ...this.behindNow };
  }

  private checkPace(): void {
    const next: Record<string, Pace> = {};
    for (const [cameraId, a] of this.analysers) {
      const p = a.analyser.currentPace();
      if (p.behind) next[cameraId] = p;
    }
    const was = Object.keys(this.behindNow).sort().join();
    const is = Object.keys(next).sort().join();
    this.behindNow = next;
    if (was === is) return;
    const cameras = Object.keys(next);
    if (cameras.length > 0) {
      this.o.logger.warn({ part: 'alarms', cameras: next }, 'live analysis is falling behind on some cameras (too many for this node\'s CPU?): alarms come late and short events can be missed');
    } else this.o.logger.info({ part: 'alarms' }, 'live analysis keeps up again on every camera');
    this.bus.publish('analytics.behind', { ...next });
  }

  /** Starts analysers for every camera whose stored settings enable analytics. */
  async start(): Promise<void> {
    for (const row of await this.o.store.listCameraAnalytics()) {
      const camera = await this.o.store.getCamera(row.cameraId);
      if (!camera) continue;
      await this.apply(row.cameraId, parseAnalyticsSettings(row.settings), camera.enabled);
    }
  }

  async settings(cameraId: string): Promise<AnalyticsConfig> {
    const row = await this.o.store.getCameraAnalytics(cameraId);
    return parseAnalyticsSettings(row?.settings ?? {});
  }

  /**
   * The crowd rules with their zones' ground areas: given by hand (areaM2) or from the camera's
   * calibration. A rule in persons/m² with neither is refused.
   */
  private async withCrowdAreas(cameraId: string, settings: AnalyticsConfig): Promise<AnalyticsConfig> {
    const crowd = await Promise.all(settings.crowd.map(async (c) => {
      const areaM2 = c.areaM2 ?? (await this.o.groundArea?.(cameraId, c.polygon)) ?? undefined;
      if (c.unit === 'persons/m2' && !areaM2) throw new AnalyticsError('BAD_REQUEST', `crowd rule "${c.name}": a threshold in persons/m2 needs areaM2 (the zone's ground area) or a calibrated camera`);
      return areaM2 ? { ...c, areaM2 } : c;
    }));
    return { ...settings, crowd };
  }

  private async prepareTraffic(cameraId: string, spec: TrafficConfig): Promise<() => TrackRule> {
    if (!this.o.trafficRules) throw new AnalyticsError('BAD_REQUEST', 'traffic rules are not available on this node');
    return this.o.trafficRules(cameraId, spec);
  }

  /**
   * The camera's traffic rules, or, when the full set cannot run (the calibration was removed after
   * they were stored), the lanes' counts alone; null when not even those can.
   */
  private async trafficFor(cameraId: string, spec: TrafficConfig | undefined, log: Logger): Promise<(() => TrackRule) | null> {
    if (!spec) return null;
    try {
      return await this.prepareTraffic(cameraId, spec);
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      log.warn({ err: err.message }, 'traffic rules left out: only lane counts run');
      try {
        return await this.prepareTraffic(cameraId, { lanes: spec.lanes.map(({ name, polygon }) => ({ name, polygon })), speed: [], wrongWay: false });
      } catch (again) {
        log.warn({ err: (again as Error).message }, 'traffic lanes left out');
        return null;
      }
    }
  }

  /** Stores new settings (audited by the caller's audit input) and restarts the camera's analyser. */
  async update(cameraId: string, input: unknown, audit: { actor: string; ip: string | null }): Promise<AnalyticsConfig> {
    const settings = parseAnalyticsSettings(input);
    await this.withCrowdAreas(cameraId, settings); // refuses a persons/m² rule without an area before anything is stored
    if (settings.traffic) await this.prepareTraffic(cameraId, settings.traffic); // refuses a speed rule on an uncalibrated camera, likewise
    await this.o.store.putCameraAnalytics(
      { cameraId, settings: settings as unknown as Record<string, unknown>, updatedAt: Date.now() },
      { actor: audit.actor, ip: audit.ip, action: 'analytics.update', cameraId, details: { enabled: settings.enabled, lines: settings.lines.length, zones: settings.zones.length } },
    );
    const camera = await this.o.store.getCamera(cameraId);
    await this.apply(cameraId, settings, camera?.enabled ?? false);
    return settings;
  }

  /**
   * What draft settings would have raised over a recorded range (see rule-preview.ts), with the
   * detector the camera's analyser would use. One preview at a time per node: it takes a core
   * while it runs, next to live analysis sharing the same detector.
   */
  async preview(cameraId: string, input: unknown, source: PreviewSource): Promise<PreviewResult> {
    const settings = await this.withCrowdAreas(cameraId, parseAnalyticsSettings(input));
    if (this.previewing) throw new AnalyticsError('PREVIEW_BUSY', 'another rule preview is running on this node; try again when it is done');
    this.previewing = true;
    try {
      const shared = settings.detector !== 'motion' ? await this.loadNeural() : null;
      if (settings.detector === 'neural' && !shared) throw new AnalyticsError('ANALYSER_FAILED', `the neural detector is not available: ${this.neuralError}`);
      return await previewRules({
        settings, source, ffmpeg: this.o.ffmpeg, motionStandIn: !shared,
        detector: (size) => shared ?? new MotionBlobDetector({ aspect: size.width / size.height }),
        tracker: shared ? NANODET_TRACKER : undefined,
      });
    } finally {
      this.previewing = false;
    }
  }

  /** Which detector each running analyser uses, and how it is doing. */
  status(): { cameraId: string; detector: DetectorKind; stats: AnalyserStats; pace: Pace }[] {
    return [...this.analysers].map(([cameraId, a]) => ({ cameraId, detector: a.detector, stats: { ...a.analyser.stats }, pace: a.analyser.currentPace() }));
  }

  /** How the shared neural detector batches crops across cameras (null without one). */
  batchStats(): { batches: number; crops: number; requests: number } | null {
    const s = (this.neuralLoaded as { stats?: { batches: number; crops: number; requests: number } } | null)?.stats;
    return s ? { ...s } : null;
  }

  /** Whether a hit of this rule on this camera raises an alarm, and how it is handled. */
  alarmPolicy(cameraId: string, ruleKind: string, rule: string): AlarmPolicy {
    return alarmPolicy(this.policies.get(cameraId) ?? [], ruleKind, rule);
  }

  /** What detection costs the camera per analysed frame so far (null before its first frame or when not analysed). */
  costFor(cameraId: string): ReturnType<typeof costPerFrame> {
    const a = this.analysers.get(cameraId);
    return a ? costPerFrame(a.analyser.stats) : null;
  }

  /**
   * The camera's detector as the API shows it: which one, the settings in force (those of its
   * running pipeline, else the stored ones with defaults filled in) and the cost so far.
   */
  detectorView(cameraId: string, settings: AnalyticsConfig): { detector: DetectorKind | null; detection: DetectionSettings; cost: ReturnType<typeof costPerFrame> } {
    const running = this.analysers.get(cameraId)?.analyser.detection ?? null;
    const detection = running ?? detectionSettings({ inputSize: this.neuralLoaded?.inputSize ?? DEFAULT_DETECTION.inputSize, ...settings.detection }, { counting: settings.crowd.length > 0 });
    return { detector: this.detectorFor(cameraId), detection, cost: this.costFor(cameraId) };
  }

  /** What the camera's running traffic rule has gathered (null when it runs none). */
  trafficSnapshot(cameraId: string): unknown {
    return this.trafficLive.get(cameraId)?.snapshot?.() ?? null;
  }

  detectorFor(cameraId: string): DetectorKind | null {
    return this.analysers.get(cameraId)?.detector ?? null;
  }

  /**
   * Where people and vehicles are in one RGB frame, for export redaction: the shared detector's
   * boxes, used only to hide. Throws when the neural detector cannot load: an export is then not
   * made rather than left unredacted.
   */
  async objectFinder(): Promise<ObjectFinder> {
    const d = await this.loadNeural();
    if (!d) throw new AnalyticsError('ANALYSER_FAILED', `faces and plates cannot be redacted: the neural detector is not available (${this.neuralError}); an approver may lift redaction with a reason, or set privacy.redactExports false`);
    return async (rgb, width, height) => (await d.detect([{ rgb, width, height, region: [0, 0, 1, 1] }]))[0] ?? [];
  }

  get neuralDetectorError(): string | null {
    return this.neuralError;
  }

  private async apply(cameraId: string, settings: AnalyticsConfig, cameraEnabled: boolean): Promise<void> {
    this.policies.set(cameraId, settings.alarms);
    this.trafficLive.delete(cameraId);
    const old = this.analysers.get(cameraId);
    if (old) {
      this.analysers.delete(cameraId);
      await old.analyser.stop();
    }
    if (!settings.enabled || !cameraEnabled || this.closed) return;
    const log = this.o.logger.child({ part: 'alarms', camera: cameraId });
    try {
      settings = await this.withCrowdAreas(cameraId, settings);
    } catch (err) {
      // stored before the camera lost its calibration: the rule cannot count per m², the others still run
      log.warn({ err: (err as Error).message }, 'crowd rule left out');
      settings = { ...settings, crowd: settings.crowd.filter((c) => c.unit !== 'persons/m2' || c.areaM2) };
    }
    const traffic = await this.trafficFor(cameraId, settings.traffic, log);
    let shared: Detector | null = null;
    if (settings.detector !== 'motion') shared = await this.loadNeural();
    if (settings.detector === 'neural' && !shared) throw new AnalyticsError('ANALYSER_FAILED', `the neural detector is not available: ${this.neuralError}`);
    const kind: DetectorKind = shared ? 'neural' : 'motion';
    const analyser = new CameraAnalyser({
      cameraId,
      settings,
      runtime: this.o.runtime,
      ffmpeg: this.o.ffmpeg,
      detector: (size) => shared ?? new MotionBlobDetector({ aspect: size.width / size.height }),
      // NanoDet's scores run lower than the tracker's defaults assume (the thresholds `vigil analyze` is evaluated with).
      tracker: shared ? NANODET_TRACKER : undefined,
      onEvents: async (frame) => {
        await this.recorder.record(frame);
      },
      onError: (message) => log.warn({ message }, 'live analytics problem'),
      trackRules: traffic ? () => {
        const rule = traffic();
        this.trafficLive.set(cameraId, rule);
        return [rule];
      } : undefined,
    });
    this.analysers.set(cameraId, { analyser, detector: kind });
    log.info({ detector: kind, fps: settings.fps, lines: settings.lines.length, zones: settings.zones.length, lanes: traffic ? settings.traffic!.lanes.length : 0 }, kind === 'neural' ? 'live analytics on (NanoDet detector)' : 'live analytics on (motion stand-in: NOT a neural detector)');
  }

  private loadNeural(): Promise<Detector | null> {
    if (!this.o.loadNeuralDetector) {
      this.neuralError ??= 'no neural detector configured';
      return Promise.resolve(null);
    }
    this.neural ??= this.o.loadNeuralDetector().then((d) => (this.neuralLoaded = d)).catch((err: Error) => {
      this.neuralError = err.message;
      this.o.logger.warn({ err: err.message }, 'neural detector unavailable; live analytics use the motion stand-in');
      return null;
    });
    return this.neural;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.paceTimer);
    await Promise.all([...this.analysers.values()].map((a) => a.analyser.stop()));
    this.analysers.clear();
    await this.recorder.close();
    const d = await this.neural;
    await d?.close();
  }
}

/** A camera's analytics in the config file seed the store once; the API changes them after. */
export async function seedAnalyticsFromConfig(store: Pick<Store, 'getCameraAnalytics' | 'putCameraAnalytics'>, cameras: readonly CameraConfig[]): Promise<void> {
  for (const c of cameras) {
    if (c.analytics && !(await store.getCameraAnalytics(c.id))) {
      await store.putCameraAnalytics({ cameraId: c.id, settings: c.analytics, updatedAt: Date.now() }, { actor: 'system', action: 'analytics.update', cameraId: c.id, details: { source: 'config' } });
    }
  }
}
