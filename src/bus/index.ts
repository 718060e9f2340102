export { EventBus, type Handler } from './event-bus.ts';
export { SystemEvents, type SystemEventTopics, type RaiseInput } from './system-events.ts';
