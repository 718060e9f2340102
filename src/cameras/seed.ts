// The config file's cameras enter the registry once; after that the API owns them. The demo's
// simulator listens on a new address each run, so there the config's URLs win (`syncUrls`).
import type { CameraConfig } from '../core/index.ts';
import { VigilError } from '../core/index.ts';
import type { Store } from '../store/index.ts';
import type { CameraService } from './camera-service.ts';

const SYSTEM = { id: 'system', ip: null };

export async function seedCamerasFromConfig(cameras: CameraService, store: Pick<Store, 'getCamera'>, configured: readonly CameraConfig[], opts: { syncUrls?: boolean } = {}): Promise<void> {
  for (const c of configured) {
    const existing = await store.getCamera(c.id);
    if (existing) {
      if (opts.syncUrls && (existing.url !== c.url || existing.subUrl !== (c.subUrl ?? null))) await cameras.update(c.id, { url: c.url, subUrl: c.subUrl ?? null }, SYSTEM);
      continue;
    }
    try {
      await cameras.create(c, SYSTEM);
    } catch (err) {
      if (!(err instanceof VigilError && err.code === 'DUPLICATE')) throw err;
    }
  }
}
