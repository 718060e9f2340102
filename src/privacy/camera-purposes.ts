// Each camera's stated purpose, legal basis and recording retention (EDPB Guidelines 3/2019: a
// documented purpose per camera; deletion after a few days, more than 72 hours needs a reason).
// A camera with no stated purpose keeps 72 hours at most. Evidence locks win over retention: a
// policy shorter than a lock is accepted, and the answer tells the admin which locks keep older
// recordings (the sweep skips them).
import type { CameraPurposeRow, EvidenceLockRow, Store } from '../store/index.ts';
import { PrivacyError } from './errors.ts';
import { lockKeepsRecordings, type RetentionNotice } from './retention-notice.ts';

export type CameraPurposeStore = Pick<Store, 'putCameraPurpose' | 'listCameraPurposes' | 'listEvidenceLocks'>;

/** GDPR art. 6(1) bases a camera may record on. */
export const LEGAL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
/** Hours a camera's recordings are kept unless its purpose gives a reason for more. */
export const DEFAULT_RETENTION_HOURS = 72;
const MAX_RETENTION_HOURS = 24 * 3650;

export interface CameraPurposeInput {
  purpose?: unknown;
  legalBasis?: unknown;
  retentionHours?: unknown;
  retentionReason?: unknown;
}

/** Checks an admin's input; throws BAD_REQUEST naming the field. Pure. */
export function validateCameraPurpose(b: CameraPurposeInput): { purpose: string; legalBasis: string; retentionHours: number; retentionReason: string | null } {
  const purpose = typeof b.purpose === 'string' ? b.purpose.trim() : '';
  if (!purpose || purpose.length > 500) throw new PrivacyError('BAD_REQUEST', 'body/purpose: say what the camera is for (1 to 500 characters)');
  if (typeof b.legalBasis !== 'string' || !(LEGAL_BASES as readonly string[]).includes(b.legalBasis)) {
    throw new PrivacyError('BAD_REQUEST', `body/legalBasis: one of ${LEGAL_BASES.join(', ')}`);
  }
  const hours = b.retentionHours === undefined ? DEFAULT_RETENTION_HOURS : b.retentionHours;
  if (typeof hours !== 'number' || !Number.isFinite(hours) || hours <= 0 || hours > MAX_RETENTION_HOURS) {
    throw new PrivacyError('BAD_REQUEST', `body/retentionHours: hours above 0, at most ${MAX_RETENTION_HOURS}`);
  }
  const reason = typeof b.retentionReason === 'string' ? b.retentionReason.trim() : '';
  if (reason.length > 1000) throw new PrivacyError('BAD_REQUEST', 'body/retentionReason: at most 1000 characters');
  if (hours > DEFAULT_RETENTION_HOURS && !reason) {
    throw new PrivacyError('RETENTION_REASON_REQUIRED', `body/retentionReason: keeping recordings longer than ${DEFAULT_RETENTION_HOURS} h needs a reason that follows from the purpose`);
  }
  return { purpose, legalBasis: b.legalBasis, retentionHours: hours, retentionReason: reason || null };
}

/** Locks that keep recordings older than the retention (the lock wins), as notices for the admin. Pure. */
export function locksBeyondRetention(locks: readonly EvidenceLockRow[], cameraId: string, retentionHours: number, now: number): RetentionNotice[] {
  const cutoff = now - retentionHours * 3_600_000;
  return locks.filter((l) => l.cameraId === cameraId && l.fromMs < cutoff).map((l) => lockKeepsRecordings(l, retentionHours));
}

export class CameraPurposes {
  private readonly store: CameraPurposeStore;
  private readonly now: () => number;
  private hours = new Map<string, number>();

  constructor(o: { store: CameraPurposeStore; now?: () => number }) {
    this.store = o.store;
    this.now = o.now ?? Date.now;
  }

  /** Reads the stated retentions (at start; the sweep asks synchronously). */
  async load(): Promise<void> {
    this.hours = new Map((await this.store.listCameraPurposes()).map((r) => [r.cameraId, r.retentionHours]));
  }

  list(): Promise<CameraPurposeRow[]> {
    return this.store.listCameraPurposes();
  }

  async get(cameraId: string): Promise<CameraPurposeRow | null> {
    return (await this.store.listCameraPurposes()).find((r) => r.cameraId === cameraId) ?? null;
  }

  /** Sets a camera's purpose; audited; returns it and the notices the admin must see. */
  async set(cameraId: string, input: CameraPurposeInput, actor: { id: string; ip?: string | null }): Promise<{ row: CameraPurposeRow; notices: RetentionNotice[] }> {
    const v = validateCameraPurpose(input);
    const row: CameraPurposeRow = { cameraId, ...v, updatedBy: actor.id, updatedAt: this.now() };
    const notices = locksBeyondRetention(await this.store.listEvidenceLocks(), cameraId, v.retentionHours, this.now());
    await this.store.putCameraPurpose(row, {
      actor: actor.id, ip: actor.ip ?? null, action: 'camera.purpose', cameraId,
      details: { purpose: v.purpose, legalBasis: v.legalBasis, retentionHours: v.retentionHours, retentionReason: v.retentionReason, locksWin: notices.length },
    });
    this.hours.set(cameraId, v.retentionHours);
    return { row, notices };
  }

  /**
   * A camera's recording retention in hours: its stated one, else the configured one capped at
   * 72 h (a camera with no stated purpose has no reason to keep more).
   */
  retentionHours(cameraId: string, configured: number | null): number {
    const stated = this.hours.get(cameraId);
    if (stated !== undefined) return stated;
    return configured === null ? DEFAULT_RETENTION_HOURS : Math.min(configured, DEFAULT_RETENTION_HOURS);
  }

  /** The recorder's retention policy with each camera's retention decided here. */
  policy<P extends { maxAgeMs(cameraId: string): number | null }>(base: P): P {
    return { ...base, maxAgeMs: (id: string) => {
      const configured = base.maxAgeMs(id);
      return this.retentionHours(id, configured === null ? null : configured / 3_600_000) * 3_600_000;
    } };
  }
}
