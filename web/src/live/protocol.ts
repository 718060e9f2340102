// Text messages of the live WebSocket (binary messages are fMP4: the init segment, then fragments).

export type LiveControlMessage =
  | { type: 'init'; mime: string }
  | { type: 'status'; state: string; message: string };

/** Parses a text frame; unknown or malformed messages give null so newer servers don't break older pages. */
export function parseLiveControlMessage(text: string): LiveControlMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  if (message.type === 'init' && typeof message.mime === 'string') {
    return { type: 'init', mime: message.mime };
  }
  if (message.type === 'status' && typeof message.state === 'string') {
    return { type: 'status', state: message.state, message: typeof message.message === 'string' ? message.message : '' };
  }
  return null;
}

/** Delay before reconnect attempt n (0-based): 0.5 s doubling to 10 s, with jitter so a wall of tiles doesn't reconnect in lockstep. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}
