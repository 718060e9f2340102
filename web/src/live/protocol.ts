// Text messages of the live WebSocket (binary messages are fMP4: the init segment, then fragments).

export type LiveControlMessage =
  | { type: 'init'; mime: string }
  | { type: 'status'; state: string; message: string }
  /** At each keyframe: the wall-clock time of the picture at `mediaSec` on the video's timeline. */
  | { type: 'clock'; wallMs: number; mediaSec: number };

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
  if (message.type === 'clock' && Number.isFinite(message.wallMs) && Number.isFinite(message.mediaSec)) {
    return { type: 'clock', wallMs: message.wallMs as number, mediaSec: message.mediaSec as number };
  }
  return null;
}

/** The wall-clock time of the frame at `currentTime`, from the newest clock at or before it. */
export function frameWallMs(anchors: readonly { wallMs: number; mediaSec: number }[], currentTime: number): number | null {
  let best: { wallMs: number; mediaSec: number } | null = null;
  for (const a of anchors) if (a.mediaSec <= currentTime + 0.001 && (!best || a.mediaSec > best.mediaSec)) best = a;
  // Before the first anchor (the frame on screen is older than any keyframe we were told of):
  // extrapolate back from the oldest.
  if (!best) for (const a of anchors) if (!best || a.mediaSec < best.mediaSec) best = a;
  return best ? Math.round(best.wallMs + (currentTime - best.mediaSec) * 1000) : null;
}

/** Delay before reconnect attempt n (0-based): 0.5 s doubling to 10 s, with jitter so a wall of tiles doesn't reconnect in lockstep. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}
