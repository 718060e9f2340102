// The alarm queue's HTTP calls. Shapes come from the server's schemas through ../api/types.ts.
import { request } from '../api/client.ts';
import type { Alarm, AlarmDetail, AlarmList, ProtectRequest } from '../api/types.ts';

export type { Alarm, AlarmActivity, AlarmDetail, AlarmList, AlarmSocketMessage } from '../api/types.ts';

/** The commands with a route of their own (see src/api/alarm-routes.ts). */
export type AlarmCommandPath = 'ack' | 'take' | 'release' | 'hold' | 'resolve' | 'reopen' | 'priority' | 'steps' | 'snooze' | 'comments';

export function loadQueue(signal?: AbortSignal): Promise<AlarmList> {
  return request<AlarmList>('GET', '/api/alarms?limit=200', undefined, signal);
}

export function loadAlarm(id: string, signal?: AbortSignal): Promise<AlarmDetail> {
  return request<AlarmDetail>('GET', `/api/alarms/${encodeURIComponent(id)}`, undefined, signal);
}

export async function alarmCommand(id: string, command: AlarmCommandPath, body?: Record<string, unknown>): Promise<Alarm> {
  return (await request<{ alarm: Alarm }>('POST', `/api/alarms/${encodeURIComponent(id)}/${command}`, body)).alarm;
}

export function protectVideo(id: string, body: Partial<ProtectRequest> & { reason: string }): Promise<{ lock: { id: string; fromMs: number; toMs: number; reason: string } }> {
  return request('POST', `/api/alarms/${encodeURIComponent(id)}/protect`, body);
}

export function alarmPath(id: string): string {
  return `/alarms/${encodeURIComponent(id)}`;
}
