// Media time of the playback stream ↔ wall-clock time. The server skips gaps, so the stream's
// media clock runs straight while the wall clock jumps; the stream's x-vigil-timeline header gives
// one point per recorded segment ("wallMs:mediaMs,..."), and between points both run 1:1.
// (Same rules as src/playback/timeline.ts on the server.)

export interface TimelinePoint {
  wallMs: number;
  mediaMs: number;
}

export function parseTimelinePoints(text: string | null): TimelinePoint[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((pair) => {
    const [wall, media] = pair.split(':').map(Number);
    return { wallMs: wall, mediaMs: media };
  });
}

export function wallTimeAt(points: readonly TimelinePoint[], mediaMs: number): number {
  if (points.length === 0) return NaN;
  let p = points[0];
  for (const q of points) {
    if (q.mediaMs > mediaMs) break;
    p = q;
  }
  return p.wallMs + (mediaMs - p.mediaMs);
}

/** Inside a gap: the start of the next recording. */
export function mediaTimeAt(points: readonly TimelinePoint[], wallMs: number): number {
  if (points.length === 0) return NaN;
  let p = points[0];
  for (const q of points) {
    if (q.wallMs > wallMs) return Math.max(0, Math.min(p.mediaMs + (wallMs - p.wallMs), q.mediaMs));
    p = q;
  }
  return Math.max(0, p.mediaMs + (wallMs - p.wallMs));
}
