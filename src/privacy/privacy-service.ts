// Masks and their lifts, kept in the store. Decides, for one user and one camera, which polygons
// must be burned into what that user receives: every permanent mask, and the liftable ones unless
// the user lifted them (with mask.lift and a reason) and the lift has not run out. An empty list
// means the user gets the camera's own bytes.
import type { AccessPurposeRow, MaskLiftRow, PrivacyMaskRow, Store } from '../store/index.ts';
import { DEFAULT_LOOK_BACK, checkLookBack, validateLookBackPolicy, type LookBackPolicy, type PurposeRecord, type StatedPurpose } from './look-back.ts';
import { newId } from '../core/index.ts';
import { PrivacyError } from './errors.ts';
import { validatePolygon, type Point } from './mask-geometry.ts';

export type PrivacyStore = Pick<Store, 'addPrivacyMask' | 'listPrivacyMasks' | 'deletePrivacyMask' | 'addMaskLift' | 'activeMaskLift' | 'endMaskLifts'
  | 'listAccessPurposes' | 'putAccessPurpose' | 'getPrivacySetting' | 'putPrivacySetting'>;

/** The purposes a new installation starts with; the admin adds, renames and retires. */
export const DEFAULT_PURPOSES = ['Incident investigation', 'Police or court request', 'Subject access request', 'Insurance or damage claim', 'Safety review'];
const LOOK_BACK_SETTING = 'look_back';

export interface NewMask {
  name?: string;
  polygon: unknown;
  liftable: boolean;
}

export interface MaskView {
  /** Polygons to burn in; empty: the camera's own bytes. */
  polygons: Point[][];
  /** When the user's lift ends (the view must then be masked again), or null. */
  liftEndsAt: number | null;
  /** The camera has liftable masks this user's lift removes right now. */
  lifted: boolean;
}

export const DEFAULT_LIFT_MINUTES = 15;
export const MAX_LIFT_MINUTES = 120;
const MAX_MASKS_PER_CAMERA = 32;
const MAX_REASON = 1000;

export class PrivacyService {
  private readonly store: PrivacyStore;
  private readonly now: () => number;
  private readonly listeners = new Set<(cameraId: string) => void>();

  constructor(o: { store: PrivacyStore; now?: () => number }) {
    this.store = o.store;
    this.now = o.now ?? Date.now;
  }

