// Which rule hits raise an alarm, at what priority and with which instructions: the camera's
// `alarms` entries (first match wins), else the defaults below. Line crossings (and the end of a
// congestion) are statistics unless a rule says otherwise. Pure.
import type { AlarmPolicyConfig } from '../core/index.ts';
import type { AlarmStep } from '../store/index.ts';

export interface AlarmPolicy {
  raise: boolean;
  priority: number;
  foldMs: number;
  steps: AlarmStep[];
  escalateAfterMs: number | null;
  autoCloseMs: number | null;
}

/** Default priority per rule kind (1 is the most urgent); an unknown kind gets 100. */
export const DEFAULT_PRIORITY: Record<string, number> = {
  crowd: 10,
  zone_intrusion: 50,
  tamper: 60,
  left_object: 70,
  dwell: 80,
  line_crossing: 200,
  // issue 14: a car against the traffic endangers lives now; a stopped one on a lane may
  wrong_way: 5,
  stopped_vehicle: 30,
  speeding: 90,
  congestion: 120,
};

/** Rule kinds that are records (statistics), not alarms, unless a camera's entry says otherwise. */
const RECORD_ONLY = new Set(['line_crossing', 'congestion_end']);

const DEFAULT_FOLD_MS = 60_000;

export function alarmPolicy(entries: readonly AlarmPolicyConfig[], ruleKind: string, rule: string): AlarmPolicy {
  const e = entries.find((p) => (p.kind === undefined || p.kind === ruleKind) && (p.rule === undefined || p.rule === rule));
  const priority = e?.priority ?? DEFAULT_PRIORITY[ruleKind] ?? 100;
  if (!e) return { raise: !RECORD_ONLY.has(ruleKind), priority, foldMs: DEFAULT_FOLD_MS, steps: [], escalateAfterMs: null, autoCloseMs: null };
  return {
    raise: e.raise ?? true,
    priority,
    foldMs: Math.round((e.foldSeconds ?? 60) * 1000),
    steps: (e.instructions ?? []).map((text) => ({ text, done: false, by: null, at: null })),
    escalateAfterMs: e.escalateAfterSeconds === undefined ? null : Math.round(e.escalateAfterSeconds * 1000),
    autoCloseMs: e.autoCloseSeconds === undefined ? null : Math.round(e.autoCloseSeconds * 1000),
  };
}
