// Schemas of the alarm queue's routes and WebSocket messages (issue 12). The web app takes its
// types from here (type-only imports of the Static types below).
import { Type, type Static } from '@sinclair/typebox';

const Str = Type.String();
const NumOrNull = Type.Union([Type.Number(), Type.Null()]);
const StrOrNull = Type.Union([Type.String(), Type.Null()]);

export const ALARM_STATE_VALUES = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved'] as const;
export const ALARM_OUTCOME_VALUES = ['incident', 'false_alarm', 'test', 'duplicate', 'other', 'auto_closed'] as const;
export const OPERATOR_OUTCOME_VALUES = ['incident', 'false_alarm', 'test', 'duplicate', 'other'] as const;

export const AlarmStateSchema = Type.Union(ALARM_STATE_VALUES.map((s) => Type.Literal(s)));
export const AlarmOutcomeSchema = Type.Union(ALARM_OUTCOME_VALUES.map((s) => Type.Literal(s)));

export const AlarmStepSchema = Type.Object({ text: Str, done: Type.Boolean(), by: StrOrNull, at: NumOrNull });

export const AlarmSchema = Type.Object({
  id: Str,
  cameraId: Str,
  cameraName: Str,
  ruleKind: Str,
  rule: Str,
  priority: Type.Integer({ description: '1 is the most urgent, 255 the least' }),
  state: AlarmStateSchema,
  outcome: Type.Union([AlarmOutcomeSchema, Type.Null()]),
  hits: Type.Integer({ description: 'rule hits folded into this alarm' }),
  firstAt: Type.Number(),
  lastAt: Type.Number(),
  eventId: Str,
  cls: StrOrNull,
  box: Type.Union([Type.Array(Type.Number()), Type.Null()]),
  detector: StrOrNull,
  snapshotUrl: StrOrNull,
  ack: Type.Union([Type.Object({ by: Str, at: Type.Number() }), Type.Null()]),
  owner: Type.Union([Type.Object({ id: Str, name: Str }), Type.Null()]),
  resolved: Type.Union([Type.Object({ by: Str, at: Type.Number() }), Type.Null()]),
  steps: Type.Array(AlarmStepSchema),
  escalatedAt: NumOrNull,
  snoozedUntil: NumOrNull,
  updatedAt: Type.Number(),
  version: Type.Integer(),
  allowed: Type.Array(Str, { description: 'commands the requesting user may give now' }),
  detail: Type.Union([Type.Record(Str, Type.Union([Type.Number(), Type.String()])), Type.Null()], { description: "The first hit's figures: crowd persons, personsPerM2, areaM2, unit, threshold, beyondCounting; dwell seconds; tamper reason." }),
});
export type Alarm = Static<typeof AlarmSchema>;

export const AlarmActivitySchema = Type.Object({ seq: Type.Integer(), ts: Type.Number(), actor: Str, actorName: Str, kind: Str, details: Type.Record(Str, Type.Unknown()) });
export type AlarmActivity = Static<typeof AlarmActivitySchema>;

export const PaceSchema = Type.Object({ analysedFps: Type.Number(), expectedFps: Type.Number(), behind: Type.Boolean() });
export const AlarmQueueQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }) });
export const AlarmQueueSchema = Type.Object({
  alarms: Type.Array(AlarmSchema, { description: 'open alarms (not resolved), most urgent first, then newest' }),
  detectors: Type.Record(Str, Str),
  behind: Type.Record(Str, PaceSchema, { description: 'Cameras whose live analysis is falling behind (analysing under 90 % of what the stream allows over the last 10 s): alarms come late, short events can be missed.' }),
});
export type AlarmQueue = Static<typeof AlarmQueueSchema>;

export const AlarmDetailSchema = Type.Object({ alarm: AlarmSchema, activity: Type.Array(AlarmActivitySchema) });
export type AlarmDetail = Static<typeof AlarmDetailSchema>;
export const AlarmReplySchema = Type.Object({ alarm: AlarmSchema });

export const AlarmHistoryQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, description: 'first hit at or after, ms since the epoch' })),
  to: Type.Optional(Type.Integer({ minimum: 0, description: 'first hit at or before, ms since the epoch' })),
  cameraId: Type.Optional(Type.String({ maxLength: 64 })),
  site: Type.Optional(Type.String({ maxLength: 64, description: 'site id: alarms of the cameras placed in that site (on the map)' })),
  ruleKind: Type.Optional(Type.String({ maxLength: 64 })),
  rule: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(AlarmStateSchema),
  outcome: Type.Optional(AlarmOutcomeSchema),
  operator: Type.Optional(Type.String({ maxLength: 200, description: 'user name who acknowledged, owned or resolved it' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'the `next` of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});
export type AlarmHistoryFilter = Static<typeof AlarmHistoryQuery>;
export const AlarmHistorySchema = Type.Object({ alarms: Type.Array(AlarmSchema), next: StrOrNull });
export type AlarmHistory = Static<typeof AlarmHistorySchema>;

const Note = Type.Optional(Type.String({ maxLength: 100_000, description: 'at most 4000 characters (longer: 413)' }));
export const HoldBody = Type.Object({ note: Note }, { additionalProperties: false });
export const ResolveBody = Type.Object({ outcome: Type.Union(OPERATOR_OUTCOME_VALUES.map((o) => Type.Literal(o))), note: Note }, { additionalProperties: false });
export const PriorityBody = Type.Object({ priority: Type.Integer({ minimum: 1, maximum: 255 }) }, { additionalProperties: false });
export const StepBody = Type.Object({ index: Type.Integer({ minimum: 0, maximum: 19 }), done: Type.Boolean() }, { additionalProperties: false });
export const SnoozeBody = Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 86400 }) }, { additionalProperties: false });
export const CommentBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 100_000, description: 'at most 4000 characters (longer: 413)' }) }, { additionalProperties: false });
export const ProtectBody = Type.Object(
  {
    reason: Type.String({ minLength: 3, maxLength: 1000, description: 'why the recording must be kept' }),
    beforeSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 30, description: 'kept from this long before the first hit' }),
    afterSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 30, description: 'and this long after the last' }),
  },
  { additionalProperties: false },
);
export type ProtectRequest = Static<typeof ProtectBody>;
export const ProtectReplySchema = Type.Object({ lock: Type.Object({ id: Str, cameraId: Str, fromMs: Type.Number(), toMs: Type.Number(), reason: Str }) });

/** What /api/events/live sends. */
export type AlarmSocketMessage =
  | { type: 'hello' }
  | { type: 'alarm'; change: string; alarm: Alarm; activity: Omit<AlarmActivity, 'seq'>[]; /** raised / folded: the hit's event id */ hit?: string; sentAt: number }
  | { type: 'escalation'; alarm: Alarm; sentAt: number }
  | { type: 'behind'; cameras: Record<string, Static<typeof PaceSchema>> };