  /** Called after a camera's masks change or a lift ends early: views decided before are stale. */
  onChange(listener: (cameraId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(cameraId: string): void {
    for (const l of this.listeners) l(cameraId);
  }

  listMasks(cameraId: string): Promise<PrivacyMaskRow[]> {
    return this.store.listPrivacyMasks(cameraId);
  }

  async addMask(cameraId: string, m: NewMask, actor: { id: string; ip?: string | null }): Promise<PrivacyMaskRow> {
    const polygon = validatePolygon(m.polygon, 'body/polygon').map(([x, y]) => [x, y] as [number, number]);
    const name = (m.name ?? '').trim() || 'mask';
    if (name.length > 100) throw new PrivacyError('BAD_REQUEST', 'body/name: at most 100 characters');
    if ((await this.store.listPrivacyMasks(cameraId)).length >= MAX_MASKS_PER_CAMERA) {
      throw new PrivacyError('BAD_REQUEST', `a camera may have at most ${MAX_MASKS_PER_CAMERA} masks`);
    }
    const row: PrivacyMaskRow = { id: newId('mask'), cameraId, name, polygon, liftable: m.liftable, createdBy: actor.id, createdAt: this.now() };
    await this.store.addPrivacyMask(row, { actor: actor.id, ip: actor.ip ?? null, action: 'mask.create', cameraId, details: { maskId: row.id, name, liftable: row.liftable, points: polygon.length } });
    this.changed(cameraId);
    return row;
  }

  async deleteMask(cameraId: string, id: string, actor: { id: string; ip?: string | null }): Promise<void> {
    const ok = await this.store.deletePrivacyMask(cameraId, id, { actor: actor.id, ip: actor.ip ?? null, action: 'mask.delete', cameraId, details: { maskId: id } });
    if (!ok) throw new PrivacyError('NOT_FOUND', `camera ${cameraId} has no mask ${id}`);
    this.changed(cameraId);
  }

  /** Lifts the camera's liftable masks for this user; the caller has checked mask.lift. */
  async lift(cameraId: string, user: { id: string; ip?: string | null }, reason: unknown, minutes: unknown = DEFAULT_LIFT_MINUTES): Promise<MaskLiftRow> {
    if (typeof reason !== 'string' || !reason.trim()) throw new PrivacyError('BAD_REQUEST', 'body/reason: lifting a mask needs a reason (it is audited)');
    if (reason.length > MAX_REASON) throw new PrivacyError('BAD_REQUEST', `body/reason: at most ${MAX_REASON} characters`);
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_LIFT_MINUTES) {
      throw new PrivacyError('BAD_REQUEST', `body/minutes: a whole number of minutes from 1 to ${MAX_LIFT_MINUTES}`);
    }
    const masks = await this.store.listPrivacyMasks(cameraId);
    if (!masks.some((m) => m.liftable)) throw new PrivacyError('BAD_REQUEST', `camera ${cameraId} has no liftable mask`);
    const now = this.now();
    const row: MaskLiftRow = { id: newId('lift'), cameraId, userId: user.id, reason: reason.trim(), startedAt: now, expiresAt: now + minutes * 60_000, endedAt: null };
    return this.store.addMaskLift(row, {
      actor: user.id, ip: user.ip ?? null, action: 'mask.lift', cameraId,
      details: { liftId: row.id, reason: row.reason, minutes, masks: masks.filter((m) => m.liftable).map((m) => m.id) },
    });
  }

  /** Ends the user's lift early; returns whether one was in force. */
  async endLift(cameraId: string, user: { id: string; ip?: string | null }): Promise<boolean> {
    const n = await this.store.endMaskLifts(cameraId, user.id, this.now(), { actor: user.id, ip: user.ip ?? null, action: 'mask.lift_end', cameraId, details: { early: true } });
    if (n > 0) this.changed(cameraId);
    return n > 0;
  }

  /** What this user must get of this camera. `mayLift`: the user holds mask.lift on it now. */
  async viewFor(cameraId: string, userId: string, mayLift: boolean): Promise<MaskView> {
    const masks = await this.store.listPrivacyMasks(cameraId);
    if (masks.length === 0) return { polygons: [], liftEndsAt: null, lifted: false };
    const lift = mayLift && masks.some((m) => m.liftable) ? await this.store.activeMaskLift(cameraId, userId, this.now()) : null;
    const polygons = masks.filter((m) => !m.liftable || !lift).map((m) => m.polygon.map(([x, y]) => [x, y] as Point));
    return { polygons, liftEndsAt: lift?.expiresAt ?? null, lifted: lift !== null };
  }

  activeLift(cameraId: string, userId: string): Promise<MaskLiftRow | null> {
    return this.store.activeMaskLift(cameraId, userId, this.now());
  }

  // --- purpose-bound looking back ---------------------------------------------------------------

  /** Seeds the default purposes when the list is empty (a new installation). */
  async ensureDefaults(): Promise<void> {
    if ((await this.store.listAccessPurposes()).length) return;
    for (const name of DEFAULT_PURPOSES) await this.store.putAccessPurpose({ id: newId('purp'), name, active: true, createdBy: 'system', createdAt: this.now() });
  }

  listPurposes(): Promise<AccessPurposeRow[]> {
    return this.store.listAccessPurposes();
  }

  async addPurpose(name: unknown, actor: { id: string; ip?: string | null }): Promise<AccessPurposeRow> {
    const n = typeof name === 'string' ? name.trim() : '';
    if (!n || n.length > 100) throw new PrivacyError('BAD_REQUEST', 'body/name: 1 to 100 characters');
    const row: AccessPurposeRow = { id: newId('purp'), name: n, active: true, createdBy: actor.id, createdAt: this.now() };
    await this.store.putAccessPurpose(row, { actor: actor.id, ip: actor.ip ?? null, action: 'purpose.create', details: { purposeId: row.id, name: n } });
    return row;
  }

  async setPurposeActive(id: string, active: boolean, actor: { id: string; ip?: string | null }): Promise<AccessPurposeRow> {
    const row = (await this.store.listAccessPurposes()).find((p) => p.id === id);
    if (!row) throw new PrivacyError('NOT_FOUND', `no purpose ${id}`);
    const next = { ...row, active };
    await this.store.putAccessPurpose(next, { actor: actor.id, ip: actor.ip ?? null, action: 'purpose.update', details: { purposeId: id, active } });
    return next;
  }

  async lookBackPolicy(): Promise<LookBackPolicy> {
    const stored = await this.store.getPrivacySetting(LOOK_BACK_SETTING);
    return stored ? validateLookBackPolicy(stored) : DEFAULT_LOOK_BACK;
  }

  async setLookBackPolicy(p: unknown, actor: { id: string; ip?: string | null }): Promise<LookBackPolicy> {
    const policy = validateLookBackPolicy(p);
    await this.store.putPrivacySetting(LOOK_BACK_SETTING, policy, { actor: actor.id, ip: actor.ip ?? null, action: 'privacy.policy', details: { lookBack: policy } });
    return policy;
  }

  /** Checks an access to recordings from fromMs by a user of this role; returns the purpose to audit. */
  async checkAccess(role: string, fromMs: number, stated: StatedPurpose, pictures = true): Promise<PurposeRecord | null> {
    const [policy, purposes] = await Promise.all([this.lookBackPolicy(), this.store.listAccessPurposes()]);
    return checkLookBack({ now: this.now(), fromMs, role, policy, purposes, stated, pictures });
  }
}
