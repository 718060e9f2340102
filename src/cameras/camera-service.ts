// Camera configuration: create, change and remove cameras (each change audited in the same
// transaction), keep credentials encrypted, and tell the running fleet.
import type { CameraPatch, CameraRow, NewCamera, Store } from '../store/index.ts';
import type { SecretBox } from '../access/index.ts';
import { VigilError } from '../core/index.ts';
import { newId } from '../core/index.ts';
import { splitCameraUrl } from './camera-url.ts';

export interface CameraInput {
  id?: string;
  name: string;
  url: string;
  /** Sub-stream URL; credentials in it are dropped (the main stream's are used). */
  subUrl?: string | null;
  username?: string | null;
  password?: string | null;
  transport?: 'tcp' | 'udp';
  enabled?: boolean;
  record?: boolean;
}

export interface FleetControl {
  upsert(camera: CameraRow): void;
  remove(cameraId: string): void;
}

export interface Actor {
  id: string;
  ip: string | null;
}

export class CameraService {
  private readonly store: Store;
  private readonly secrets: SecretBox;
  private readonly fleet: FleetControl;
  constructor(store: Store, secrets: SecretBox, fleet: FleetControl) {
    this.store = store;
    this.secrets = secrets;
    this.fleet = fleet;
  }

  async create(input: CameraInput, actor: Actor): Promise<CameraRow> {
    const parts = splitCameraUrl(input.url, 'url');
    const username = input.username !== undefined ? input.username : parts.username;
    const password = input.password !== undefined ? input.password : parts.password;
    const cam: NewCamera = {
      id: input.id ?? newId('cam'),
      name: input.name,
      url: parts.url,
      subUrl: input.subUrl ? splitCameraUrl(input.subUrl, 'subUrl').url : null,
      username: username || null,
      passwordEnc: password ? this.secrets.seal(password) : null,
      transport: input.transport ?? 'tcp',
      enabled: input.enabled ?? true,
      record: input.record ?? true,
    };
    const row = await this.store.createCamera(cam, {
      actor: actor.id,
      ip: actor.ip,
      action: 'camera.create',
      cameraId: cam.id,
      details: { name: cam.name, url: cam.url, subUrl: cam.subUrl, transport: cam.transport, credentials: cam.passwordEnc ? 'set' : 'none' },
    });
    this.fleet.upsert(row);
    return row;
  }

  async update(id: string, input: Partial<CameraInput>, actor: Actor): Promise<CameraRow> {
    const patch: CameraPatch = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.url !== undefined) {
      const parts = splitCameraUrl(input.url, 'url');
      patch.url = parts.url;
      if (parts.username && input.username === undefined) patch.username = parts.username;
      if (parts.password && input.password === undefined) patch.passwordEnc = this.secrets.seal(parts.password);
    }
    if (input.subUrl !== undefined) patch.subUrl = input.subUrl ? splitCameraUrl(input.subUrl, 'subUrl').url : null;
    if (input.username !== undefined) patch.username = input.username || null;
    if (input.password !== undefined) patch.passwordEnc = input.password ? this.secrets.seal(input.password) : null;
    if (input.transport !== undefined) patch.transport = input.transport;
    if (input.enabled !== undefined) patch.enabled = input.enabled;
    if (input.record !== undefined) patch.record = input.record;
    // What changed, from what to what; the password only as set / changed / removed.
    const before = await this.store.getCamera(id);
    if (!before) throw new VigilError('CAMERA_NOT_FOUND', `no camera with id ${JSON.stringify(id)}`);
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const [k, v] of Object.entries(patch) as [keyof CameraPatch, unknown][]) {
      if (k === 'passwordEnc') {
        const was = before.passwordEnc ? '[set]' : '[none]';
        changes.password = { before: was, after: v ? (before.passwordEnc ? '[changed]' : '[set]') : '[none]' };
      } else if (before[k] !== v) changes[k] = { before: before[k], after: v };
    }
    const row = await this.store.updateCamera(id, patch, { actor: actor.id, ip: actor.ip, action: 'camera.update', cameraId: id, details: { changed: Object.keys(changes), changes } });
    if (!row) throw new VigilError('CAMERA_NOT_FOUND', `no camera with id ${JSON.stringify(id)}`);
    this.fleet.upsert(row);
    return row;
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const ok = await this.store.deleteCamera(id, { actor: actor.id, ip: actor.ip, action: 'camera.delete', cameraId: id });
    if (!ok) throw new VigilError('CAMERA_NOT_FOUND', `no camera with id ${JSON.stringify(id)}`);
    this.fleet.remove(id);
  }

  async get(id: string): Promise<CameraRow> {
    const row = await this.store.getCamera(id);
    if (!row) throw new VigilError('CAMERA_NOT_FOUND', `no camera with id ${JSON.stringify(id)}`);
    return row;
  }

  /** The clear password, for connecting only; never returned by the API or logged. */
  password(row: CameraRow): string | null {
    return row.passwordEnc ? this.secrets.open(row.passwordEnc) : null;
  }
}
