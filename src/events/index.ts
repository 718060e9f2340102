// The events part: the event model (system events and alarms — an alarm is an event that someone
// must handle), the one in-process event bus and its topics, alarm views and acknowledgement,
// snapshots, and line-crossing counts. Knows nothing of media or HTTP.
export { EventError, type EventErrorCode } from './errors.ts';
export { EventBus, type Handler } from './event-bus.ts';
export type { EventTopics, AlarmAck, AnalysisPace } from './topics.ts';
export { SystemEvents, type RaiseInput } from './system-events.ts';
export { ALARM_KIND_PREFIX, ALARM_RULE_KINDS, ALARM_SEVERITY, isAlarm, alarmView, type AlarmView, type AlarmRuleKind } from './alarms.ts';
export { AlarmService, type Actor } from './alarm-service.ts';
export { SnapshotStore } from './snapshots.ts';
export { LineCountBuffer } from './line-counts.ts';
export { bucketCounts, type CountBucket } from './counts.ts';
