// What travels on the one event bus: topic → payload. One bus per process, created in the
// composition root; the recorder's system events, live analytics and the API's WebSocket share it.
import type { EventRow } from '../store/index.ts';

/** An operator acknowledged an alarm. */
export interface AlarmAck {
  eventId: string;
  cameraId: string | null;
  ackedBy: string;
  ackedByName: string;
  ackedAt: number;
}

/** How a camera's live analysis keeps up with its stream (analytics/live measures it). */
export interface AnalysisPace {
  /** frames analysed per second over the last window */
  analysedFps: number;
  /** frames per second the stream offered the analyser over the same window (capped by settings.fps) */
  expectedFps: number;
  /** analysing under 90 % of expected */
  behind: boolean;
}

export interface EventTopics extends Record<string, unknown> {
  /** every stored event: system events (camera.offline, disk.full, ...) and alarms (`alarm.*`) */
  event: EventRow;
  'alarm.ack': AlarmAck;
  /** the cameras whose analysis is behind now, sent when that set changes */
  'analytics.behind': Record<string, AnalysisPace>;
}
