// The events part: the event model (system events and rule hits), alarms apart from events (a rule
// says whether its hit raises one; hits fold; the operator's workflow), the one in-process event
// bus and its topics, snapshots, and line-crossing counts. Knows nothing of media or HTTP.
export { EventError, type EventErrorCode } from './errors.ts';
export { EventBus, type Handler } from './event-bus.ts';
export type { EventTopics, AlarmChange, AnalysisPace } from './topics.ts';
export { SystemEvents, type RaiseInput } from './system-events.ts';
export { ALARM_KIND_PREFIX, ALARM_RULE_KINDS, ALARM_SEVERITY, isRuleHit, alarmView, type AlarmView, type AlarmRuleKind } from './alarms.ts';
export { alarmPolicy, DEFAULT_PRIORITY, type AlarmPolicy } from './alarm-policy.ts';
export {
  applyCommand, allowedCommands, ALARM_STATES, ALARM_OUTCOMES, OPERATOR_OUTCOMES, OPEN_STATES, MAX_COMMENT_CHARS, MAX_SNOOZE_MS, SYSTEM,
  type AlarmCommand, type AlarmCommandType, type Operator, type Transition,
} from './alarm-workflow.ts';
export { AlarmService, encodeCursor, decodeCursor, type Actor } from './alarm-service.ts';
export { alarmCsvHeader, alarmCsvRows, csvCell } from './alarm-csv.ts';
export { SnapshotStore } from './snapshots.ts';
export { LineCountBuffer, TrafficCountBuffer, CountBuffer } from './line-counts.ts';
export { bucketCounts, type CountBucket } from './counts.ts';
