import { useCallback, useEffect, useState } from 'react';
import { alarmCommand, loadQueue, type Alarm, type AlarmCommandPath, type AlarmSocketMessage } from './alarm-api.ts';

// The live alarm queue: the open alarms once over HTTP, then every change (raised, folded,
// acknowledged, taken, resolved …) as it is pushed over /api/events/live. A resolved alarm leaves
// the queue. Reconnects after a dropped socket and reloads the list.

export type { Alarm };

export interface AlarmFeed {
  /** open alarms, most urgent first, then newest */
  alarms: Alarm[];
  /** camera id → 'neural' | 'motion' for cameras being analysed */
  detectors: Record<string, string>;
  /** cameras whose live analysis is falling behind (frames analysed per second, and expected) */
  behind: Record<string, { analysedFps: number; expectedFps: number }>;
  connected: boolean;
  /** The last failure (an ApiError), shown with errorText when rendered. */
  error: unknown;
  /** the last change pushed or made (for screens that show one alarm) */
  lastChange: Alarm | null;
  command(id: string, command: AlarmCommandPath, body?: Record<string, unknown>): Promise<Alarm>;
}

const KEEP = 200;

function alarmSocketUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/events/live`;
}

type Behind = AlarmFeed['behind'];

/** Most urgent first, then newest; each alarm once (the newer version wins); resolved ones out. */
export function mergeQueue(list: Alarm[], changed: Alarm[]): Alarm[] {
  const byId = new Map(list.map((a) => [a.id, a]));
  for (const a of changed) {
    const had = byId.get(a.id);
    if (had && had.version > a.version) continue;
    if (a.state === 'resolved') byId.delete(a.id);
    else byId.set(a.id, a);
  }
  return [...byId.values()].sort((a, b) => a.priority - b.priority || b.firstAt - a.firstAt).slice(0, KEEP);
}

export function useAlarmFeed(): AlarmFeed {
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [detectors, setDetectors] = useState<Record<string, string>>({});
  const [behind, setBehind] = useState<Behind>({});
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [lastChange, setLastChange] = useState<Alarm | null>(null);

  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const connect = () => {
      ws = new WebSocket(alarmSocketUrl());
      ws.onopen = () => {
        setConnected(true);
        loadQueue()
          .then((r) => {
            setError(null);
            setDetectors(r.detectors);
            setBehind(r.behind ?? {});
            // Keep anything pushed while the list loaded (a newer version wins).
            setAlarms((pushed) => mergeQueue(r.alarms, pushed));
          })
          .catch((e: unknown) => setError(e));
      };
      ws.onmessage = (event) => {
        const msg = JSON.parse(String(event.data)) as AlarmSocketMessage;
        if (msg.type === 'behind') setBehind(msg.cameras);
        if (msg.type === 'alarm') {
          const a = msg.alarm;
          setAlarms((list) => mergeQueue(list, [a]));
          setLastChange(a);
          if (a.detector) setDetectors((d) => (d[a.cameraId] === a.detector ? d : { ...d, [a.cameraId]: a.detector! }));
        }
      };
      ws.onclose = () => {
        setConnected(false);
        if (!stopped) retry = setTimeout(connect, 3000);
      };
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      ws?.close();
    };
  }, []);

  const command = useCallback(async (id: string, path: AlarmCommandPath, body?: Record<string, unknown>) => {
    const alarm = await alarmCommand(id, path, body);
    setAlarms((list) => mergeQueue(list, [alarm]));
    setLastChange(alarm);
    return alarm;
  }, []);

  return { alarms, detectors, behind, connected, error, lastChange, command };
}
