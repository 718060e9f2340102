// A local copy of a KV bucket kept by a watch: the assignment loop reads it instead of asking
// NATS for every key every round (what a city of 62,000 leases needs). When each key was last
// heard of is kept on this process's own clock, so a node's liveness never depends on clock skew.
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';

export interface MirrorEntry<T> {
  value: T;
  revision: number;
  /** performance.now() when this process last saw the key written. */
  seenAt: number;
}

export class KvMirror<T> {
  readonly entries = new Map<string, MirrorEntry<T>>();
  private stopped = false;
  private iter: { stop(): void } | null = null;
  private readonly kv: KV;
  private readonly logger: Logger;
  private readonly onChange: (key: string, entry: MirrorEntry<T> | null) => void;
  /** Resolves once the watch has delivered the bucket's current state. */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(kv: KV, logger: Logger, onChange: (key: string, entry: MirrorEntry<T> | null) => void = () => {}) {
    this.kv = kv;
    this.logger = logger;
    this.onChange = onChange;
    this.ready = new Promise((r) => (this.markReady = r));
  }

  start(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        // The watch first replays each key's last value; the last of those is marked isUpdate.
        if ((await this.kv.status()).values === 0) this.markReady();
        const it = await this.kv.watch();
        this.iter = it;
        for await (const e of it) {
          if (e.isUpdate) this.markReady();
          if (e.operation === 'PUT') {
            let value: T;
            try {
              value = e.json<T>();
            } catch {
              continue;
            }
            const entry = { value, revision: e.revision, seenAt: performance.now() };
            this.entries.set(e.key, entry);
            this.onChange(e.key, entry);
          } else {
            this.entries.delete(e.key);
            this.onChange(e.key, null);
          }
        }
      } catch (err) {
        if (!this.stopped) this.logger.warn({ err: (err as Error).message }, 'KV watch broke; watching again');
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 500));
    }
  }

  stop(): void {
    this.stopped = true;
    this.iter?.stop();
  }
}
