import { useCallback, useEffect, useState } from 'react';
import type { Alarm, AnalysisPace } from '../api/types.ts';

// The live alarm list: the recent alarms once over HTTP, then new alarms and acknowledgements as
// they are pushed over /api/events/live. Reconnects after a dropped socket and reloads the list.

export type { Alarm } from '../api/types.ts';

export interface AlarmFeed {
  alarms: Alarm[];
  /** camera id → 'neural' | 'motion' for cameras being analysed */
  detectors: Record<string, string>;
  /** cameras whose live analysis is falling behind (frames analysed per second, and expected) */
  behind: Record<string, AnalysisPace>;
  connected: boolean;
  error: string | null;
  acknowledge(id: string): Promise<void>;
}

const KEEP = 100;

function alarmSocketUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/events/live`;
}

type Behind = AlarmFeed['behind'];

async function loadAlarms(): Promise<{ alarms: Alarm[]; detectors: Record<string, string>; behind?: Behind }> {
  const res = await fetch('/api/alarms?limit=50', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as { alarms: Alarm[]; detectors: Record<string, string>; behind?: Behind };
}

export function useAlarmFeed(): AlarmFeed {
  const [alarms, setAlarms] = useState<Alarm[]>([]);
  const [detectors, setDetectors] = useState<Record<string, string>>({});
  const [behind, setBehind] = useState<Behind>({});
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const connect = () => {
      ws = new WebSocket(alarmSocketUrl());
      ws.onopen = () => {
        setConnected(true);
        loadAlarms()
          .then((r) => {
            setError(null);
            setDetectors(r.detectors);
            setBehind(r.behind ?? {});
            // Keep anything pushed while the list loaded.
            setAlarms((pushed) => merge(pushed, r.alarms));
          })
          .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
      };
      ws.onmessage = (event) => {
        const msg = JSON.parse(String(event.data)) as { type: string; alarm?: Alarm; eventId?: string; ack?: Alarm['ack']; cameras?: Behind };
        if (msg.type === 'behind' && msg.cameras) setBehind(msg.cameras);
        if (msg.type === 'alarm' && msg.alarm) {
          const a = msg.alarm;
          setAlarms((list) => merge([a], list));
          if (a.cameraId && a.detector) setDetectors((d) => (d[a.cameraId!] === a.detector ? d : { ...d, [a.cameraId!]: a.detector! }));
        } else if (msg.type === 'ack' && msg.eventId) {
          setAlarms((list) => list.map((a) => (a.id === msg.eventId ? { ...a, ack: msg.ack ?? null } : a)));
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

  const acknowledge = useCallback(async (id: string) => {
    const res = await fetch(`/api/alarms/${encodeURIComponent(id)}/ack`, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
    }
    const { alarm } = (await res.json()) as { alarm: Alarm };
    setAlarms((list) => list.map((a) => (a.id === alarm.id ? { ...a, ack: alarm.ack } : a)));
  }, []);

  return { alarms, detectors, behind, connected, error, acknowledge };
}

/** Newest first, each alarm once (the newer copy wins), at most KEEP. */
function merge(first: Alarm[], second: Alarm[]): Alarm[] {
  const seen = new Set<string>();
  const out: Alarm[] = [];
  for (const a of [...first, ...second]) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    out.push(a);
  }
  return out.sort((a, b) => b.ts - a.ts).slice(0, KEEP);
}
