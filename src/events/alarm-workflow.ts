// The alarm workflow as a pure state machine: given an alarm, a command and who gives it, the next
// alarm and the activity lines to log — or an error saying why not. Nothing here reads a clock or a
// database; the queue (alarm-queue.ts) applies the result with a compare-and-set on the version.
//
//   new ──ack──▶ acknowledged ──take──▶ in_progress ──resolve──▶ resolved ──reopen──▶ acknowledged
//    └────────────take─────────────────▲   │  ▲ └──hold──▶ on_hold ──take / resolve
//                                          └──release──▶ acknowledged
import type { AlarmActivityInput, AlarmOutcome, AlarmRow, AlarmState } from '../store/index.ts';
import { EventError } from './errors.ts';

export const ALARM_STATES: readonly AlarmState[] = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved'];
export const ALARM_OUTCOMES: readonly AlarmOutcome[] = ['incident', 'false_alarm', 'test', 'duplicate', 'other', 'auto_closed'];
/** Outcomes an operator may choose (auto_closed is the system's). */
export const OPERATOR_OUTCOMES = ['incident', 'false_alarm', 'test', 'duplicate', 'other'] as const;
export const OPEN_STATES: readonly AlarmState[] = ['new', 'acknowledged', 'in_progress', 'on_hold'];

/** Longest comment or note, in characters. */
export const MAX_COMMENT_CHARS = 4000;
/** Longest snooze. */
export const MAX_SNOOZE_MS = 24 * 3600_000;

export type AlarmCommand =
  | { type: 'ack' }
  | { type: 'take' }
  | { type: 'release' }
  | { type: 'hold'; note?: string }
  | { type: 'resolve'; outcome: (typeof OPERATOR_OUTCOMES)[number]; note?: string }
  | { type: 'reopen' }
  | { type: 'priority'; priority: number }
  | { type: 'step'; index: number; done: boolean }
  | { type: 'snooze'; untilMs: number }
  | { type: 'comment'; text: string }
  /** the system: not acknowledged in time */
  | { type: 'escalate' }
  /** the system: no hit for the rule's auto-close time */
  | { type: 'auto_close' };

export type AlarmCommandType = AlarmCommand['type'];

export interface Operator {
  id: string;
  name: string;
}

export const SYSTEM: Operator = { id: 'system', name: 'system' };

/** What each state allows (before asking who may do it). */
const ALLOWED: Record<AlarmState, readonly AlarmCommandType[]> = {
  new: ['ack', 'take', 'priority', 'snooze', 'comment', 'escalate', 'auto_close'],
  acknowledged: ['take', 'priority', 'snooze', 'comment', 'auto_close'],
  in_progress: ['release', 'hold', 'resolve', 'step', 'priority', 'comment'],
  on_hold: ['take', 'resolve', 'priority', 'comment'],
  resolved: ['reopen', 'comment'],
};

/** Commands only the operator who owns an alarm in progress may give. */
const OWNER_ONLY: ReadonlySet<AlarmCommandType> = new Set(['release', 'hold', 'resolve', 'step']);
/** Commands of the system, never of an operator. */
const SYSTEM_ONLY: ReadonlySet<AlarmCommandType> = new Set(['escalate', 'auto_close']);

/** The commands an operator may give on this alarm now (for the screen's buttons and 400 messages). */
export function allowedCommands(a: AlarmRow, who: Operator): AlarmCommandType[] {
  return ALLOWED[a.state].filter((c) => !SYSTEM_ONLY.has(c) && !(OWNER_ONLY.has(c) && a.state === 'in_progress' && a.ownerId !== who.id));
}

export interface Transition {
  next: AlarmRow;
  activity: AlarmActivityInput[];
  /** false when the command changed nothing (taking an alarm one already owns) */
  changed: boolean;
}

function conflict(message: string, holder: string | null): EventError {
  return new EventError('ALARM_CONFLICT', message, { holder });
}

