// Purpose-bound looking back: recordings older than a free window (10 minutes by default) are
// played, searched or exported only for a purpose from the list the admin keeps, with a free text;
// and each role looks back at most so far. Pure: the caller brings the time, the role, the list.
import { PrivacyError } from './errors.ts';

export interface LookBackPolicy {
  /** Recordings newer than this need no purpose. */
  freeWindowMinutes: number;
  /** How far back each role may look, in hours; a role not named may not look back past the free window. null: no limit. */
  maxHoursByRole: Record<string, number | null>;
}

export const DEFAULT_LOOK_BACK: LookBackPolicy = {
  freeWindowMinutes: 10,
  maxHoursByRole: { admin: null, supervisor: 24 * 31, operator: 24 * 7, viewer: 0, auditor: 0 },
};

export interface PurposeEntry {
  id: string;
  name: string;
  active: boolean;
}

export interface StatedPurpose {
  purposeId?: string;
  purposeText?: string;
}

/** What goes into the audit entry of the access. */
export interface PurposeRecord {
  purposeId: string;
  purpose: string;
  purposeText: string;
}

const MAX_TEXT = 500;

/**
 * Checks one access to recordings starting at fromMs. Returns the purpose to audit (null when the
 * access is inside the free window and none was given). Throws FORBIDDEN past the role's limit,
 * PURPOSE_REQUIRED without a purpose, BAD_REQUEST for a purpose not on the list or without text.
 */
export function checkLookBack(o: { now: number; fromMs: number; role: string; policy: LookBackPolicy; purposes: readonly PurposeEntry[]; stated: StatedPurpose; pictures?: boolean }): PurposeRecord | null {
  const { now, fromMs, role, policy, stated } = o;
  const ageMs = now - fromMs;
  const freeMs = policy.freeWindowMinutes * 60_000;
  const maxHours = role in policy.maxHoursByRole ? policy.maxHoursByRole[role] : 0;
  if (maxHours !== null && ageMs > Math.max(freeMs, maxHours * 3_600_000)) {
    const limit = maxHours > 0 ? `${maxHours} h` : `${policy.freeWindowMinutes} min`;
    throw new PrivacyError('FORBIDDEN', `role ${role} may look back at most ${limit}; this starts ${Math.round(ageMs / 60_000)} min ago`, { reason: 'LOOK_BACK_LIMIT' });
  }
  const given = stated.purposeId !== undefined && stated.purposeId !== '';
  if (!given) {
    // pictures false: the timeline (when something was recorded, not what) keeps to the role's limit only.
    if (ageMs <= freeMs || o.pictures === false) return null;
    throw new PrivacyError('PURPOSE_REQUIRED', `recordings older than ${policy.freeWindowMinutes} min need a purpose (purposeId from the list, and purposeText)`, { reason: 'PURPOSE_REQUIRED' });
  }
  const p = o.purposes.find((x) => x.id === stated.purposeId && x.active);
  if (!p) throw new PrivacyError('BAD_REQUEST', `purposeId: ${stated.purposeId} is not on the list of purposes`);
  const text = (stated.purposeText ?? '').trim();
  if (!text) throw new PrivacyError('BAD_REQUEST', 'purposeText: say what this access is for (case number, incident, request)');
  if (text.length > MAX_TEXT) throw new PrivacyError('BAD_REQUEST', `purposeText: at most ${MAX_TEXT} characters`);
  return { purposeId: p.id, purpose: p.name, purposeText: text };
}

/** Checks an admin's policy: numbers in range, roles by name. */
export function validateLookBackPolicy(p: unknown): LookBackPolicy {
  const o = p as Partial<LookBackPolicy> | null;
  if (!o || typeof o !== 'object') throw new PrivacyError('BAD_REQUEST', 'body: expected { freeWindowMinutes, maxHoursByRole }');
  if (typeof o.freeWindowMinutes !== 'number' || !Number.isInteger(o.freeWindowMinutes) || o.freeWindowMinutes < 0 || o.freeWindowMinutes > 24 * 60) {
    throw new PrivacyError('BAD_REQUEST', 'body/freeWindowMinutes: a whole number of minutes, 0..1440');
  }
  const roles: Record<string, number | null> = {};
  for (const [role, raw] of Object.entries((o.maxHoursByRole ?? {}) as Record<string, unknown>)) {
    const h = raw === 'unlimited' ? null : raw;
    if (h !== null && (typeof h !== 'number' || !(h >= 0) || h > 24 * 3650)) throw new PrivacyError('BAD_REQUEST', `body/maxHoursByRole/${role}: hours 0..87600 or "unlimited"`);
    roles[role] = h as number | null;
  }
  return { freeWindowMinutes: o.freeWindowMinutes, maxHoursByRole: roles };
}

/** The policy as the API shows it: "unlimited" for no limit (JSON null would be coerced to 0 on the way in). */
export function lookBackPolicyForApi(p: LookBackPolicy): { freeWindowMinutes: number; maxHoursByRole: Record<string, number | 'unlimited'> } {
  return { freeWindowMinutes: p.freeWindowMinutes, maxHoursByRole: Object.fromEntries(Object.entries(p.maxHoursByRole).map(([r, h]) => [r, h === null ? 'unlimited' : h])) };
}
