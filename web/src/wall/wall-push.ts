// "Push an alarm to a tile": the alarm screen asks any wall open in this browser (another window on
// the wall's monitor) to show the alarm's camera in a tile; with no wall open it opens one here.
// BroadcastChannel: same origin, same browser profile, nothing leaves the machine.

const CHANNEL = 'vigil-wall';

export type WallMessage =
  | { type: 'push'; alarmId: string; tile: number; nonce: string }
  | { type: 'pushed'; nonce: string };

export function wallPath(alarmId?: string, tile?: number): string {
  if (!alarmId) return '/wall';
  return `/wall?${new URLSearchParams({ alarm: alarmId, tile: String(tile ?? 0) })}`;
}

/** Resolves true when an open wall took the alarm within `waitMs`, false when none answered. */
export function pushToOpenWall(alarmId: string, tile: number, waitMs = 400): Promise<boolean> {
  if (typeof BroadcastChannel === 'undefined') return Promise.resolve(false);
  const channel = new BroadcastChannel(CHANNEL);
  const nonce = crypto.randomUUID();
  return new Promise((resolve) => {
    const done = (taken: boolean) => {
      clearTimeout(timer);
      channel.close();
      resolve(taken);
    };
    const timer = setTimeout(() => done(false), waitMs);
    channel.onmessage = (event: MessageEvent<WallMessage>) => {
      if (event.data?.type === 'pushed' && event.data.nonce === nonce) done(true);
    };
    channel.postMessage({ type: 'push', alarmId, tile, nonce } satisfies WallMessage);
  });
}

/** A wall listens for pushes; returns the function that stops listening. */
export function listenForPushes(onPush: (alarmId: string, tile: number) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<WallMessage>) => {
    const m = event.data;
    if (m?.type !== 'push' || typeof m.alarmId !== 'string' || !Number.isInteger(m.tile)) return;
    onPush(m.alarmId, m.tile);
    channel.postMessage({ type: 'pushed', nonce: m.nonce } satisfies WallMessage);
  };
  return () => channel.close();
}
