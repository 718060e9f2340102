// The sites and camera groups each camera belongs to, held in memory so that `authorize` stays a
// plain function (it runs for every request and every camera of a list). Changes made here are
// seen at once; changes made by another process (a cluster) after the next reload.
import type { AuditInput, ScopeRef, Store } from '../store/index.ts';
import type { CameraScopeLookup } from './permissions.ts';

export class CameraScopes implements CameraScopeLookup {
  private readonly store: Pick<Store, 'listCameraScopes' | 'setCameraScopes'>;
  private byCamera = new Map<string, ScopeRef[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(store: Pick<Store, 'listCameraScopes' | 'setCameraScopes'>) {
    this.store = store;
  }

  async load(): Promise<void> {
    const next = new Map<string, ScopeRef[]>();
    for (const r of await this.store.listCameraScopes()) {
      const list = next.get(r.cameraId) ?? [];
      list.push({ kind: r.kind, id: r.id });
      next.set(r.cameraId, list);
    }
    this.byCamera = next;
  }

  /** Reloads every reloadMs (other processes' changes); errors keep the last good map. */
  start(reloadMs = 30_000, onError?: (err: Error) => void): void {
    this.stop();
    this.timer = setInterval(() => void this.load().catch((err: Error) => onError?.(err)), reloadMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  scopesOf(cameraId: string): readonly ScopeRef[] {
    return this.byCamera.get(cameraId) ?? [];
  }

  async set(cameraId: string, scopes: ScopeRef[], audit?: AuditInput): Promise<void> {
    await this.store.setCameraScopes(cameraId, scopes, audit);
    this.byCamera.set(cameraId, [...scopes]);
  }

  /** Every site and group that some camera belongs to. */
  known(): ScopeRef[] {
    const seen = new Map<string, ScopeRef>();
    for (const list of this.byCamera.values()) for (const s of list) seen.set(`${s.kind}\u0000${s.id}`, s);
    return [...seen.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  }
}