/** Applies one command at `now`; throws TRANSITION_NOT_ALLOWED (400), ALARM_CONFLICT (409), BAD_REQUEST or TOO_LARGE. */
export function applyCommand(a: AlarmRow, cmd: AlarmCommand, who: Operator, now: number): Transition {
  if (SYSTEM_ONLY.has(cmd.type) && who.id !== SYSTEM.id) throw new EventError('BAD_REQUEST', `${cmd.type} is done by the system, not by an operator`);
  // Someone else got there first: say who (the second operator of a race lands here after re-reading).
  if (cmd.type === 'ack' && a.ackBy !== null) throw conflict(`alarm already acknowledged by ${a.ackName ?? a.ackBy}`, a.ackName);
  if (cmd.type === 'take' && a.state === 'in_progress') {
    if (a.ownerId === who.id) return { next: a, activity: [], changed: false };
    throw conflict(`alarm already taken by ${a.ownerName ?? a.ownerId}`, a.ownerName);
  }
  if (OWNER_ONLY.has(cmd.type) && a.state === 'in_progress' && a.ownerId !== who.id) {
    throw conflict(`alarm is being handled by ${a.ownerName ?? a.ownerId}`, a.ownerName);
  }
  if (!ALLOWED[a.state].includes(cmd.type)) {
    const allowed = allowedCommands(a, who);
    throw new EventError('TRANSITION_NOT_ALLOWED', `cannot ${cmd.type} an alarm that is ${a.state}; allowed: ${allowed.join(', ') || 'nothing'}`, { state: a.state, allowed });
  }

  const line = (kind: string, details: Record<string, unknown> = {}): AlarmActivityInput => ({ ts: now, actor: who.id, actorName: who.name, kind, details });
  const base: AlarmRow = { ...a, updatedAt: now };
  const checkText = (text: string | undefined, field: string) => {
    if (text !== undefined && text.length > MAX_COMMENT_CHARS) throw new EventError('TOO_LARGE', `${field} is ${text.length} characters; at most ${MAX_COMMENT_CHARS}`);
  };

  switch (cmd.type) {
    case 'ack':
      return { next: { ...base, state: 'acknowledged', ackBy: who.id, ackName: who.name, ackAt: now, snoozedUntil: null }, activity: [line('ack')], changed: true };
    case 'take': {
      // Taking a new alarm acknowledges it too: one click for the common case.
      const ack = a.ackBy === null ? { ackBy: who.id, ackName: who.name, ackAt: now } : {};
      return { next: { ...base, ...ack, state: 'in_progress', ownerId: who.id, ownerName: who.name, snoozedUntil: null }, activity: [line('take', { from: a.state })], changed: true };
    }
    case 'release':
      return { next: { ...base, state: 'acknowledged', ownerId: null, ownerName: null }, activity: [line('release')], changed: true };
    case 'hold':
      checkText(cmd.note, 'body/note');
      return { next: { ...base, state: 'on_hold' }, activity: [line('hold', cmd.note ? { note: cmd.note } : {})], changed: true };
    case 'resolve':
      checkText(cmd.note, 'body/note');
      if (!OPERATOR_OUTCOMES.includes(cmd.outcome)) throw new EventError('BAD_REQUEST', `body/outcome must be one of ${OPERATOR_OUTCOMES.join(', ')}`);
      return {
        next: { ...base, state: 'resolved', outcome: cmd.outcome, resolvedBy: who.id, resolvedName: who.name, resolvedAt: now, ownerId: a.ownerId ?? who.id, ownerName: a.ownerName ?? who.name },
        activity: [line('resolve', { outcome: cmd.outcome, ...(cmd.note ? { note: cmd.note } : {}) })],
        changed: true,
      };
    case 'reopen':
      return { next: { ...base, state: 'acknowledged', outcome: null, resolvedBy: null, resolvedName: null, resolvedAt: null, ownerId: null, ownerName: null }, activity: [line('reopen', { outcome: a.outcome })], changed: true };
    case 'priority':
      if (!Number.isInteger(cmd.priority) || cmd.priority < 1 || cmd.priority > 255) throw new EventError('BAD_REQUEST', 'body/priority must be an integer from 1 (most urgent) to 255');
      return { next: { ...base, priority: cmd.priority }, activity: [line('priority', { from: a.priority, to: cmd.priority })], changed: cmd.priority !== a.priority };
    case 'step': {
      if (!Number.isInteger(cmd.index) || cmd.index < 0 || cmd.index >= a.steps.length) throw new EventError('BAD_REQUEST', `body/index must be a step of this alarm (0..${a.steps.length - 1})`);
      const steps = a.steps.map((s, i) => (i === cmd.index ? { ...s, done: cmd.done, by: cmd.done ? who.name : null, at: cmd.done ? now : null } : s));
      return { next: { ...base, steps }, activity: [line('step', { index: cmd.index, text: a.steps[cmd.index].text, done: cmd.done })], changed: true };
    }
    case 'snooze':
      if (!(cmd.untilMs > now) || cmd.untilMs - now > MAX_SNOOZE_MS) throw new EventError('BAD_REQUEST', `body/seconds must put the snooze in the next ${MAX_SNOOZE_MS / 3600_000} hours`);
      return { next: { ...base, snoozedUntil: cmd.untilMs }, activity: [line('snooze', { until: cmd.untilMs })], changed: true };
    case 'comment':
      checkText(cmd.text, 'body/text');
      if (cmd.text.trim() === '') throw new EventError('BAD_REQUEST', 'body/text must not be empty');
      return { next: base, activity: [line('comment', { text: cmd.text })], changed: true };
    case 'escalate':
      if (a.escalatedAt !== null) return { next: a, activity: [], changed: false };
      return { next: { ...base, escalatedAt: now }, activity: [line('escalate', { to: 'supervisors', waitedMs: now - a.firstAt })], changed: true };
    case 'auto_close':
      return { next: { ...base, state: 'resolved', outcome: 'auto_closed', resolvedBy: SYSTEM.id, resolvedName: SYSTEM.name, resolvedAt: now }, activity: [line('auto_close', { quietMs: now - a.lastAt })], changed: true };
  }
}
