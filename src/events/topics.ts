// What travels on the one event bus: topic → payload. One bus per process, created in the
// composition root; the recorder's system events, live analytics and the API's WebSocket share it.
import type { AlarmActivityInput, AlarmRow, EventRow } from '../store/index.ts';

/** An alarm was raised, a hit folded into it, or someone (or the system) changed it. */
export interface AlarmChange {
  alarm: AlarmRow;
  /** raised, folded, or the command (ack, take, resolve, escalate …) */
  change: string;
  activity: AlarmActivityInput[];
  /** raised / folded: the hit's event id (its frame and analysis times are in its details) */
  hit?: string;
  /** when the change was stored (ms) */
  at: number;
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
  /** every alarm change, for every operator's screen (issue 12) */
  alarm: AlarmChange;
  /** the cameras whose analysis is behind now, sent when that set changes */
  'analytics.behind': Record<string, AnalysisPace>;
}
