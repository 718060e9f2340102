// Reads the events of the ONVIF cameras this process records (their pull-point subscriptions) and
// raises each as a Vigil event (onvif.motion, onvif.tamper, onvif.digital_input ...; event-kinds.ts),
// stored and published like every other event. One loop per camera: subscribe, renew every 30 s,
// pull (waiting up to 5 s at a time); a device that fails or answers garbage is retried with
// backoff up to a minute and logged once per outage, never taking the process down.
import type { Logger } from 'pino';
import type { CameraOnvifRow } from '../store/index.ts';
import { OnvifClient } from './onvif-client.ts';
import { vigilEventOf, type VigilEventFromOnvif } from './event-kinds.ts';

const SUBSCRIPTION_S = 60;
const RENEW_MS = 30_000;
const PULL_WAIT_S = 5;
const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000, 60_000];

export interface OnvifEventsOptions {
  /** Every camera linked to an ONVIF address. */
  links: () => Promise<CameraOnvifRow[]>;
  /** This process reads the camera's events: it records it (and it is enabled). */
  isMine: (cameraId: string) => Promise<boolean> | boolean;
  /** The camera's own ONVIF credentials. */
  credentials: (cameraId: string) => Promise<{ username?: string; password?: string }>;
  raise: (cameraId: string, e: VigilEventFromOnvif) => Promise<unknown>;
  logger: Logger;
  /** How often the set of cameras is looked at again. */
  syncMs?: number;
  timeoutMs?: number;
}

interface Loop {
  xaddr: string;
  stopped: boolean;
  done: Promise<void>;
  /** Ends a backoff wait early (the loop is being stopped). */
  wake: (() => void) | null;
}

function stop(loop: Loop): void {
  loop.stopped = true;
  loop.wake?.();
}

function sleep(ms: number, loop: Loop): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => { loop.wake = null; resolve(); }, ms);
    loop.wake = () => { clearTimeout(t); loop.wake = null; resolve(); };
  });
}

export class OnvifEvents {
  private readonly o: OnvifEventsOptions;
  private readonly loops = new Map<string, Loop>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Events raised since start (for the status and tests). */
  raised = 0;

  constructor(o: OnvifEventsOptions) {
    this.o = o;
  }

  start(): void {
    void this.sync();
    this.timer = setInterval(() => void this.sync(), this.o.syncMs ?? 15_000);
    this.timer.unref();
  }

  /** Starts a loop for each linked camera this process records, stops the others. */
  async sync(): Promise<void> {
    if (this.closed) return;
    let links: CameraOnvifRow[];
    try {
      links = await this.o.links();
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'ONVIF links not read; event subscriptions unchanged');
      return;
    }
    const want = new Map<string, string>();
    for (const l of links) if (await this.o.isMine(l.cameraId)) want.set(l.cameraId, l.xaddr);
    for (const [id, loop] of this.loops) {
      if (want.get(id) !== loop.xaddr) {
        stop(loop);
        this.loops.delete(id);
      }
    }
    for (const [id, xaddr] of want) if (!this.loops.has(id) && !this.closed) this.loops.set(id, this.run(id, xaddr));
  }

  cameras(): string[] {
    return [...this.loops.keys()];
  }

  private run(cameraId: string, xaddr: string): Loop {
    const loop: Loop = { xaddr, stopped: false, done: Promise.resolve(), wake: null };
    const log = this.o.logger.child({ camera: cameraId, xaddr });
    loop.done = (async () => {
      let sub: string | null = null;
      let client: OnvifClient | null = null;
      let renewedAt = 0;
      let failures = 0;
      while (!loop.stopped) {
        try {
          if (!client) client = new OnvifClient({ xaddr, ...(await this.o.credentials(cameraId)), timeoutMs: this.o.timeoutMs ?? 5000 });
          if (!sub) {
            sub = await client.createPullPointSubscription(SUBSCRIPTION_S);
            renewedAt = Date.now();
          } else if (Date.now() - renewedAt > RENEW_MS) {
            await client.renew(sub, SUBSCRIPTION_S);
            renewedAt = Date.now();
          }
          const messages = await client.pullMessages(sub, PULL_WAIT_S);
          if (failures > 0) log.info({ after: failures }, 'ONVIF events read again');
          failures = 0;
          for (const m of messages) {
            if (loop.stopped) break;
            await this.o.raise(cameraId, vigilEventOf(m));
            this.raised++;
          }
        } catch (err) {
          if (loop.stopped) break;
          if (failures === 0) log.warn({ err: (err as Error).message, code: (err as { code?: string }).code }, 'ONVIF events not read; subscribing again with backoff');
          sub = null;
          client = null; // the credentials may have changed
          await sleep(BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]!, loop);
          failures++;
        }
      }
      if (sub && client) await client.unsubscribe(sub).catch(() => undefined);
    })();
    return loop;
  }

  /** Stops every loop; a pull in flight ends within its wait (5 s) and raises nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    for (const loop of this.loops.values()) stop(loop);
    const all = [...this.loops.values()].map((l) => l.done);
    this.loops.clear();
    await Promise.race([Promise.all(all), new Promise((r) => setTimeout(r, (PULL_WAIT_S + 1) * 1000).unref())]);
  }
}
